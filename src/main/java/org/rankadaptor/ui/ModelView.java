package org.rankadaptor.ui;

import javafx.application.Platform;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ComboBox;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.util.StringConverter;
import org.jfree.chart.fx.ChartViewer;
import org.rankadaptor.model.LayerDims;
import org.rankadaptor.model.LlamaConfig;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/** Model screen: open a checkpoint directory and see its architecture, parameters and weight types. */
public final class ModelView extends AbstractScreen<ModelViewModel> {
    public static final String TITLE = "Model";

    private final GridPane architecture = new GridPane();
    private final TableView<ModuleRow> moduleTable = new TableView<>();
    private final TableView<LayerRow> layerTable = new TableView<>();
    private final ChartViewer chartViewer = new ChartViewer(null);
    private final Label emptyHint = new Label("Open a checkpoint directory (config.json + model.safetensors) to see its architecture.");
    private final Node summaryArea;

    /** One row of the parameters-by-module table. */
    public record ModuleRow(String module, long parameters, double share) {
    }

    /** One row of the per-layer table shown for pruned (non-uniform) models; {@code layer} counts from 1. */
    public record LayerRow(int layer, int heads, int kvHeads, int intermediateSize, long parameters) {
    }

    public ModelView(WorkbenchContext context) {
        super(TITLE, new ModelViewModel(context));
        summaryArea = summaryArea();
        summaryArea.managedProperty().bind(summaryArea.visibleProperty());
        emptyHint.getStyleClass().add("hint");
        emptyHint.setId("modelEmptyHint");
        show(openRow(), FormControls.inlineError("loadError", viewModel.loadErrorProperty()), body());
        viewModel.summary().addListener((obs, old, summary) -> showSummary(summary));
        showSummary(viewModel.summary().get());
    }

    private Node openRow() {
        TextField path = new TextField();
        path.setId("checkpointPath");
        path.setPromptText("checkpoint directory, e.g. /data/models/stories260K");
        path.textProperty().bindBidirectional(viewModel.pathTextProperty());
        path.setOnAction(e -> viewModel.openTypedPath());
        HBox.setHgrow(path, Priority.ALWAYS);

        Button browse = new Button("Browse...");
        browse.setId("browseCheckpoint");
        browse.setOnAction(e -> {
            DirectoryChooser chooser = new DirectoryChooser();
            chooser.setTitle("Open checkpoint directory");
            Path current = Path.of(viewModel.pathTextProperty().get().isBlank() ? "." : viewModel.pathTextProperty().get());
            if (Files.isDirectory(current)) {
                chooser.setInitialDirectory(current.toFile());
            }
            File chosen = chooser.showDialog(window());
            if (chosen != null) {
                viewModel.open(chosen.toPath());
            }
        });
        Button open = new Button("Open");
        open.setId("openCheckpoint");
        open.disableProperty().bind(viewModel.loadingProperty());
        open.setOnAction(e -> viewModel.openTypedPath());

        HBox row = new HBox(8, new Label("Checkpoint"), path, browse, open, recentChooser());
        row.setAlignment(Pos.CENTER_LEFT);
        return row;
    }

    private Node body() {
        VBox main = new VBox(8, emptyHint, summaryArea);
        VBox.setVgrow(summaryArea, Priority.ALWAYS);
        VBox.setVgrow(main, Priority.ALWAYS);
        return main;
    }

    /** Recent directories as "name  (parent)"; choosing one opens it. */
    private ComboBox<Path> recentChooser() {
        ComboBox<Path> recent = new ComboBox<>(viewModel.recent());
        recent.setId("recentModels");
        recent.setPromptText("Recent");
        recent.setPrefWidth(200);
        recent.setMaxWidth(200);
        // the popup is as wide as its longest entry: keep entries short (the full path is the tooltip)
        recent.setCellFactory(list -> new javafx.scene.control.ListCell<>() {
            @Override
            protected void updateItem(Path dir, boolean empty) {
                super.updateItem(dir, empty);
                setText(empty || dir == null ? null : shortName(dir));
                setTooltip(empty || dir == null ? null : new javafx.scene.control.Tooltip(dir.toString()));
                setMaxWidth(420);
                setPrefWidth(420);
            }
        });
        recent.setConverter(new StringConverter<>() {
            @Override
            public String toString(Path dir) {
                return dir == null ? "" : shortName(dir);
            }

            @Override
            public Path fromString(String text) {
                return Path.of(text);
            }
        });
        recent.setOnAction(e -> {
            Path selected = recent.getValue();
            if (selected != null) {
                // clear first so choosing the same entry again reopens it
                Platform.runLater(() -> recent.getSelectionModel().clearSelection());
                viewModel.open(selected);
            }
        });
        return recent;
    }

