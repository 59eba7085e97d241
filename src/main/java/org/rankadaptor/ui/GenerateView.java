package org.rankadaptor.ui;

import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;

import java.io.File;

/** Generate screen: the same prompt and settings through two models, side by side (the paper's Figures 5 and 6). */
public final class GenerateView extends AbstractScreen<GenerateViewModel> {
    public static final String TITLE = "Generate";


    public GenerateView(WorkbenchContext context) {
        super(TITLE, new GenerateViewModel(context));

        TextArea prompt = new TextArea();
        prompt.setId("prompt");
        prompt.setPrefRowCount(2);
        prompt.setWrapText(true);
        prompt.textProperty().bindBidirectional(viewModel.promptProperty());
        prompt.editableProperty().bind(viewModel.runningProperty().not());
        Label promptLabel = new Label("Prompt");
        promptLabel.getStyleClass().add("section-title");

        HBox outputs = new HBox(12,
                output("A", Bindings.createStringBinding(() -> viewModel.slotALabel().get()
                        + (viewModel.adapterAPathProperty().get().isBlank() ? "" : " + adapter " + viewModel.adapterAPathProperty().get()),
                        viewModel.slotALabel(), viewModel.adapterAPathProperty()), "outputA", viewModel.outputAProperty(), "statsA", viewModel.statsAProperty()),
                output("B", Bindings.createStringBinding(() -> viewModel.slotBPathProperty().get()
                        + (viewModel.adapterBPathProperty().get().isBlank() ? "" : " + adapter " + viewModel.adapterBPathProperty().get()),
                        viewModel.slotBPathProperty(), viewModel.adapterBPathProperty()), "outputB", viewModel.outputBProperty(), "statsB", viewModel.statsBProperty()));
        VBox.setVgrow(outputs, Priority.ALWAYS);
        show(promptLabel, prompt, slots(context), settings(), outputs);
    }

    @Override
    public void dispose() {
        viewModel.dispose();
    }

    private Node slots(WorkbenchContext context) {
        GridPane grid = new GridPane();
        grid.setHgap(8);
        grid.setVgap(6);
        ColumnConstraints keys = new ColumnConstraints();
        keys.setMinWidth(120);
        ColumnConstraints values = new ColumnConstraints();
        values.setHgrow(Priority.ALWAYS);
        grid.getColumnConstraints().addAll(keys, values);

        Label slotA = new Label();
        slotA.setId("slotA");
        slotA.textProperty().bind(viewModel.slotALabel());
        HBox adapterA = FormControls.pathField("adapterAPath", viewModel.adapterAPathProperty(),
                "PEFT adapter directory (optional)", FormControls.PathKind.DIRECTORY, "Adapter for model A");
        adapterA.setPrefWidth(420);
        HBox slotARow = new HBox(8, slotA, new Label("Adapter"), adapterA,
                storedAdapters("storedAdapterA", context, viewModel.adapterAPathProperty()));
        slotARow.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
        HBox.setHgrow(slotA, Priority.ALWAYS);
        slotA.setMaxWidth(Double.MAX_VALUE);
        grid.addRow(0, new Label("Model A (open)"), slotARow);

        TextField slotB = new TextField();
        slotB.setId("slotBPath");
        slotB.setPromptText("another checkpoint directory, e.g. the pruned or recovered model (optional)");
        slotB.textProperty().bindBidirectional(viewModel.slotBPathProperty());
        Button browse = new Button("Browse...");
        browse.setId("browseSlotB");
        browse.setOnAction(e -> {
            DirectoryChooser chooser = new DirectoryChooser();
            chooser.setTitle("Checkpoint directory for model B");
            File chosen = chooser.showDialog(window());
            if (chosen != null) {
                viewModel.slotBPathProperty().set(chosen.getAbsolutePath());
            }
        });
        HBox adapterB = FormControls.pathField("adapterBPath", viewModel.adapterBPathProperty(),
                "PEFT adapter directory (optional)", FormControls.PathKind.DIRECTORY, "Adapter for model B");
        adapterB.setPrefWidth(420);
        browse.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        HBox slotBRow = new HBox(8, slotB, browse, new Label("Adapter"), adapterB,
                storedAdapters("storedAdapterB", context, viewModel.adapterBPathProperty()));
        slotBRow.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
        HBox.setHgrow(slotB, Priority.ALWAYS);
        grid.addRow(1, new Label("Model B"), slotBRow);
        return grid;
    }

