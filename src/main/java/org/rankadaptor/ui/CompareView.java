package org.rankadaptor.ui;

import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.util.StringConverter;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.fx.ChartViewer;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.category.CategoryDataset;
import org.rankadaptor.store.ComparisonMetric;
import org.rankadaptor.store.ComparisonTable;
import org.rankadaptor.store.ModelRecord;
import org.rankadaptor.store.RecoveryRun;

import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Compare screen: recovery runs from the workspace in the paper's Table 2 layout (methods x tasks + average, best per
 * column in bold), a grouped bar chart per task, two runs' rank plans side by side, and evaluation of a run.
 */
public final class CompareView extends AbstractScreen<CompareViewModel> {
    public static final String TITLE = "Compare";

    private final TableView<ComparisonTable.Row> table = new TableView<>();

    public CompareView(WorkbenchContext context) {
        super(TITLE, new CompareViewModel(context));

        table.setId("comparisonTable");
        table.setPlaceholder(new Label("No evaluations in this scope yet: evaluate a run below, or with the eval command"));
        table.setPrefHeight(200);
        table.setColumnResizePolicy(TableView.UNCONSTRAINED_RESIZE_POLICY);
        viewModel.tableProperty().addListener((obs, old, t) -> showTable(t));

        ChartViewer taskChart = new ChartViewer(createTaskChart(viewModel.taskDataset()));
        taskChart.setId("taskChart");
        ChartViewer planChart = new ChartViewer(LayerRankChart.createChart(viewModel.planDataset(), "Rank plans"));
        planChart.setId("planChart");
        for (ChartViewer viewer : new ChartViewer[] {taskChart, planChart}) {
            viewer.setPrefHeight(280);
            viewer.setMinHeight(200);
            viewer.setPrefWidth(480);
            HBox.setHgrow(viewer, Priority.ALWAYS);
        }
        VBox planBox = new VBox(6, planPickers(), planChart);
        VBox.setVgrow(planChart, Priority.ALWAYS);
        HBox.setHgrow(planBox, Priority.ALWAYS);
        HBox charts = new HBox(12, taskChart, planBox);
        charts.getStyleClass().add("card");
        VBox tableCard = new VBox(6, FormControls.sectionTitle("Accuracy (%) per task"), table);
        tableCard.getStyleClass().add("card");
        show(filters(), tableCard, charts, evaluation(context));
        FormControls.keepLabelsWhole(view());
        viewModel.refresh();
    }

    private Node filters() {
        ComboBox<ModelRecord> model = new ComboBox<>(viewModel.models());
        model.setId("compareModel");
        model.valueProperty().bindBidirectional(viewModel.modelProperty());
        model.setConverter(new StringConverter<>() {
            @Override
            public String toString(ModelRecord m) {
                return m == null ? "" : m.name() + "  (#" + m.id() + ", " + Formats.shortCount(m.paramCount()) + " params)";
            }

            @Override
            public ModelRecord fromString(String s) {
                return null;
            }
        });
        model.setPrefWidth(300);
        ComboBox<CompareViewModel.PruningChoice> pruning = new ComboBox<>(viewModel.pruningRuns());
        pruning.setId("comparePruning");
        pruning.valueProperty().bindBidirectional(viewModel.pruningRunProperty());
        pruning.setPrefWidth(300);
        ChoiceBox<ComparisonMetric> metric = new ChoiceBox<>();
        metric.setId("compareMetric");
        metric.getItems().setAll(ComparisonMetric.values());
        metric.valueProperty().bindBidirectional(viewModel.metricProperty());
        Button refresh = new Button("Refresh");
        refresh.setId("refreshCompare");
        refresh.setOnAction(e -> viewModel.refresh());
        HBox row = new HBox(8, new Label("Model"), model, new Label("Pruning"), pruning, new Label("Metric"), metric, refresh);
        row.setAlignment(Pos.CENTER_LEFT);
        return row;
    }

    private Node planPickers() {
        ComboBox<RecoveryRun> a = runPicker("planRunA");
        a.valueProperty().bindBidirectional(viewModel.runAProperty());
        ComboBox<RecoveryRun> b = runPicker("planRunB");
        b.valueProperty().bindBidirectional(viewModel.runBProperty());
        HBox row = new HBox(6, new Label("Run A"), a, new Label("Run B"), b);
        row.setAlignment(Pos.CENTER_LEFT);
        return row;
    }

