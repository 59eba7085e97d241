package org.rankadaptor.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A search process killed with SIGKILL mid-iteration loses no committed iteration and resumes where it stopped. */
class CrashResumeTest {
    private static final int COMMITS_BEFORE_KILL = 12;

    @TempDir
    Path dir;

    @Test
    void killedSearchKeepsEveryCommittedIterationAndResumes() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                CrashingSearchChild.class.getName(), dir.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread pump = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                }
            } catch (java.io.IOException e) {
                // Stream closes when the child is killed.
            }
        }, "child-stdout");
        pump.setDaemon(true);
        pump.start();

        long searchId = -1;
        int lastCommitted = -1;
        boolean peeked = false;
        try {
            while (true) {
                String line = lines.poll(15, TimeUnit.SECONDS);
                if (line == null) {
                    throw new AssertionError("child went quiet; last committed " + lastCommitted);
                }
                if (line.startsWith("SEARCH ")) {
                    searchId = Long.parseLong(line.substring(7));
                } else if (line.startsWith("COMMITTED ")) {
                    lastCommitted = Integer.parseInt(line.substring(10));
                } else if (line.startsWith("BEGIN ") && lastCommitted >= COMMITS_BEFORE_KILL / 2 && !peeked) {
                    // Another process reads the live workspace (through H2's auto server) while the job writes.
                    try (Workspace viewer = Workspace.open(dir)) {
                        assertTrue(viewer.interruptedOnOpen().isEmpty(), "a live, heartbeating run is not abandoned");
                        assertTrue(viewer.searches().completedIterations(searchId).size() >= lastCommitted + 1);
                        assertEquals(RunStatus.RUNNING, viewer.searches().get(searchId).status());
                    }
                    peeked = true;
                } else if (line.startsWith("BEGIN ") && lastCommitted >= COMMITS_BEFORE_KILL) {
                    break; // the child is inside an iteration now
                }
            }
        } finally {
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
        }
        assertTrue(peeked);

        try (Workspace workspace = Workspace.open(dir)) {
            SearchRepository searches = workspace.searches();
            assertEquals(List.of(new RunRef(RunKind.SEARCH, searchId)), workspace.interruptedOnOpen());
            Search search = searches.get(searchId);
            assertEquals(RunStatus.INTERRUPTED, search.status());
            assertTrue(search.error().contains("no longer running"), search.error());

            List<IterationRecord> done = searches.completedIterations(searchId);
            assertTrue(done.size() >= lastCommitted + 1,
                    "every iteration reported committed must be stored: saw " + done.size() + ", last " + lastCommitted);
            for (int i = 0; i < done.size(); i++) {
                assertEquals(i, done.get(i).iteration());
                assertEquals(StoreFixtures.iteration(i).rankVectorJson(), done.get(i).rankVectorJson());
            }

            int next = searches.nextIterationIndex(searchId);
            assertEquals(done.size(), next);
            searches.markRunning(searchId);
            searches.recordIteration(searchId, StoreFixtures.iteration(next));
            searches.recordResult(searchId, "{\"best\":" + next + "}");
            searches.markDone(searchId);
            assertEquals(next + 1, searches.completedIterations(searchId).size());
            assertEquals(RunStatus.DONE, searches.get(searchId).status());
        }
    }
}
