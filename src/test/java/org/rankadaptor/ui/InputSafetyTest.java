package org.rankadaptor.ui;

import javafx.scene.Node;
import javafx.scene.control.Control;
import javafx.scene.control.Spinner;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.rankadaptor.TestData;
import org.rankadaptor.lora.FinetuneMethod;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rankadaptor.ui.FxTestSupport.fx;
import static org.rankadaptor.ui.FxTestSupport.waitForJobs;
import static org.rankadaptor.ui.FxTestSupport.waitUntil;

/**
 * Safe inputs: Enter in a field never starts a job, every real-number field reads "1e-3", bad text is refused
 * visibly without touching the value, and a running job's inputs are locked with the settings it used on show.
 */
class InputSafetyTest extends HeadlessWorkbenchTest {
    @Start
    void start(Stage stage) {
        show(stage, Workbench.create(new InMemoryRecentModels()));
    }

    @Test
    void enterInAFieldNeverStartsAJob(FxRobot robot) {
        open();
        for (String[] screenAndField : new String[][] {{"Search", "#iterations"}, {"Search", "#threshold"},
                {"Prune", "#calibrationSamples"}, {"Generate", "#maxTokens"}, {"Recover", "#sheet-Learningrate"}}) {
            robot.clickOn("#nav-" + screenAndField[0]);
            Node field = robot.lookup(screenAndField[1]).query();
            robot.clickOn(field instanceof Spinner<?> spinner ? spinner.getEditor() : field);
            robot.type(KeyCode.ENTER);
            robot.sleep(300);
            assertFalse(fx(() -> workbench.context().jobs().isBusy()), "Enter in " + screenAndField[1] + " started a job");
        }
        SearchViewModel search = workbench.screen(SearchView.TITLE, SearchView.class).viewModel();
        assertTrue(fx(() -> search.history().isEmpty()));
        assertEquals("", fx(() -> workbench.window().errorBanner().message()), "no job was even attempted");
    }

    @Test
    void everyRealNumberFieldReads1eMinus3(FxRobot robot) {
        open();
        RecoverViewModel recover = workbench.screen(RecoverView.TITLE, RecoverView.class).viewModel();
        SearchViewModel search = workbench.screen(SearchView.TITLE, SearchView.class).viewModel();
        GenerateViewModel generate = workbench.screen(GenerateView.TITLE, GenerateView.class).viewModel();
        fx(() -> {
            search.budgetProperty().set(SearchViewModel.Budget.WITHIN_PERCENT); // enables the P % field
            return null;
        });
        // where each real-number field stores its value; the lookup below must find exactly these
        Map<String, Map<String, Supplier<Double>>> stores = new LinkedHashMap<>();
        stores.put("Prune", Map.of(
                "newAttentionRatio", () -> spinnerValue(robot, "#newAttentionRatio"),
                "newMlpRatio", () -> spinnerValue(robot, "#newMlpRatio")));
        stores.put("Recover", Map.of(
                "sheet-Alpha", recover.alpha::get,
                "sheet-Dropout", recover.dropout::get,
                "sheet-Learningrate", recover.learningRate::get));
        stores.put("Search", Map.of(
                "budgetPercent", search.budgetPercentProperty()::get,
                "threshold", search.thresholdProperty()::get,
                "searchLearningRate", search.learningRateProperty()::get));
        stores.put("Generate", Map.of(
                "temperature", generate.temperatureProperty()::get,
                "topP", generate.topPProperty()::get));
        for (Map.Entry<String, Map<String, Supplier<Double>>> screen : stores.entrySet()) {
            robot.clickOn("#nav-" + screen.getKey());
            Set<String> found = new TreeSet<>();
            for (Node node : robot.lookup("." + NumberField.REAL_NUMBER).queryAll()) {
                if (node.isVisible() && node.getScene() != null && isShownScreen(node)) {
                    found.add(node.getId());
                }
            }
            assertEquals(new TreeSet<>(screen.getValue().keySet()), found, "real-number fields of " + screen.getKey());
            for (Map.Entry<String, Supplier<Double>> field : screen.getValue().entrySet()) {
                for (String typed : List.of("1e-3", "1E-3")) {
                    typeInto(robot, "#" + field.getKey(), "0.5");
                    typeInto(robot, "#" + field.getKey(), typed);
                    assertEquals(1e-3, fx(() -> field.getValue().get()), 1e-15, field.getKey() + " after typing " + typed);
                    assertFalse(fx(() -> editorOf(robot, "#" + field.getKey()).getStyleClass().contains(NumberField.INVALID)));
                }
            }
        }

        // the range table's ratio cells read it too
        robot.clickOn("#nav-Prune");
        PruneViewModel prune = workbench.screen(PruneView.TITLE, PruneView.class).viewModel();
        @SuppressWarnings("unchecked")
        TableView<PruneViewModel.RangeRow> ranges = robot.lookup("#rangeTable").queryAs(TableView.class);
        fx(() -> {
            ranges.edit(0, ranges.getColumns().get(2));
            return null;
        });
        robot.sleep(200);
        TextField cell = robot.lookup("#rangeTable .text-field").queryAs(TextField.class);
        robot.clickOn(cell).press(KeyCode.CONTROL).press(KeyCode.A).release(KeyCode.A).release(KeyCode.CONTROL)
                .write("1e-3").type(KeyCode.ENTER);
        assertEquals(1e-3, fx(() -> prune.ranges().get(0).attentionRatioProperty().get()), 1e-15);
    }

