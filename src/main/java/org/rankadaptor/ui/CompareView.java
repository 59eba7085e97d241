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
import org.rankadaptor.job.PairedRunComparison;
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
        // every row visible: the table is as tall as its rows (the screen scrolls instead)
        table.setFixedCellSize(28);
        table.prefHeightProperty().bind(javafx.beans.binding.Bindings.size(table.getItems()).multiply(28).add(34)
                .map(h -> Math.max(120, h.doubleValue())));
        table.minHeightProperty().bind(table.prefHeightProperty());
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
        Label legend = new Label("n = documents scored (hover a score for its standard error)."
                + " \"unpruned\" is the model before pruning; \"pruned, w/o tuning\" the pruned model without an adapter.");
        legend.getStyleClass().add("hint");
        legend.setWrapText(true);
        VBox tableCard = new VBox(6, FormControls.sectionTitle("Accuracy (%) per task, +- 95% interval (1.96 x the"
                + " harness standard error)"), legend, table, FormControls.sectionTitle("Run A vs run B on the same documents"),
                pairedTable());
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

    /** The paired test of the runs picked as A and B, one row per task: the significance column. */
    private Node pairedTable() {
        TableView<PairedRunComparison.TaskDifference> paired = new TableView<>(viewModel.paired());
        paired.setId("pairedTable");
        paired.setPlaceholder(new Label("Pick two different runs as A and B (right) to test their difference"));
        paired.setPrefHeight(150);
        paired.setColumnResizePolicy(TableView.UNCONSTRAINED_RESIZE_POLICY);
        paired.getColumns().add(textColumn("Task", 120, PairedRunComparison.TaskDifference::task));
        paired.getColumns().add(textColumn("Docs", 60, d -> d.tested() ? Integer.toString(d.documents()) : "-"));
        paired.getColumns().add(textColumn("A - B", 80, d -> String.format(Locale.ROOT, "%+.2f",
                100 * (d.scoreA() - d.scoreB()))));
        paired.getColumns().add(textColumn("95% interval", 130, d -> !d.tested() ? "-" : String.format(Locale.ROOT,
                "[%+.2f, %+.2f]", 100 * d.bootstrap().interval().lower(), 100 * d.bootstrap().interval().upper())));
        paired.getColumns().add(textColumn("Significant", 90, d -> !d.tested() ? d.note()
                : d.significant() ? "yes" : "no"));
        paired.getColumns().add(textColumn("McNemar p", 90, d -> !d.tested() ? "-"
                : String.format(Locale.ROOT, "%.4f", d.mcnemar().pValue())));
        paired.getColumns().add(textColumn("Seed sd A", 100, d -> seedNoise(d.seedNoiseA(), d.seedsA())));
        paired.getColumns().add(textColumn("Seed sd B", 100, d -> seedNoise(d.seedNoiseB(), d.seedsB())));
        return paired;
    }

    private static String seedNoise(double sd, int runs) {
        return runs < 2 ? "-" : String.format(Locale.ROOT, "%.2f (%d runs)", 100 * sd, runs);
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
        table.getColumns().add(textColumn("Method", 110, r -> methodLabel(r.method())));
        table.getColumns().add(textColumn("Run", 260, CompareViewModel::rowName));
        for (String task : t.tasks()) {
            table.getColumns().add(scoreColumn(task, r -> r.scores().get(task), r -> r.standardErrors().get(task),
                    best.get(task), task));
        }
        table.getColumns().add(scoreColumn("Average", ComparisonTable.Row::average, r -> null,
                best.get(ComparisonTable.AVERAGE_COLUMN), null));
        table.getItems().setAll(t.rows());
    }

    private static <T> TableColumn<T, String> textColumn(String name, double width, Function<T, String> value) {
        TableColumn<T, String> column = new TableColumn<>(name);
        column.setPrefWidth(width);
        column.setSortable(false);
        column.setCellValueFactory(cell -> new ReadOnlyStringWrapper(value.apply(cell.getValue())));
        return column;
    }

    /** How a method reads in the table: "LoRA", "AdaLoRA", "RankAdaptor", "-" for rows without an adapter. */
    static String methodLabel(String method) {
        return switch (method) {
            case "NONE" -> "no adapter";
            case "LORA" -> "LoRA";
            case "ADALORA" -> "AdaLoRA";
            case "RANKADAPTOR" -> "RankAdaptor";
            case "CUSTOM" -> "Custom plan";
            default -> method;
        };
    }

    /**
     * Accuracy in percent +- the 95% half-width where a standard error is stored, and n (the average: the mean over
     * tasks); the column's best row in bold. {@code task} is null for the average column.
     */
    private TableColumn<ComparisonTable.Row, Double> scoreColumn(String name,
            Function<ComparisonTable.Row, Double> value, Function<ComparisonTable.Row, Double> standardError,
            Integer bestRow, String task) {
        TableColumn<ComparisonTable.Row, Double> column = new TableColumn<>(name);
        column.setPrefWidth(task == null ? 90 : Math.max(150, name.length() * 10));
        column.setSortable(false);
        column.setCellValueFactory(cell -> new javafx.beans.property.ReadOnlyObjectWrapper<>(value.apply(cell.getValue())));
        column.setCellFactory(c -> new TableCell<>() {
            @Override
            protected void updateItem(Double score, boolean empty) {
                super.updateItem(score, empty);
                boolean isBest = !empty && bestRow != null && getIndex() == bestRow;
                Double se = empty || getTableRow() == null || getTableRow().getItem() == null ? null
                        : standardError.apply(getTableRow().getItem());
                org.rankadaptor.store.Evaluation e = empty || task == null ? null : viewModel.evaluation(getIndex(), task);
                setText(empty || score == null || score.isNaN() ? (empty ? null : "-")
                        : String.format(Locale.ROOT, "%.2f", 100 * score)
                        + (se == null ? "" : String.format(Locale.ROOT, " ± %.1f", 196 * se)) + (e == null ? "" : "  n=" + e.n()));
                setTooltip(e == null ? null : new javafx.scene.control.Tooltip(String.format(Locale.ROOT,
                        "%s: %.2f%%, standard error %s, %d documents, evaluation #%d", task, 100 * score,
                        se == null ? "-" : String.format(Locale.ROOT, "%.2f", 100 * se), e.n(), e.id())));
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
