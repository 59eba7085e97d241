package org.rankadaptor.ui;

import javafx.beans.binding.Bindings;
import javafx.beans.property.Property;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.cell.TextFieldTableCell;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.util.StringConverter;
import org.controlsfx.control.RangeSlider;
import org.jfree.chart.fx.ChartViewer;
import org.jfree.data.category.CategoryDataset;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYZDataset;
import org.rankadaptor.model.LayerDims;
import org.rankadaptor.prune.Estimator;
import org.rankadaptor.prune.ImportanceMaps;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Prune screen: layer ranges with attention and MLP ratios, the estimator and calibration text, the live parameter
 * reduction, importance heatmaps (layers x kv groups and layers x MLP channels) and the prune job.
 */
public final class PruneView extends AbstractScreen<PruneViewModel> {
    public static final String TITLE = "Prune";

    private final WorkbenchContext context;
    private final TableView<PruneViewModel.RangeRow> rangeTable = new TableView<>();
    private final RangeSlider layerSlider = new RangeSlider(1, 2, 1, 2);
    private final ChartViewer keptChart = new ChartViewer(null);
    private final ChartViewer attentionHeatmap = new ChartViewer(null);
    private final ChartViewer mlpHeatmap = new ChartViewer(null);
    private final javafx.scene.control.TabPane charts = new javafx.scene.control.TabPane();
    private final javafx.beans.property.ReadOnlyStringWrapper cellError = new javafx.beans.property.ReadOnlyStringWrapper("");
    private XYZDataset attentionData;
    private XYZDataset mlpData;
    private CategoryDataset keptData;

    public PruneView(WorkbenchContext context, Consumer<Path> modelOpener) {
        super(TITLE, new PruneViewModel(context, modelOpener));
        this.context = context;
        Node estimator = estimatorRow();
        Node plan = planArea();
        estimator.disableProperty().bind(viewModel.runningProperty()); // a job keeps the settings it started with
        rangeTable.editableProperty().bind(viewModel.runningProperty().not());
        show(estimator, plan, actionRow(), outcomeRow());
        FormControls.keepLabelsWhole(view());
        viewModel.prunedDimsProperty().addListener((obs, old, dims) -> {
            showKept(dims);
            showImportance(viewModel.importanceProperty().get()); // the crosses follow the plan
        });
        viewModel.importanceProperty().addListener((obs, old, maps) -> {
            showImportance(maps);
            if (maps != null) {
                charts.getSelectionModel().select(1);
            }
        });
        ChartInteraction.scrollPageNotChart(keptChart);
        ChartInteraction.scrollPageNotChart(attentionHeatmap, () -> showImportance(viewModel.importanceProperty().get()));
        ChartInteraction.scrollPageNotChart(mlpHeatmap, () -> showImportance(viewModel.importanceProperty().get()));
        context.state().currentModelProperty().addListener((obs, old, model) -> fitSlider(model));
        fitSlider(context.state().getCurrentModel());
        showKept(viewModel.prunedDimsProperty().get());
    }

    /** Heatmap datasets (null before scoring): attention is layers x kv groups, MLP layers x channels. */
    public XYZDataset attentionDataset() {
        return attentionData;
    }

    public XYZDataset mlpDataset() {
        return mlpData;
    }

    public CategoryDataset keptDataset() {
        return keptData;
    }

    private Node estimatorRow() {
        ChoiceBox<Estimator> estimator = new ChoiceBox<>();
        estimator.getItems().setAll(Estimator.values());
        estimator.valueProperty().bindBidirectional(viewModel.estimatorProperty());
        estimator.setId("estimator");
        HBox calibration = FormControls.pathField("calibrationPath", viewModel.calibrationPathProperty(),
                "calibration text (JSONL with \"text\", or lines)", FormControls.PathKind.FILE, "Calibration text");
        HBox.setHgrow(calibration, Priority.ALWAYS);
        Spinner<Integer> samples = FormControls.intSpinner("calibrationSamples", viewModel.samplesProperty(), 1, 1024, 1);
        Spinner<Integer> seqLen = FormControls.intSpinner("calibrationSeqLen", viewModel.seqLenProperty(), 2, 4096, 16);
        HBox row = new HBox(8, new Label("Estimator"), estimator, new Label("Calibration"), calibration,
                new Label("Samples"), samples, new Label("Tokens"), seqLen);
        row.setAlignment(Pos.CENTER_LEFT);
        return row;
    }