    /** "stories260K  (…/data/models)": the name, then the parent shortened from the left to about 40 characters. */
    static String shortName(Path dir) {
        Path parent = dir.getParent();
        if (parent == null) {
            return dir.toString();
        }
        String where = parent.toString();
        if (where.length() > 40) {
            where = "\u2026" + where.substring(where.length() - 39);
        }
        return dir.getFileName() + "  (" + where + ")";
    }

    private Node summaryArea() {
        architecture.setId("architecture");
        architecture.setHgap(12);
        architecture.setVgap(3);
        ColumnConstraints keys = new ColumnConstraints();
        keys.setMinWidth(125);
        architecture.getColumnConstraints().addAll(keys, new ColumnConstraints());
        Label archTitle = new Label("Architecture");
        archTitle.getStyleClass().add("section-title");
        VBox archCard = new VBox(4, archTitle, architecture);
        archCard.getStyleClass().add("card");
        archCard.setMinWidth(330);
        archCard.setPrefWidth(360);

        moduleTable.setId("moduleTable");
        moduleTable.getColumns().add(column("Module", 130, r -> r.module()));
        moduleTable.getColumns().add(column("Parameters", 120, r -> Formats.count(r.parameters())));
        moduleTable.getColumns().add(column("Share", 70, r -> Formats.percent(r.share())));
        moduleTable.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        Label moduleTitle = new Label("Parameters by module");
        moduleTitle.getStyleClass().add("section-title");
        VBox moduleCard = new VBox(4, moduleTitle, moduleTable);
        VBox.setVgrow(moduleTable, Priority.ALWAYS);
        moduleCard.getStyleClass().add("card");
        moduleTable.setFixedCellSize(24);
        // every row visible: header plus one row per module type and the total
        moduleTable.setPrefHeight(30 + 24 * (ModelOverview.ModuleType.values().length + 1));
        moduleTable.setMinHeight(moduleTable.getPrefHeight());
        moduleCard.setPrefWidth(340);
        moduleCard.setMinWidth(300);

        layerTable.setId("layerTable");
        layerTable.getColumns().add(intColumn("Layer", LayerRow::layer));
        layerTable.getColumns().add(intColumn("Heads", LayerRow::heads));
        layerTable.getColumns().add(intColumn("KV heads", LayerRow::kvHeads));
        layerTable.getColumns().add(intColumn("FFN", LayerRow::intermediateSize));
        layerTable.getColumns().add(column("Parameters", 110, r -> Formats.count(r.parameters())));
        layerTable.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        layerTable.setPrefWidth(400);
        layerTable.managedProperty().bind(layerTable.visibleProperty());

        chartViewer.setId("layerParameterChart");
        chartViewer.setMinHeight(160);
        chartViewer.setPrefHeight(260);
        HBox.setHgrow(chartViewer, Priority.ALWAYS);

        HBox top = new HBox(12, archCard, moduleCard);
        HBox.setHgrow(moduleCard, Priority.ALWAYS);
        HBox bottom = new HBox(12, chartViewer, layerTable);
        VBox.setVgrow(bottom, Priority.ALWAYS);
        VBox area = new VBox(12, top, bottom);
        area.setId("modelSummary");
        return area;
    }

