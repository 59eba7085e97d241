package org.rankadaptor.ui;

import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rankadaptor.TestData;
import org.rankadaptor.model.LayerDims;
import org.rankadaptor.model.LlamaConfig;
import org.rankadaptor.model.RandomCheckpoint;
import org.rankadaptor.model.TensorDType;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rankadaptor.ui.FxTestSupport.fx;
import static org.rankadaptor.ui.FxTestSupport.waitForJobs;
import static org.rankadaptor.ui.FxTestSupport.waitUntil;

class ModelScreenTest extends HeadlessWorkbenchTest {
    private final InMemoryRecentModels recent = new InMemoryRecentModels();

    @Start
    void start(Stage stage) {
        show(stage, Workbench.create(recent));
    }

    @Test
    void opensStories260KFromThePathFieldAndShowsItsArchitecture(FxRobot robot) {
        Path dir = TestData.stories260K();
        TextField field = robot.lookup("#checkpointPath").queryAs(TextField.class);
        robot.clickOn(field);
        robot.interact(() -> field.setText(dir.toString()));

        robot.clickOn("#openCheckpoint");
        waitForJobs(workbench, 30);
        waitUntil("the summary", 5, () -> !text(robot, "#summary-layers").isEmpty());

        assertEquals("5", text(robot, "#summary-layers"));
        assertEquals("8", text(robot, "#summary-heads"));
        assertEquals("4", text(robot, "#summary-kvHeads"));
        assertEquals("8", text(robot, "#summary-headDim"));
        assertEquals("64", text(robot, "#summary-hidden"));
        assertEquals("172", text(robot, "#summary-ffn"));
        assertEquals("F32 (47 tensors)", text(robot, "#summary-dtype"));
        assertTrue(text(robot, "#summary-total").startsWith("260,032"), text(robot, "#summary-total"));
        assertFalse(fx(() -> robot.lookup("#layerTable").query().isVisible()), "uniform model needs no per-layer table");
        TableView<?> modules = robot.lookup("#moduleTable").queryAs(TableView.class);
        assertEquals(ModelOverview.ModuleType.values().length + 1, fx(() -> modules.getItems().size()));
        assertEquals(List.of(dir.toAbsolutePath().normalize()), recent.list());
        assertNotNull(fx(() -> workbench.context().state().getCurrentModel()));
        assertTrue(fx(() -> workbench.context().state().getCurrentModel().tokenizer().isPresent()));
        assertEquals("", fx(() -> workbench.window().errorBanner().message()));
        FxTestSupport.snapshot(scene, "model");
    }

    /** The status-bar device choice is the workbench's placement, and models open where it says. */
    @Test
    void theStatusBarDeviceChoiceDecidesWhereModelsOpen(FxRobot robot) {
        @SuppressWarnings("unchecked")
        javafx.scene.control.ChoiceBox<org.rankadaptor.model.Placement> choice =
                robot.lookup("#deviceChoice").queryAs(javafx.scene.control.ChoiceBox.class);
        assertEquals(org.rankadaptor.model.Placement.cpu(), fx(choice::getValue));
        assertTrue(fx(() -> choice.getItems().contains(org.rankadaptor.model.Placement.cpu())));
        // CPU in half precision stands in for a GPU choice on this machine
        org.rankadaptor.model.Placement half = new org.rankadaptor.model.Placement(ai.djl.Device.cpu(),
                ai.djl.ndarray.types.DataType.FLOAT16);
        fx(() -> {
            choice.setValue(half);
            return null;
        });
        assertEquals(half, fx(() -> workbench.context().state().getPlacement()));
        fx(() -> workbench.screen(ModelView.TITLE, ModelView.class).viewModel().open(TestData.stories260K()));
        waitForJobs(workbench, 30);
        assertEquals(ai.djl.ndarray.types.DataType.FLOAT16, fx(() -> workbench.context().state().getCurrentModel()
                .model().weights().embedTokens().getDataType()));
    }