    private Node planArea() {
        rangeTable.setId("rangeTable");
        rangeTable.setEditable(true);
        rangeTable.setItems(viewModel.ranges());
        NumberText.Rule layer = NumberText.Rule.integer(1, 100_000);
        NumberText.Rule ratio = NumberText.Rule.real(0, 0.99);
        rangeTable.getColumns().add(editableColumn("First layer", 95, layer, Number::intValue, r -> r.firstProperty().asObject()));
        rangeTable.getColumns().add(editableColumn("Last layer", 95, layer, Number::intValue, r -> r.lastProperty().asObject()));
        rangeTable.getColumns().add(editableColumn("Attention ratio", 120, ratio, Number::doubleValue,
                r -> r.attentionRatioProperty().asObject()));
        rangeTable.getColumns().add(editableColumn("MLP ratio", 120, ratio, Number::doubleValue, r -> r.mlpRatioProperty().asObject()));
        rangeTable.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        rangeTable.setPrefHeight(150);
        rangeTable.setMinHeight(120);
        rangeTable.setPlaceholder(new Label("No ranges: add one below"));

        layerSlider.setId("layerRangeSlider");
        layerSlider.setShowTickLabels(true);
        layerSlider.setShowTickMarks(true);
        layerSlider.setMajorTickUnit(1);
        layerSlider.setMinorTickCount(0);
        layerSlider.setSnapToTicks(true);
        layerSlider.setPrefWidth(260);
        Label sliderText = new Label();
        sliderText.setId("sliderRange");
        sliderText.textProperty().bind(Bindings.createStringBinding(() -> "layers " + Math.round(layerSlider.getLowValue())
                + "-" + Math.round(layerSlider.getHighValue()), layerSlider.lowValueProperty(), layerSlider.highValueProperty()));
        javafx.beans.property.ObjectProperty<Double> newAttention = new javafx.beans.property.SimpleObjectProperty<>(0.25);
        javafx.beans.property.ObjectProperty<Double> newMlp = new javafx.beans.property.SimpleObjectProperty<>(0.25);
        Spinner<Double> attention = FormControls.doubleSpinner("newAttentionRatio", newAttention, 0, 0.95, 0.05);
        Spinner<Double> mlp = FormControls.doubleSpinner("newMlpRatio", newMlp, 0, 0.95, 0.05);
        Button add = new Button("Add range");
        add.setId("addRange");
        add.setOnAction(e -> viewModel.addRange((int) Math.round(layerSlider.getLowValue()),
                (int) Math.round(layerSlider.getHighValue()), newAttention.get(), newMlp.get()));
        Button remove = new Button("Remove");
        remove.setId("removeRange");
        remove.disableProperty().bind(rangeTable.getSelectionModel().selectedItemProperty().isNull());
        remove.setOnAction(e -> viewModel.removeRange(rangeTable.getSelectionModel().getSelectedItem()));
        GridPane adder = new GridPane();
        adder.setHgap(8);
        adder.setVgap(6);
        adder.addRow(0, new Label("New range"), layerSlider, sliderText);
        attention.setPrefWidth(88);
        mlp.setPrefWidth(88);
        add.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        remove.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        HBox ratios = new HBox(6, new Label("Attention"), attention, new Label("MLP"), mlp, add, remove);
        ratios.setAlignment(Pos.CENTER_LEFT);
        adder.add(ratios, 0, 1, 3, 1);

        Label reduction = new Label();
        reduction.setId("parameterReduction");
        reduction.getStyleClass().add("summary-value");
        reduction.textProperty().bind(viewModel.reductionProperty());
        Label hint = new Label("Layers are numbered from 1; ranges are inclusive. Double-click a cell to edit.");
        hint.getStyleClass().add("hint");
        adder.disableProperty().bind(viewModel.runningProperty());
        Label warning = FormControls.hintLine("planWarning", viewModel.planWarningProperty());
        warning.getStyleClass().add("warning");
        VBox left = new VBox(6, FormControls.sectionTitle("Layer ranges"), rangeTable, adder, reduction,
                FormControls.inlineError("planError", viewModel.planErrorProperty()),
                FormControls.inlineError("rangeCellError", cellError.getReadOnlyProperty()), warning, hint);
        left.getStyleClass().add("card");
        left.setPrefWidth(560);
        left.setMinWidth(540);

        keptChart.setId("keptFractionChart");
        attentionHeatmap.setId("attentionHeatmap");
        mlpHeatmap.setId("mlpHeatmap");
        for (ChartViewer viewer : List.of(keptChart, attentionHeatmap, mlpHeatmap)) {
            viewer.setPrefHeight(330);
            viewer.setMinHeight(260);
        }
        Label heatmapHint = new Label("Score importance to see each group's score here (hover a cell for its value;"
                + " crosses mark the groups the plan removes).");
        heatmapHint.getStyleClass().add("hint");
        heatmapHint.setWrapText(true);
        heatmapHint.setId("heatmapHint");
        javafx.scene.layout.StackPane attentionTab = new javafx.scene.layout.StackPane(attentionHeatmap, heatmapHint);
        attentionHeatmap.visibleProperty().bind(viewModel.importanceProperty().isNotNull());
        mlpHeatmap.visibleProperty().bind(viewModel.importanceProperty().isNotNull());
        heatmapHint.visibleProperty().bind(viewModel.importanceProperty().isNull());
        charts.setId("pruneCharts");
        charts.setTabClosingPolicy(javafx.scene.control.TabPane.TabClosingPolicy.UNAVAILABLE);
        charts.getTabs().addAll(new javafx.scene.control.Tab("Kept per layer", keptChart),
                new javafx.scene.control.Tab("Attention importance", attentionTab),
                new javafx.scene.control.Tab("MLP importance", mlpHeatmap));
        VBox right = new VBox(charts);
        right.getStyleClass().add("card");
        VBox.setVgrow(charts, Priority.ALWAYS);
        HBox.setHgrow(right, Priority.ALWAYS);
        return new HBox(12, left, right);
    }

