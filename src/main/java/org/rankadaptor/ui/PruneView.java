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
import javafx.util.converter.DoubleStringConverter;
import javafx.util.converter.IntegerStringConverter;
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
    private XYZDataset attentionData;
    private XYZDataset mlpData;
    private CategoryDataset keptData;

    public PruneView(WorkbenchContext context, Consumer<Path> modelOpener) {
        super(TITLE, new PruneViewModel(context, modelOpener));
        this.context = context;
        show(estimatorRow(), planArea(), actionRow(), outcomeRow(), heatmaps());
        FormControls.keepLabelsWhole(view());
        viewModel.prunedDimsProperty().addListener((obs, old, dims) -> showKept(dims));
        viewModel.importanceProperty().addListener((obs, old, maps) -> showImportance(maps));
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
        rangeTable.getColumns().add(editableColumn("First layer", 95, new IntegerStringConverter(), r -> r.firstProperty().asObject()));
        rangeTable.getColumns().add(editableColumn("Last layer", 95, new IntegerStringConverter(), r -> r.lastProperty().asObject()));
        rangeTable.getColumns().add(editableColumn("Attention ratio", 120, new DoubleStringConverter(),
                r -> r.attentionRatioProperty().asObject()));
        rangeTable.getColumns().add(editableColumn("MLP ratio", 120, new DoubleStringConverter(), r -> r.mlpRatioProperty().asObject()));
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
        VBox left = new VBox(6, FormControls.sectionTitle("Layer ranges"), rangeTable, adder, reduction,
                FormControls.inlineError("planError", viewModel.planErrorProperty()), hint);
        left.getStyleClass().add("card");
        left.setPrefWidth(560);
        left.setMinWidth(540);

        keptChart.setId("keptFractionChart");
        keptChart.setPrefHeight(300);
        keptChart.setMinHeight(220);
        VBox right = new VBox(keptChart);
        right.getStyleClass().add("card");
        VBox.setVgrow(keptChart, Priority.ALWAYS);
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
        prune.setDefaultButton(true);
        prune.disableProperty().bind(viewModel.runningProperty().or(context.state().currentModelProperty().isNull())
                .or(viewModel.planErrorProperty().isNotEmpty()));
        prune.setOnAction(e -> viewModel.prune());
        HBox row = new HBox(8, score, new Label("Output"), output, prune);
        row.setAlignment(Pos.CENTER_LEFT);
        return row;
    }

    private Node outcomeRow() {
        Label outcome = new Label();
        outcome.setId("pruneOutcome");
        outcome.setWrapText(true);
        outcome.textProperty().bind(viewModel.outcomeTextProperty());
        Button open = new Button("Open pruned model");
        open.setId("openPruned");
        open.setOnAction(e -> viewModel.openPruned());
        HBox row = new HBox(8, outcome, open);
        row.setAlignment(Pos.CENTER_LEFT);
        row.visibleProperty().bind(viewModel.outcomeProperty().isNotNull());
        row.managedProperty().bind(row.visibleProperty());
        return row;
    }

    private Node heatmaps() {
        attentionHeatmap.setId("attentionHeatmap");
        mlpHeatmap.setId("mlpHeatmap");
        for (ChartViewer viewer : List.of(attentionHeatmap, mlpHeatmap)) {
            viewer.setPrefHeight(280);
            viewer.setMinHeight(220);
            HBox.setHgrow(viewer, Priority.ALWAYS);
        }
        attentionHeatmap.setPrefWidth(380);
        mlpHeatmap.setPrefWidth(640);
        Label hint = new Label("Score importance to see each group's score (hover a cell for its value).");
        hint.getStyleClass().add("hint");
        hint.setId("heatmapHint");
        HBox charts = new HBox(12, attentionHeatmap, mlpHeatmap);
        charts.visibleProperty().bind(viewModel.importanceProperty().isNotNull());
        charts.managedProperty().bind(charts.visibleProperty());
        hint.visibleProperty().bind(charts.visibleProperty().not());
        hint.managedProperty().bind(hint.visibleProperty());
        VBox box = new VBox(6, FormControls.sectionTitle("Importance"), hint, charts);
        box.getStyleClass().add("card");
        return box;
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
        String by = " (" + maps.estimator() + ")";
        attentionHeatmap.setChart(ImportanceHeatmap.createChart(attentionData, "Attention groups" + by, "KV group"));
        mlpHeatmap.setChart(ImportanceHeatmap.createChart(mlpData, "MLP channels" + by, "Channel"));
    }

    /** A table column whose cells edit {@code property} of each range row; a typo keeps the old value. */
    private static <T> TableColumn<PruneViewModel.RangeRow, T> editableColumn(String name, double width,
            StringConverter<T> converter, Function<PruneViewModel.RangeRow, Property<T>> property) {
        TableColumn<PruneViewModel.RangeRow, T> column = new TableColumn<>(name);
        column.setCellValueFactory(cell -> property.apply(cell.getValue()));
        column.setCellFactory(TextFieldTableCell.forTableColumn(ignoringTypos(converter)));
        column.setOnEditCommit(e -> {
            if (e.getNewValue() != null) {
                property.apply(e.getRowValue()).setValue(e.getNewValue());
            }
        });
        column.setSortable(false);
        column.setPrefWidth(width);
        return column;
    }

    /** Reads a typo as null, which the edit commit ignores, instead of throwing on the FX thread. */
    private static <T> StringConverter<T> ignoringTypos(StringConverter<T> converter) {
        return new StringConverter<>() {
            @Override
            public String toString(T value) {
                return converter.toString(value);
            }

            @Override
            public T fromString(String text) {
                try {
                    return converter.fromString(text);
                } catch (NumberFormatException e) {
                    return null;
                }
            }
        };
    }
}