    /** Picks the adapter of a stored recovery run (the list is read from the workspace each time it opens). */
    private static Node storedAdapters(String id, WorkbenchContext context, javafx.beans.property.StringProperty target) {
        javafx.scene.control.ComboBox<org.rankadaptor.store.RecoveryRun> runs = new javafx.scene.control.ComboBox<>();
        runs.setId(id);
        runs.setPromptText("From a run...");
        runs.setPrefWidth(150);
        runs.setConverter(new javafx.util.StringConverter<>() {
            @Override
            public String toString(org.rankadaptor.store.RecoveryRun run) {
                return run == null ? "" : CompareViewModel.runName(run);
            }

            @Override
            public org.rankadaptor.store.RecoveryRun fromString(String text) {
                return null;
            }
        });
        runs.setOnShowing(e -> {
            org.rankadaptor.store.Workspace ws = context.store().orNull();
            runs.getItems().setAll(ws == null ? java.util.List.of() : ws.recoveryRuns().list().stream()
                    .filter(r -> r.adapterPath() != null && java.nio.file.Files.isDirectory(java.nio.file.Path.of(r.adapterPath())))
                    .sorted((a, b) -> Long.compare(b.id(), a.id())).toList());
        });
        runs.setOnAction(e -> {
            if (runs.getValue() != null) {
                target.set(runs.getValue().adapterPath());
            }
        });
        runs.setTooltip(new javafx.scene.control.Tooltip("Use the adapter of a stored recovery run"));
        return runs;
    }

    private Node settings() {
        Spinner<Integer> maxTokens = FormControls.intSpinner("maxTokens", viewModel.maxTokensProperty(), 1, 4096, 16);
        Spinner<Double> temperature = FormControls.doubleSpinner("temperature", viewModel.temperatureProperty(), 0, 2, 0.1);
        Spinner<Double> topP = FormControls.doubleSpinner("topP", viewModel.topPProperty(), 1e-6, 1, 0.05);
        Spinner<Integer> seed = FormControls.intSpinner("seed", viewModel.seedProperty(), 0, Integer.MAX_VALUE, 1);
        for (Spinner<?> spinner : new Spinner<?>[] {maxTokens, temperature, topP, seed}) {
            spinner.setPrefWidth(100);
            spinner.disableProperty().bind(viewModel.runningProperty()); // a generation keeps its settings
        }

        Button generate = new Button("Generate");
        generate.setId("generate");
        generate.disableProperty().bind(viewModel.runningProperty());
        generate.setOnAction(e -> viewModel.generate());
        Button stop = new Button("Stop");
        stop.setId("stopGeneration");
        stop.disableProperty().bind(viewModel.runningProperty().not());
        stop.setOnAction(e -> viewModel.stop());

        Label hint = new Label("temperature 0 = greedy");
        hint.getStyleClass().add("hint");
        HBox row = new HBox(8, new Label("Max new tokens"), maxTokens, new Label("Temperature"), temperature,
                new Label("Top-p"), topP, new Label("Seed"), seed, generate, stop, hint);
        row.setAlignment(Pos.CENTER_LEFT);
        return row;
    }

    private static Node output(String slot, javafx.beans.value.ObservableStringValue modelName, String areaId,
                               ReadOnlyStringProperty text, String statsId, ReadOnlyStringProperty stats) {
        Label header = new Label();
        header.getStyleClass().add("section-title");
        header.textProperty().bind(Bindings.createStringBinding(
                () -> "Model " + slot + ": " + (modelName.get() == null || modelName.get().isBlank() ? "none" : modelName.get()),
                modelName));
        header.setId(areaId + "Header");
        TextArea area = new TextArea();
        area.setId(areaId);
        area.getStyleClass().add("generation-output");
        area.setEditable(false);
        area.setWrapText(true);
        area.textProperty().bind(text);
        Label statsLabel = new Label();
        statsLabel.setId(statsId);
        statsLabel.getStyleClass().add("hint");
        statsLabel.textProperty().bind(stats);
        VBox box = new VBox(4, header, area, statsLabel);
        box.getStyleClass().add("card");
        VBox.setVgrow(area, Priority.ALWAYS);
        HBox.setHgrow(box, Priority.ALWAYS);
        box.setPrefWidth(400);
        return box;
    }
}