    private Node actionRow() {
        Button score = new Button("Score importance");
        score.setId("scoreImportance");
        score.disableProperty().bind(viewModel.runningProperty().or(context.state().currentModelProperty().isNull()));
        score.setOnAction(e -> viewModel.scoreImportance());
        HBox output = FormControls.pathField("pruneOutputDir", viewModel.outputDirProperty(),
                "output directory for the pruned checkpoint", FormControls.PathKind.DIRECTORY, "Pruned model directory");
        HBox.setHgrow(output, Priority.ALWAYS);
        Button prune = new Button("Prune");
        prune.setId("prune");
        prune.disableProperty().bind(viewModel.runningProperty().or(context.state().currentModelProperty().isNull())
                .or(viewModel.planErrorProperty().isNotEmpty()));
        prune.setOnAction(e -> viewModel.prune());
        output.disableProperty().bind(viewModel.runningProperty());
        HBox row = new HBox(8, score, new Label("Output"), output, prune,
                FormControls.whyDisabled("pruneHint", context, viewModel.runningProperty(), "the model to prune"));
        row.setAlignment(Pos.CENTER_LEFT);
        return row;
    }

    private Node outcomeRow() {
        Label outcome = new Label();
        outcome.setId("pruneOutcome");
        outcome.setWrapText(true);
        outcome.textProperty().bind(viewModel.outcomeTextProperty());
        Button open = new Button("Open pruned model and recover it");
        open.setId("openPruned");
        open.setOnAction(e -> viewModel.openPruned());
        HBox row = new HBox(8, outcome, open);
        row.setAlignment(Pos.CENTER_LEFT);
        row.visibleProperty().bind(viewModel.outcomeProperty().isNotNull());
        row.managedProperty().bind(row.visibleProperty());
        return row;
    }

