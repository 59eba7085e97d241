package org.rankadaptor.ui;

import javafx.scene.control.Button;
import javafx.scene.control.TextArea;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rankadaptor.TestData;
import org.rankadaptor.model.LlamaConfig;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rankadaptor.ui.FxTestSupport.fx;
import static org.rankadaptor.ui.FxTestSupport.waitForJobs;
import static org.rankadaptor.ui.FxTestSupport.waitUntil;

class GenerateScreenTest extends HeadlessWorkbenchTest {
    private GenerateViewModel generate;

    @Start
    void start(Stage stage) {
        Workbench created = Workbench.create(new InMemoryRecentModels());
        generate = created.screen(GenerateView.TITLE, GenerateView.class).viewModel();
        show(stage, created);
    }

    @Test
    void generatesWithTwoModelsSideBySide(FxRobot robot, @TempDir Path tmp) throws IOException {
        Path modelB = FxTestSupport.randomModelWithTokenizer(tmp.resolve("random-b"),
                LlamaConfig.uniform(64, 2, 4, 2, 128, 512, true), 3);
        open(TestData.stories260K());
        robot.clickOn("#nav-Generate");
        fx(() -> {
            generate.slotBPathProperty().set(modelB.toString());
            generate.maxTokensProperty().set(24);
            generate.temperatureProperty().set(0.0);
            return null;
        });
        robot.clickOn("#generate");
        waitForJobs(workbench, 60);

        String a = textOf(robot, "#outputA");
        String b = textOf(robot, "#outputB");
        assertTrue(a.startsWith(GenerateViewModel.DEFAULT_PROMPT) && a.length() > GenerateViewModel.DEFAULT_PROMPT.length() + 20, a);
        assertTrue(b.startsWith(GenerateViewModel.DEFAULT_PROMPT) && b.length() > GenerateViewModel.DEFAULT_PROMPT.length(), b);
        assertFalse(a.equals(b), "a trained and a random model should not write the same text");
        assertTrue(fx(() -> generate.statsAProperty().get()).matches("\\d+ tokens in .*"), fx(() -> generate.statsAProperty().get()));
        assertTrue(fx(() -> generate.statsBProperty().get()).matches("\\d+ tokens in .*"), fx(() -> generate.statsBProperty().get()));
        assertEquals("", fx(() -> workbench.window().errorBanner().message()));

        // greedy decoding is deterministic: a second run writes the same text
        robot.clickOn("#generate");
        waitForJobs(workbench, 60);
        assertEquals(a, textOf(robot, "#outputA"));
        FxTestSupport.snapshot(scene, "generate");
        System.out.println("stats " + fx(() -> generate.statsAProperty().get() + " / " + generate.statsBProperty().get()));
    }

    @Test
    void cancellingALongGenerationStopsItAndTheAppKeepsWorking(FxRobot robot, @TempDir Path tmp) throws IOException {
        // 2000 tokens take many seconds; the config's EOS id lies outside the vocabulary, so sampling never ends the
        // run early (with EOS = 2 a 512-token random model stops after a few hundred tokens, before the cancel click)
        LlamaConfig shape = LlamaConfig.uniform(256, 6, 8, 8, 688, 512, true);
        LlamaConfig neverEnds = new LlamaConfig(shape.hiddenSize(), shape.vocabSize(), shape.headDim(), shape.rmsNormEps(),
                shape.ropeTheta(), shape.ropeScaling(), shape.maxPositionEmbeddings(), shape.tieWordEmbeddings(),
                shape.bosTokenId(), shape.vocabSize(), shape.layers());
        Path slow = FxTestSupport.randomModelWithTokenizer(tmp.resolve("slow"), neverEnds, 11);
        open(slow);
        robot.clickOn("#nav-Generate");
        fx(() -> {
            generate.maxTokensProperty().set(2000);
            generate.temperatureProperty().set(1.0);
            return null;
        });
        robot.clickOn("#generate");
        waitUntil("streamed tokens", 30,
                () -> generate.outputAProperty().get().length() > GenerateViewModel.DEFAULT_PROMPT.length() + 10);
        assertTrue(fx(() -> workbench.context().jobs().isBusy()), "generation should still be running");

        robot.clickOn("#cancelJob");
        long cancelledAt = System.nanoTime();
        waitForJobs(workbench, 5);
        assertTrue(fx(() -> workbench.window().statusBarControl().getText()).contains("cancelled"),
                fx(() -> workbench.window().statusBarControl().getText()));
        // the job thread is free once the generator saw the cancel: a probe job starts right after
        AtomicLong probeStarted = new AtomicLong();
        fx(() -> workbench.context().jobs().submit("probe", context -> System.nanoTime(), probeStarted::set));
        waitForJobs(workbench, 5);
        double stopSeconds = (probeStarted.get() - cancelledAt) / 1e9;
        System.out.printf("cancel -> job thread free in %.3f s%n", stopSeconds);
        assertTrue(stopSeconds < 3, "generation kept the job thread for " + stopSeconds + " s after cancel");

        assertTrue(fx(() -> workbench.context().log().lines().stream().anyMatch(l -> l.endsWith("cancelled: Generate"))));
        assertEquals("", fx(() -> generate.statsAProperty().get()), "a cancelled run reports no result");
        assertFalse(fx(() -> robot.lookup("#generate").queryAs(Button.class).isDisabled()));
        assertEquals("", fx(() -> workbench.window().errorBanner().message()), "cancelling is not an error");

        // the job thread is free again: a short run completes
        fx(() -> {
            generate.maxTokensProperty().set(5);
            return null;
        });
        robot.clickOn("#generate");
        waitForJobs(workbench, 30);
        assertTrue(fx(() -> generate.statsAProperty().get()).startsWith("5 tokens"), fx(() -> generate.statsAProperty().get()));
    }

    private void open(Path dir) {
        fx(() -> workbench.screen(ModelView.TITLE, ModelView.class).viewModel().open(dir));
        waitForJobs(workbench, 60);
        assertTrue(fx(() -> workbench.context().state().getCurrentModel() != null), "model did not open");
    }

    private static String textOf(FxRobot robot, String query) {
        return fx(() -> robot.lookup(query).queryAs(TextArea.class).getText());
    }
}