    @Test
    void badTextIsRefusedVisiblyAndTheValueStays(FxRobot robot) {
        open();
        RecoverViewModel recover = workbench.screen(RecoverView.TITLE, RecoverView.class).viewModel();
        robot.clickOn("#nav-Recover");
        double before = fx(recover.learningRate::get);
        typeInto(robot, "#sheet-Learningrate", "1e-");
        assertEquals(before, fx(recover.learningRate::get), 0.0, "half-typed text changes nothing");
        TextField field = robot.lookup("#sheet-Learningrate").queryAs(TextField.class);
        assertTrue(fx(() -> field.getStyleClass().contains(NumberField.INVALID)), "the field turns red");
        assertTrue(fx(() -> field.getTooltip().getText()).contains("not a number"), fx(() -> field.getTooltip().getText()));
        assertEquals("1e-", fx(field::getText), "the typed text stays for fixing, not silently replaced");

        double dropout = fx(recover.dropout::get);
        typeInto(robot, "#sheet-Dropout", "5");
        assertEquals(dropout, fx(recover.dropout::get), 0.0, "out of range is refused, not clamped to the maximum");

        robot.clickOn("#nav-Search");
        SearchViewModel search = workbench.screen(SearchView.TITLE, SearchView.class).viewModel();
        int iterations = fx(() -> search.iterationsProperty().get());
        typeInto(robot, "#iterations", "12x");
        assertEquals(iterations, fx(() -> search.iterationsProperty().get()), "'12x' is not 12");
        assertTrue(fx(() -> editorOf(robot, "#iterations").getStyleClass().contains(NumberField.INVALID)));
        typeInto(robot, "#iterations", "5000");
        assertEquals(iterations, fx(() -> search.iterationsProperty().get()), "above the maximum is refused, not clamped");
        typeInto(robot, "#iterations", "7");
        assertEquals(7, fx(() -> search.iterationsProperty().get()));
        assertFalse(fx(() -> editorOf(robot, "#iterations").getStyleClass().contains(NumberField.INVALID)));
    }

    @Test
    void aRunningRecoveryLocksItsInputsAndShowsItsSettings(FxRobot robot) {
        open();
        RecoverViewModel recover = workbench.screen(RecoverView.TITLE, RecoverView.class).viewModel();
        robot.clickOn("#nav-Recover");
        fx(() -> {
            recover.setTraining(5000, 4, 4, 0, 64);
            recover.dataFileProperty().set(TestData.path("text/tinystories-gen/train.jsonl").toString());
            recover.outputDirProperty().set(newFolderQuietly().toString());
            return null;
        });
        robot.clickOn("#train");
        waitUntil("the first loss points", 60, () -> recover.lossDataset().getSeries(0).getItemCount() >= 1);
        assertTrue(fx(() -> robot.lookup("#recoverSettings").query().isDisabled()), "hyper-parameters locked");
        assertTrue(fx(() -> robot.lookup("#recoveryMethod").query().isDisabled()), "method locked");
        assertTrue(fx(() -> robot.lookup("#recoverData").query().isDisabled()), "data locked");
        String used = fx(() -> robot.lookup("#recoverUsedSettings").queryAs(javafx.scene.control.Label.class).getText());
        assertTrue(used.contains("5000 steps") && used.contains("Uniform LoRA"), used);
        assertTrue(fx(() -> robot.lookup("#trainHint").queryAs(javafx.scene.control.Label.class).getText()).contains("locked"));
        robot.clickOn("#cancelJob");
        waitForJobs(workbench, 30);
        assertFalse(fx(() -> robot.lookup("#recoverSettings").query().isDisabled()), "unlocked after the run");
        assertEquals(FinetuneMethod.LORA, fx(() -> recover.methodProperty().get()));
    }