    private void fitSlider(LoadedModel model) {
        int layers = model == null ? 2 : Math.max(2, model.summary().config().numLayers());
        layerSlider.setMax(layers);
        layerSlider.setLowValue(1);
        layerSlider.setHighValue(layers);
    }

    private void showKept(List<LayerDims> dims) {
        LoadedModel model = context.state().getCurrentModel();
        CategoryDataset dataset = dims == null || model == null ? new DefaultCategoryDataset()
                : KeptFractionChart.createDataset(model.summary().config(), dims);
        keptData = dataset;
        keptChart.setChart(KeptFractionChart.createChart(dataset));
    }

    private void showImportance(ImportanceMaps maps) {
        if (maps == null) {
            return; // hidden; ChartViewer keeps the old chart
        }
        attentionData = ImportanceHeatmap.createDataset(maps.attention());
        mlpData = ImportanceHeatmap.createDataset(maps.mlp());
        List<LayerDims> dims = viewModel.prunedDimsProperty().get();
        var removedAttention = dims == null || dims.size() != maps.attention().length ? null
                : ImportanceHeatmap.removedCells(maps.attention(), dims.stream().mapToInt(LayerDims::numKvHeads).toArray());
        var removedMlp = dims == null || dims.size() != maps.mlp().length ? null
                : ImportanceHeatmap.removedCells(maps.mlp(), dims.stream().mapToInt(LayerDims::intermediateSize).toArray());
        String by = " (" + maps.estimator() + ")";
        attentionHeatmap.setChart(ImportanceHeatmap.createChart(attentionData, "Attention groups" + by, "KV group",
                removedAttention));
        mlpHeatmap.setChart(ImportanceHeatmap.createChart(mlpData, "MLP channels" + by, "Channel", removedMlp));
    }

    /**
     * A table column whose cells edit {@code property} of each range row. Text that is not a number within
     * {@code rule} is refused with a message under the table, and the cell keeps its value.
     */
    private <T> TableColumn<PruneViewModel.RangeRow, T> editableColumn(String name, double width, NumberText.Rule rule,
            Function<Number, T> cast, Function<PruneViewModel.RangeRow, Property<T>> property) {
        TableColumn<PruneViewModel.RangeRow, T> column = new TableColumn<>(name);
        column.setCellValueFactory(cell -> property.apply(cell.getValue()));
        column.setCellFactory(TextFieldTableCell.forTableColumn(new StringConverter<>() {
            @Override
            public String toString(T value) {
                return value == null ? "" : rule.whole() ? value.toString() : Formats.number(((Number) value).doubleValue());
            }

            @Override
            public T fromString(String text) {
                NumberText.Parsed parsed = NumberText.parse(text, rule);
                if (parsed instanceof NumberText.Valid valid) {
                    cellError.set("");
                    return cast.apply(valid.value());
                }
                cellError.set(name + ": " + ((NumberText.Invalid) parsed).reason() + "; the cell keeps its value");
                return null;
            }
        }));
        column.setOnEditCommit(e -> {
            if (e.getNewValue() != null) {
                property.apply(e.getRowValue()).setValue(e.getNewValue());
            }
            rangeTable.refresh(); // a refused edit shows the kept value again
        });
        column.setSortable(false);
        column.setPrefWidth(width);
        return column;
    }
}