    private Node evaluation(WorkbenchContext context) {
        ComboBox<RecoveryRun> run = runPicker("evaluationRun");
        run.valueProperty().bindBidirectional(viewModel.evaluationRunProperty());
        TextField tasks = new TextField();
        tasks.setId("evaluationTasks");
        tasks.textProperty().bindBidirectional(viewModel.evaluationTasksProperty());
        tasks.setPrefColumnCount(16);
        HBox tasksDir = FormControls.pathField("evaluationTasksDir", viewModel.tasksDirProperty(), "tasks directory",
                FormControls.PathKind.DIRECTORY, "Tasks directory");
        HBox.setHgrow(tasksDir, Priority.ALWAYS);
        Button evaluate = new Button("Evaluate run");
        evaluate.setId("evaluateRun");
        evaluate.disableProperty().bind(viewModel.runningProperty().or(viewModel.evaluationRunProperty().isNull()));
        evaluate.setOnAction(e -> viewModel.evaluateRun());
        Button bare = new Button("Evaluate without adapter");
        bare.setId("evaluateWithoutAdapter");
        bare.disableProperty().bind(evaluate.disableProperty());
        bare.setOnAction(e -> viewModel.evaluateWithoutAdapter());
        HBox row = new HBox(8, new Label("Run"), run, new Label("Tasks"), tasks, new Label("Limit"),
                FormControls.intSpinner("evaluationLimit", viewModel.evaluationLimitProperty(), 0, 1_000_000, 10),
                evaluate, bare);
        row.setAlignment(Pos.CENTER_LEFT);
        HBox dirRow = new HBox(8, new Label("Tasks directory"), tasksDir);
        dirRow.setAlignment(Pos.CENTER_LEFT);
        Label hint = new Label("Scores are recorded in the workspace against the run (limit 0 = every document).");
        hint.getStyleClass().add("hint");
        VBox box = new VBox(6, FormControls.sectionTitle("Evaluate a recovery run"), row, dirRow, hint);
        box.getStyleClass().add("card");
        return box;
    }

    private ComboBox<RecoveryRun> runPicker(String id) {
        ComboBox<RecoveryRun> picker = new ComboBox<>(viewModel.runs());
        picker.setId(id);
        picker.setPrefWidth(230);
        picker.setConverter(new StringConverter<>() {
            @Override
            public String toString(RecoveryRun r) {
                return r == null ? "" : CompareViewModel.runName(r);
            }

            @Override
            public RecoveryRun fromString(String s) {
                return null;
            }
        });
        return picker;
    }

    private void showTable(ComparisonTable t) {
        table.getColumns().clear();
        if (t == null) {
            table.getItems().clear();
            return;
        }
        Map<String, Integer> best = t.bestRows();
        table.getColumns().add(textColumn("Method", 110, ComparisonTable.Row::method));
        table.getColumns().add(textColumn("Run", 260, CompareViewModel::rowName));
        for (String task : t.tasks()) {
            table.getColumns().add(scoreColumn(task, r -> r.scores().get(task), best.get(task)));
        }
        table.getColumns().add(scoreColumn("Average", ComparisonTable.Row::average, best.get(ComparisonTable.AVERAGE_COLUMN)));
        table.getItems().setAll(t.rows());
    }

    private static TableColumn<ComparisonTable.Row, String> textColumn(String name, double width,
                                                                     Function<ComparisonTable.Row, String> value) {
        TableColumn<ComparisonTable.Row, String> column = new TableColumn<>(name);
        column.setPrefWidth(width);
        column.setSortable(false);
        column.setCellValueFactory(cell -> new ReadOnlyStringWrapper(value.apply(cell.getValue())));
        return column;
    }

    /** Accuracy in percent; the column's best row in bold. */
    private static TableColumn<ComparisonTable.Row, Double> scoreColumn(String name,
            Function<ComparisonTable.Row, Double> value, Integer bestRow) {
        TableColumn<ComparisonTable.Row, Double> column = new TableColumn<>(name);
        column.setPrefWidth(Math.max(90, name.length() * 10));
        column.setSortable(false);
        column.setCellValueFactory(cell -> new javafx.beans.property.ReadOnlyObjectWrapper<>(value.apply(cell.getValue())));
        column.setCellFactory(c -> new TableCell<>() {
            @Override
            protected void updateItem(Double score, boolean empty) {
                super.updateItem(score, empty);
                boolean isBest = !empty && bestRow != null && getIndex() == bestRow;
                setText(empty || score == null || score.isNaN() ? (empty ? null : "-")
                        : String.format(Locale.ROOT, "%.2f", 100 * score));
                setStyle(isBest ? "-fx-font-weight: bold;" : "");
                getStyleClass().remove("best-score");
                if (isBest) {
                    getStyleClass().add("best-score");
                }
            }
        });
        return column;
    }

    static JFreeChart createTaskChart(CategoryDataset dataset) {
        JFreeChart chart = ChartFactory.createBarChart("Accuracy per task", "Task", "Accuracy (%)", dataset,
                PlotOrientation.VERTICAL, true, true, false);
        Charts.style(chart);
        chart.getCategoryPlot().getDomainAxis().setCategoryLabelPositions(CategoryLabelPositions.STANDARD);
        return chart;
    }
}
