package org.rankadaptor.ui;

import javafx.application.Platform;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.rankadaptor.TestData;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rankadaptor.ui.FxTestSupport.fx;
import static org.rankadaptor.ui.FxTestSupport.waitForJobs;
import static org.testfx.util.WaitForAsyncUtils.sleep;

/** Long jobs never block the FX thread: pulses keep coming while a model loads and two models generate. */
class FxThreadResponsivenessTest extends HeadlessWorkbenchTest {
    private static final double MAX_LATE_PULSE_MILLIS = 250;

    @Start
    void start(Stage stage) {
        show(stage, Workbench.create(new InMemoryRecentModels()));
    }

    @Test
    void pulsesStayOnTimeWhileAModelLoadsAndGenerates(FxRobot robot) {
        waitForJobs(workbench, 30); // engine probe and chart warm-up
        robot.clickOn("#nav-Generate"); // build the screens' skins before measuring
        robot.clickOn("#nav-Model");
        PulseWatchdog watchdog = startWatchdog();
        fx(() -> workbench.screen(ModelView.TITLE, ModelView.class).viewModel().open(TestData.stories260K()));
        GenerateViewModel generate = workbench.screen(GenerateView.TITLE, GenerateView.class).viewModel();
        fx(() -> {
            workbench.window().show(GenerateView.TITLE);
            generate.maxTokensProperty().set(40);
            generate.slotBPathProperty().set(TestData.stories260K().toString());
            return null;
        });
        waitForJobs(workbench, 60);
        fx(generate::generate);
        waitForJobs(workbench, 120);
        stop(watchdog);
        System.out.printf("max pulse gap while jobs ran %.1f ms (overall %.1f ms), control thread stall %.1f ms%n",
                watchdog.maxPulseGapDuringJobMillis(), watchdog.maxPulseGapMillis(), watchdog.maxControlStallMillis());
        assertTrue(fx(() -> generate.statsBProperty().get()).contains("tokens"), "generation did not finish");
        assertTrue(watchdog.excessGapDuringJobMillis() < MAX_LATE_PULSE_MILLIS, String.format(
                "FX pulse late by %.1f ms during a job, beyond the machine's own stall of %.1f ms; FX thread was at:%s",
                watchdog.excessGapDuringJobMillis(), watchdog.maxControlStallMillis(), watchdog.stalledAt()));
    }

    @Test
    void watchdogCatchesAJobThatBlocksTheFxThread() {
        waitForJobs(workbench, 30);
        PulseWatchdog watchdog = startWatchdog();
        fx(() -> workbench.context().jobs().submit("blocking", context -> {
            Thread.sleep(300);
            // the mistake this guards against: heavy work handed to the FX thread
            Platform.runLater(() -> {
                long until = System.nanoTime() + 700_000_000L;
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
            });
            Thread.sleep(1500);
            return null;
        }, ignored -> { }));
        waitForJobs(workbench, 30);
        stop(watchdog);
        assertTrue(watchdog.excessGapDuringJobMillis() > MAX_LATE_PULSE_MILLIS,
                String.format("a 700 ms block went unnoticed: gap %.1f ms, control %.1f ms",
                        watchdog.maxPulseGapDuringJobMillis(), watchdog.maxControlStallMillis()));
    }

    private PulseWatchdog startWatchdog() {
        PulseWatchdog watchdog = fx(() -> {
            PulseWatchdog w = new PulseWatchdog(() -> workbench.context().jobs().currentJobProperty().get() != null);
            w.start();
            return w;
        });
        sleep(200, TimeUnit.MILLISECONDS);
        return watchdog;
    }

    private static void stop(PulseWatchdog watchdog) {
        fx(() -> {
            watchdog.stop();
            return null;
        });
    }
}