    @Test
    void badCheckpointsShowAnErrorInTheWindowAndTheAppKeepsWorking(FxRobot robot, @TempDir Path tmp) throws IOException {
        Path missing = tmp.resolve("no-such-model");
        openTyped(robot, missing.toString());
        waitUntil("the error banner", 30, () -> !workbench.window().errorBanner().message().isEmpty());
        String message = fx(() -> workbench.window().errorBanner().message());
        assertTrue(message.contains("not a checkpoint directory") && message.contains(missing.toString()), message);
        assertEquals(fx(() -> workbench.screen(ModelView.TITLE, ModelView.class).viewModel().loadErrorProperty().get()),
                "not a checkpoint directory: " + missing.toAbsolutePath().normalize());
        assertNull(fx(() -> workbench.context().state().getCurrentModel()));
        waitUntil("the error in the log", 5, () -> workbench.context().log().lines().stream().anyMatch(
                l -> l.endsWith("error: Open no-such-model (cpu fp32) failed: not a checkpoint directory: " + missing)));

        Path corrupt = Files.createDirectories(tmp.resolve("corrupt"));
        Files.copy(TestData.stories260K().resolve("config.json"), corrupt.resolve("config.json"));
        Files.write(corrupt.resolve("model.safetensors"), new byte[] {1, 2, 3});
        openTyped(robot, corrupt.toString());
        waitUntil("the corrupt-file error", 30,
                () -> workbench.window().errorBanner().message().contains("too short for a safetensors header"));
        assertTrue(fx(() -> workbench.window().errorBanner().message()).contains("model.safetensors"));
        FxTestSupport.snapshot(scene, "model-error");

        openTyped(robot, TestData.stories260K().toString());
        waitForJobs(workbench, 30);
        waitUntil("the summary after the errors", 5, () -> text(robot, "#summary-layers").equals("5"));
        assertEquals("", fx(() -> workbench.screen(ModelView.TITLE, ModelView.class).viewModel().loadErrorProperty().get()));
    }

    @Test
    void prunedModelShowsPerLayerDimensions(FxRobot robot, @TempDir Path tmp) {
        LlamaConfig base = LlamaConfig.uniform(64, 4, 8, 4, 172, 512, true);
        LlamaConfig pruned = base.withLayers(List.of(new LayerDims(8, 4, 172), new LayerDims(6, 2, 120),
                new LayerDims(4, 2, 96), new LayerDims(8, 4, 172)));
        Path dir = tmp.resolve("pruned");
        RandomCheckpoint.write(dir, pruned, 7, TensorDType.F16);
        openTyped(robot, dir.toString());
        waitForJobs(workbench, 30);
        waitUntil("the summary", 5, () -> text(robot, "#summary-layers").equals("4"));

        assertEquals("4-8 (per layer)", text(robot, "#summary-heads"));
        assertEquals("2-4 (per layer)", text(robot, "#summary-kvHeads"));
        assertTrue(text(robot, "#summary-dtype").startsWith("F16"), text(robot, "#summary-dtype"));
        assertTrue(fx(() -> robot.lookup("#layerTable").query().isVisible()));
        TableView<?> layers = robot.lookup("#layerTable").queryAs(TableView.class);
        assertEquals(new ModelView.LayerRow(2, 6, 2, 120, pruned.layerParameters(1)), fx(() -> layers.getItems().get(1))); // the second layer: numbered 2, as on every screen
        assertTrue(fx(() -> workbench.context().state().getCurrentModel().tokenizer().isEmpty()),
                "a checkpoint without tokenizer files still opens");
        FxTestSupport.snapshot(scene, "model-pruned");
    }

    private void openTyped(FxRobot robot, String path) {
        fx(() -> {
            workbench.screen(ModelView.TITLE, ModelView.class).viewModel().pathTextProperty().set(path);
            return null;
        });
        robot.clickOn("#openCheckpoint");
    }

    private static String text(FxRobot robot, String query) {
        return fx(() -> robot.lookup(query).tryQueryAs(Label.class).map(Label::getText).orElse(""));
    }
}
