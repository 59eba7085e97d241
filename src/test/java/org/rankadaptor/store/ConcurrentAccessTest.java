package org.rankadaptor.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The GUI and a running job hold separate handles on one workspace and both read and write at once. */
class ConcurrentAccessTest {
    private static final int ITERATIONS = 60;

    @TempDir
    Path dir;

    @Test
    void jobWritesWhileGuiReadsAndWrites() throws Exception {
        try (Workspace job = Workspace.open(dir); Workspace gui = Workspace.open(dir)) {
            long modelId = StoreFixtures.model(job, "/m").id();
            long searchId = StoreFixtures.search(job, modelId).id();
            long runId = job.recoveryRuns().create(
                    new NewRecoveryRun(modelId, null, RecoveryMethod.LORA, "r8", null, null, 1)).id();
            job.searches().markRunning(searchId);
            AtomicBoolean writing = new AtomicBoolean(true);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<Integer> writer = pool.submit(() -> {
                    try (Heartbeat heartbeat = job.searches().startHeartbeat(searchId, java.time.Duration.ofMillis(20))) {
                        for (int i = 0; i < ITERATIONS; i++) {
                            job.searches().recordIteration(searchId, StoreFixtures.iteration(i));
                            job.recoveryRuns().appendCurvePoint(runId, new CurveRecord(i, 3.0 - i * 0.01, null, 1e-4));
                        }
                        assertTrue(heartbeat.stillRunning());
                    } finally {
                        writing.set(false);
                    }
                    return ITERATIONS;
                });
                Future<Integer> reader = pool.submit(() -> {
                    int reads = 0;
                    int lastSeen = 0;
                    while (writing.get()) {
                        List<IterationRecord> seen = gui.searches().completedIterations(searchId);
                        assertTrue(seen.size() >= lastSeen, "committed iterations never disappear");
                        for (int i = 0; i < seen.size(); i++) {
                            assertEquals(i, seen.get(i).iteration());
                        }
                        lastSeen = seen.size();
                        gui.recoveryRuns().curve(runId);
                        gui.runs().list();
                        // The GUI writes too, e.g. evaluating a finished adapter.
                        gui.evaluations().add(new NewEvaluation(null, modelId, "piqa", 10, 0.5, null, null, null, null));
                        reads++;
                    }
                    return reads;
                });
                assertEquals(ITERATIONS, writer.get(60, TimeUnit.SECONDS));
                int reads = reader.get(60, TimeUnit.SECONDS);
                assertTrue(reads > 1, "reader should interleave with the writer, read " + reads + " times");
                assertEquals(ITERATIONS, gui.searches().completedIterations(searchId).size());
                assertEquals(ITERATIONS, gui.recoveryRuns().curve(runId).size());
                assertEquals(reads, job.evaluations().listForUntunedModel(modelId).size());
            } finally {
                pool.shutdownNow();
            }
            job.searches().markDone(searchId);
            assertEquals(RunStatus.DONE, gui.searches().get(searchId).status());
        }
    }
}
