package org.rankadaptor.ui;

import javafx.concurrent.Task;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.rankadaptor.stage.CancelledException;
import org.rankadaptor.model.CheckpointException;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rankadaptor.ui.FxTestSupport.fx;
import static org.rankadaptor.ui.FxTestSupport.waitUntil;

@ExtendWith(ApplicationExtension.class)
class JobRunnerTest {
    static {
        FxTestSupport.configureHeadlessScreen(); // whichever FX test class runs first starts the toolkit
    }

    private final List<String> shownErrors = Collections.synchronizedList(new ArrayList<>());
    private LogConsole log;
    private JobRunner jobs;

    @Start
    void start(Stage stage) {
        log = new LogConsole();
        jobs = new JobRunner(log, (what, error) -> shownErrors.add(what + ": " + ErrorMessages.describe(error)));
    }

    @AfterEach
    void close() {
        fx(() -> {
            jobs.close();
            return null;
        });
    }

    @Test
    void resultsArriveOnTheFxThreadAndProgressFollowsTheStage() throws InterruptedException {
        CountDownLatch reported = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        AtomicReference<String> resultThread = new AtomicReference<>();
        Task<Integer> task = fx(() -> jobs.submit("sum", context -> {
            context.report("sum", 3, 4, "adding");
            reported.countDown();
            assertTrue(proceed.await(10, TimeUnit.SECONDS));
            return Thread.currentThread().getName().equals("workbench-job") ? 42 : -1;
        }, value -> resultThread.set(Thread.currentThread().getName() + "=" + value)));
        assertTrue(reported.await(10, TimeUnit.SECONDS));
        waitUntil("progress 0.75", 5, () -> task.getProgress() == 0.75);
        assertEquals("sum: adding (3/4)", fx(task::getMessage));
        assertTrue(fx(() -> jobs.isBusy()));
        assertEquals(task, fx(() -> jobs.currentJobProperty().get()));
        proceed.countDown();
        waitUntil("the result", 10, () -> resultThread.get() != null);
        assertEquals("JavaFX Application Thread=42", resultThread.get());
        assertFalse(fx(() -> jobs.isBusy()));
        assertNull(fx(() -> jobs.currentJobProperty().get()));
        assertTrue(shownErrors.isEmpty());
    }

    @Test
    void failuresOfAnyKindAreShownAndLoggedAndLaterJobsStillRun() {
        fx(() -> jobs.submit("open broken", context -> {
            throw new CheckpointException("/models/x/config.json: missing field 'hidden_size'");
        }, ignored -> { }));
        fx(() -> jobs.submit("huge", context -> {
            throw new OutOfMemoryError("Java heap space");
        }, ignored -> { }));
        fx(() -> jobs.submit("bad view code", context -> 1, ignored -> {
            throw new IllegalStateException("view bug");
        }));
        AtomicReference<String> after = new AtomicReference<>();
        fx(() -> jobs.submit("after", context -> "ok", after::set));
        waitUntil("the last job", 10, () -> "ok".equals(after.get()));

        assertEquals(3, shownErrors.size(), shownErrors.toString());
        assertEquals("open broken: /models/x/config.json: missing field 'hidden_size'", shownErrors.get(0));
        assertTrue(shownErrors.get(1).startsWith("huge: out of memory (Java heap space)"), shownErrors.get(1));
        assertEquals("bad view code: IllegalStateException: view bug", shownErrors.get(2));
        waitUntil("log lines", 5, () -> log.lines().stream().filter(l -> l.contains("finished: ")).count() == 2);
    }

    @Test
    void cancelStopsTheStageAtItsNextCheckAndClosesAnUnwantedResult() throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        AtomicReference<Boolean> stoppedByCheck = new AtomicReference<>();
        AtomicReference<Boolean> closed = new AtomicReference<>(false);
        Task<AutoCloseable> task = fx(() -> jobs.submit("loop", context -> {
            started.countDown();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            try {
                while (System.nanoTime() < until) {
                    context.checkCancelled("loop");
                    Thread.sleep(5);
                }
            } catch (CancelledException e) {
                stoppedByCheck.set(true);
                throw e;
            }
            return () -> closed.set(true);
        }, ignored -> { }));
        assertTrue(started.await(10, TimeUnit.SECONDS));
        fx(() -> {
            jobs.cancelCurrent();
            return null;
        });
        waitUntil("the stage to stop", 5, () -> Boolean.TRUE.equals(stoppedByCheck.get()));
        assertTrue(fx(task::isCancelled));
        assertTrue(shownErrors.isEmpty(), "cancelling is not an error: " + shownErrors);
        waitUntil("the cancel log line", 5, () -> log.lines().stream().anyMatch(l -> l.endsWith("cancelled: loop")));

        // a stage that ignores the check and returns a resource after cancel: the runner closes it
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        fx(() -> jobs.submit("resource", context -> {
            running.countDown();
            release.await(10, TimeUnit.SECONDS);
            return (AutoCloseable) () -> closed.set(true);
        }, ignored -> { }));
        assertTrue(running.await(10, TimeUnit.SECONDS));
        fx(() -> {
            jobs.cancelCurrent();
            return null;
        });
        release.countDown();
        waitUntil("the discarded result to close", 5, closed::get);
    }

    @Test
    void jobsAreSubmittedFromTheFxThreadOnly() {
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> jobs.submit("off thread", context -> 1, ignored -> { }));
        assertTrue(e.getMessage().contains("only the FX thread may submit a job"), e.getMessage());
    }

    @Test
    void describesErrorsWithoutStackTraces() {
        assertInstanceOf(String.class, ErrorMessages.describe(new RuntimeException(new CheckpointException("x"))));
        assertEquals("x", ErrorMessages.describe(new RuntimeException(new CheckpointException("x"))));
        assertEquals("NullPointerException: no detail", ErrorMessages.describe(new NullPointerException()));
        assertEquals("cancelled during loop", ErrorMessages.describe(new CancelledException("loop")));
    }
}