    @Test
    void outputFoldersFollowTheMethodAndTheModel(FxRobot robot) {
        open();
        RecoverViewModel recover = workbench.screen(RecoverView.TITLE, RecoverView.class).viewModel();
        String lora = fx(() -> recover.outputDirProperty().get());
        assertTrue(lora.endsWith("stories260K-lora-r8"), lora);
        fx(() -> {
            recover.rank.set(16);
            return null;
        });
        assertTrue(fx(() -> recover.outputDirProperty().get()).endsWith("stories260K-lora-r16"), "the folder names the rank");
        fx(() -> {
            recover.methodProperty().set(FinetuneMethod.ADALORA);
            return null;
        });
        String ada = fx(() -> recover.outputDirProperty().get());
        assertTrue(ada.contains("stories260K-adalora"), ada);
        fx(() -> {
            recover.outputDirProperty().set("/tmp/my-own-folder");
            recover.methodProperty().set(FinetuneMethod.LORA);
            return null;
        });
        assertEquals("/tmp/my-own-folder", fx(() -> recover.outputDirProperty().get()), "a folder the user chose stays");

        PruneViewModel prune = workbench.screen(PruneView.TITLE, PruneView.class).viewModel();
        assertTrue(fx(() -> prune.outputDirProperty().get()).endsWith("stories260K-pruned"), fx(() -> prune.outputDirProperty().get()));
        assertEquals("m-pruned-2", PruneViewModel.prunedName("m-pruned"));
        assertEquals("m-pruned-3", PruneViewModel.prunedName("m-pruned-2"));
        fx(() -> {
            prune.ranges().clear();
            prune.addRange(1, 3, 0.3, 0.3);
            return null;
        });
        String warning = fx(() -> prune.planWarningProperty().get());
        assertTrue(warning.contains("attention ratio 0.3 of 4 KV groups removes 2 of them (50.0%)"), warning);
        fx(() -> {
            prune.ranges().get(0).attentionRatioProperty().set(0.25);
            return null;
        });
        assertFalse(fx(() -> prune.planWarningProperty().get()).contains("attention"), "0.25 of 4 is exact");
    }

    private static Path newFolderQuietly() {
        try {
            return newFolder("adapter");
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private boolean isShownScreen(Node node) {
        for (Node n = node; n != null; n = n.getParent()) {
            if (n.getId() != null && n.getId().endsWith("View") && n.getParent() != null) {
                return n.getScene() != null;
            }
        }
        return false;
    }

    private static Double spinnerValue(FxRobot robot, String id) {
        return (Double) robot.lookup(id).queryAs(Spinner.class).getValue();
    }

    private static TextField editorOf(FxRobot robot, String id) {
        Node node = robot.lookup(id).query();
        return node instanceof Spinner<?> spinner ? spinner.getEditor() : (TextField) node;
    }

    /** Selects the field's text, types {@code text} and leaves the field with Tab, as a user would. */
    private static void typeInto(FxRobot robot, String id, String text) {
        TextField editor = editorOf(robot, id);
        fx(() -> { // a hyper-parameter sheet shows one section at a time: open the field's
            for (Node n = editor; n != null; n = n.getParent()) {
                if (n instanceof javafx.scene.control.TitledPane pane) {
                    pane.setExpanded(true);
                }
            }
            return null;
        });
        robot.sleep(200);
        robot.clickOn(editor);
        robot.press(KeyCode.CONTROL).press(KeyCode.A).release(KeyCode.A).release(KeyCode.CONTROL);
        robot.write(text);
        robot.type(KeyCode.TAB);
        robot.sleep(100);
    }

    private void open() {
        fx(() -> workbench.screen(ModelView.TITLE, ModelView.class).viewModel().open(TestData.stories260K()));
        waitForJobs(workbench, 60);
        assertNotNull(fx(() -> workbench.context().state().getCurrentModel()));
    }
}