    private void showSummary(ModelOverview summary) {
        emptyHint.setVisible(summary == null);
        emptyHint.setManaged(summary == null);
        summaryArea.setVisible(summary != null);
        if (summary == null) {
            return; // the hidden area keeps the previous chart; ChartViewer rejects null
        }
        LlamaConfig c = summary.config();
        architecture.getChildren().clear();
        int row = 0;
        row = addFact(row, "directory", "Directory", summary.dir().getFileName().toString());
        row = addFact(row, "layers", "Layers", Integer.toString(c.numLayers()));
        row = addFact(row, "heads", "Attention heads", perLayer(c, LayerDims::numHeads));
        row = addFact(row, "kvHeads", "KV heads", perLayer(c, LayerDims::numKvHeads));
        row = addFact(row, "headDim", "Head dim", Integer.toString(c.headDim()));
        row = addFact(row, "hidden", "Hidden size", Integer.toString(c.hiddenSize()));
        row = addFact(row, "ffn", "FFN size", perLayer(c, LayerDims::intermediateSize));
        row = addFact(row, "vocab", "Vocabulary", Formats.count(c.vocabSize()));
        row = addFact(row, "tied", "Tied embeddings", c.tieWordEmbeddings() ? "yes" : "no");
        row = addFact(row, "maxPositions", "Context", Formats.count(c.maxPositionEmbeddings()) + " tokens");
        row = addFact(row, "total", "Parameters", Formats.count(summary.totalParameters())
                + " (" + Formats.shortCount(summary.totalParameters()) + ")");
        row = addFact(row, "dtype", "Stored as", summary.dtypeDescription());
        addFact(row, "files", "Weight files", summary.weightFiles().size() + " file"
                + (summary.weightFiles().size() == 1 ? "" : "s") + ", " + Formats.bytes(summary.weightBytes()));

        List<ModuleRow> rows = new ArrayList<>();
        long total = summary.totalParameters();
        for (Map.Entry<ModelOverview.ModuleType, Long> e : summary.parametersByModule().entrySet()) {
            String label = e.getKey() == ModelOverview.ModuleType.LM_HEAD && c.tieWordEmbeddings()
                    ? "lm_head (tied)" : e.getKey().label();
            rows.add(new ModuleRow(label, e.getValue(), total == 0 ? 0 : e.getValue() / (double) total));
        }
        rows.add(new ModuleRow("total", total, 1.0));
        moduleTable.getItems().setAll(rows);

        boolean uniform = c.isUniform();
        layerTable.setVisible(!uniform);
        List<LayerRow> layers = new ArrayList<>();
        for (int i = 0; i < c.numLayers(); i++) {
            LayerDims d = c.layer(i);
            layers.add(new LayerRow(i + 1, d.numHeads(), d.numKvHeads(), d.intermediateSize(), c.layerParameters(i)));
        }
        layerTable.getItems().setAll(layers);

        chartViewer.setChart(LayerParameterChart.createChart(LayerParameterChart.createDataset(summary)));
    }

    /** "8" when every layer agrees, else "4-8 (per layer)" and the per-layer table shows each. */
    private static String perLayer(LlamaConfig config, ToIntFunction<LayerDims> field) {
        int min = config.layers().stream().mapToInt(field).min().orElse(0);
        int max = config.layers().stream().mapToInt(field).max().orElse(0);
        return min == max ? Integer.toString(min) : min + "-" + max + " (per layer)";
    }

    private int addFact(int row, String id, String key, String value) {
        Label k = new Label(key);
        k.getStyleClass().add("summary-key");
        Label v = new Label(value);
        v.setId("summary-" + id);
        v.getStyleClass().add("summary-value");
        v.setWrapText(true);
        architecture.addRow(row, k, v);
        return row + 1;
    }

    private static <R> TableColumn<R, String> column(String name, double width, Function<R, String> value) {
        TableColumn<R, String> column = new TableColumn<>(name);
        column.setPrefWidth(width);
        column.setCellValueFactory(cell -> new ReadOnlyStringWrapper(value.apply(cell.getValue())));
        column.setSortable(false);
        return column;
    }

    private static <R> TableColumn<R, Integer> intColumn(String name, ToIntFunction<R> value) {
        TableColumn<R, Integer> column = new TableColumn<>(name);
        column.setPrefWidth(name.length() > 6 ? 80 : 60);
        column.setCellValueFactory(cell -> new ReadOnlyObjectWrapper<>(value.applyAsInt(cell.getValue())));
        column.setSortable(false);
        return column;
    }
}
