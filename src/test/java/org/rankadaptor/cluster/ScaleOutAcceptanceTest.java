package org.rankadaptor.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rankadaptor.TestData;
import org.rankadaptor.job.Recording;
import org.rankadaptor.job.SearchJob;
import org.rankadaptor.job.SearchObjective;
import org.rankadaptor.job.SearchRequest;
import org.rankadaptor.job.SearchRequestBuilder;
import org.rankadaptor.job.StoreSearchJournal;
import org.rankadaptor.search.BudgetConstraint;
import org.rankadaptor.search.SearchIteration;
import org.rankadaptor.search.SearchResult;
import org.rankadaptor.search.SearchSettings;
import org.rankadaptor.stage.StageContext;
import org.rankadaptor.store.IterationRecord;
import org.rankadaptor.store.ProposalRecord;
import org.rankadaptor.store.ProposalState;
import org.rankadaptor.store.Workspace;

/**
 * Issue 17's acceptance on 127.0.0.1: three worker JVMs, a search with --parallel 3 on stories260K at a tiny
 * fidelity. Distinct in-flight candidates, all workers busy, the best measured configuration reported; a worker
 * killed with SIGKILL mid-task costs exactly one more measurement; a coordinator killed with SIGKILL and resumed
 * loses and repeats nothing; the members listen on loopback only. Tagged "cluster" (about 2-3 minutes on 2 cores).
 */
@Tag("cluster")
class ScaleOutAcceptanceTest {
    private static final Pattern MEASURED = Pattern.compile("measured proposal (\\d+) of (\\S+) on");
    /** Enough steps that a measurement lasts a few seconds, so a kill lands mid-task. */
    private static final int STEPS = 12;

    @TempDir
    static Path tmp;
    private static LocalWorkers workers;

    @BeforeAll
    static void startWorkers() throws InterruptedException {
        TestData.root();
        workers = LocalWorkers.start(List.of("cpu", "cpu", "cpu"), 1, tmp.resolve("worker-logs"));
        com.hazelcast.core.HazelcastInstance client = com.hazelcast.client.HazelcastClient.newHazelcastClient(
                HazelcastSetup.client(workers.settings()));
        try {
            long deadline = System.currentTimeMillis() + 120_000;
            while (client.getCluster().getMembers().size() < 3 && System.currentTimeMillis() < deadline) {
                Thread.sleep(200);
            }
            assertEquals(3, client.getCluster().getMembers().size(), "three workers joined");
        } finally {
            client.shutdown();
        }
    }

    @AfterAll
    static void stopWorkers() {
        if (workers != null) {
            workers.close();
        }
    }

    private static SearchRequestBuilder request(Path out, int iterations) {
        Path train = TestData.path("text/tinystories-gen/train.jsonl");
        return new SearchRequestBuilder(TestData.stories260K(), train,
                SearchObjective.parse("ppl:" + TestData.path("text/tinystories-gen/valid.jsonl")), out)
                .ranks(new int[] {2, 4, 8}, 8, BudgetConstraint.none())
                .fidelity(STEPS, 4, 4, 16, 1, 1e-3, 64)
                // threshold 0: no early convergence, every run makes exactly `iterations` measurements
                .loop(2, 500, iterations, 0.0, SearchSettings.Acquisition.GREEDY, 5);
    }

    /** Measurements each worker log reports, per search key and proposal id. */
    private static Map<String, Integer> measuredCounts() {
        Map<String, Integer> counts = new HashMap<>();
        for (Path log : workers.logs()) {
            if (!Files.exists(log)) {
                continue;
            }
            List<String> lines;
            try {
                lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            for (String line : lines) {
                Matcher m = MEASURED.matcher(line);
                if (m.find()) {
                    counts.merge(m.group(2) + "/" + m.group(1), 1, Integer::sum);
                }
            }
        }
        return counts;
    }

    private static void assertNoDuplicatesInTheStore(Workspace ws, long searchId, int expected) {
        List<IterationRecord> rows = ws.searches().completedIterations(searchId);
        assertEquals(expected, rows.size());
        Set<String> ranks = new HashSet<>();
        for (IterationRecord row : rows) {
            assertTrue(ranks.add(Arrays.toString(StoreSearchJournal.ranksOf(row))), "measured twice: " + row);
        }
    }

    @Test
    void threeWorkersMeasureInParallelAndAKilledWorkerCostsOneMoreMeasurement() throws Exception {
        ClusterBackend backend = ClusterBackend.connect(workers.settings(), 3);
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<String> collision = new AtomicReference<>();
        Set<String> busyMembers = java.util.concurrent.ConcurrentHashMap.newKeySet();
        AtomicReference<String> killed = new AtomicReference<>();
        AtomicReference<String> listening = new AtomicReference<>();
        AtomicInteger recorded = new AtomicInteger();
        Thread watcher = new Thread(() -> {
            while (!done.get()) {
                backend.view().ifPresent(view -> {
                    Set<String> inFlight = new HashSet<>();
                    for (ClusterView.InFlight f : view.inFlight()) {
                        if (!inFlight.add(Arrays.toString(f.ranks()))) {
                            collision.compareAndSet(null, "two in-flight candidates are equal: " + view.inFlight());
                        }
                    }
                    view.workers().stream().filter(w -> w.busy() > 0).forEach(w -> busyMembers.add(w.member()));
                    if (listening.get() == null && busyMembers.size() == 3) {
                        listening.set(String.join(";", LoopbackSockets.listening(pids())));
                    }
                    // Once some search points are in, SIGKILL a worker that has just started a measurement.
                    if (killed.get() == null && recorded.get() >= 4) {
                        for (ClusterView.InFlight f : view.inFlight()) {
                            if (f.member() != null && f.elapsedSeconds() < 0.5 && view.workers().size() == 3) {
                                int i = workers.members().indexOf(f.member());
                                if (i >= 0 && killed.compareAndSet(null, f.proposalId() + "@" + f.member())) {
                                    workers.processes().get(i).destroyForcibly();
                                }
                                break;
                            }
                        }
                    }
                });
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "cluster-watcher");
        watcher.start();
        SearchJob.Outcome outcome;
        try (Workspace ws = Workspace.open(tmp.resolve("ws-a"))) {
            SearchRequest request = request(tmp.resolve("out-a"), 10).build();
            outcome = SearchJob.run(request, StageContext.none(), Recording.to(ws), it -> recorded.incrementAndGet(),
                    backend);
            done.set(true);
            watcher.join();
            long id = outcome.searchId();
            assertEquals(null, collision.get());
            assertEquals(3, busyMembers.size(), "all three workers were busy: " + busyMembers);
            assertTrue(killed.get() != null, "a worker was killed mid-task");

            SearchResult r = outcome.result();
            assertEquals(10, r.iterations().size());
            SearchIteration best = r.iterations().stream()
                    .max((a, b) -> Double.compare(a.actual(), b.actual())).orElseThrow();
            assertEquals(Arrays.toString(best.ranks()), Arrays.toString(r.bestMeasuredRanks()),
                    "the reported configuration is the best measured one");
            assertEquals(best.actual(), r.bestMeasuredScore());

            // The killed worker's proposal is LOST, re-sent once under a new id and measured exactly once.
            assertNoDuplicatesInTheStore(ws, id, 10);
            List<ProposalRecord> proposals = ws.searches().proposals(id);
            List<ProposalRecord> lost = proposals.stream().filter(p -> p.state() == ProposalState.LOST).toList();
            assertEquals(1, lost.size(), proposals.toString());
            assertEquals(Integer.parseInt(killed.get().substring(0, killed.get().indexOf('@'))), lost.get(0).proposalId());
            List<ProposalRecord> retries = proposals.stream()
                    .filter(p -> Integer.valueOf(lost.get(0).proposalId()).equals(p.retryOf())).toList();
            assertEquals(1, retries.size());
            assertEquals(ProposalState.DONE, retries.get(0).state());
            assertEquals(lost.get(0).rankVectorJson(), retries.get(0).rankVectorJson());
            assertTrue(proposals.stream().noneMatch(p -> p.state() == ProposalState.PENDING));
            String key = SearchJob.searchKey(ws, id);
            Map<String, Integer> measured = measuredCounts();
            assertEquals(null, measured.get(key + "/" + lost.get(0).proposalId()), "the killed task never finished");
            assertEquals(1, measured.get(key + "/" + retries.get(0).proposalId()));
            assertEquals(10, measured.entrySet().stream().filter(e -> e.getKey().startsWith(key + "/"))
                    .mapToInt(Map.Entry::getValue).sum(), "ten measurements in all, one per stored iteration");
        } finally {
            done.set(true);
            watcher.join();
        }
        // Members listened on 127.0.0.1 only (read from /proc/net/tcp*, as `ss -ltnp` does).
        assertTrue(listening.get() != null && !listening.get().isEmpty(), "saw the workers' listening sockets");
        for (String address : listening.get().split(";")) {
            assertTrue(address.startsWith("127.0.0.1:"), "a member listens beyond loopback: " + listening.get());
        }
    }

    @Test
    void aCoordinatorKilledAndResumedLosesAndRepeatsNothing() throws Exception {
        List<Process> alive = workers.processes().stream().filter(Process::isAlive).toList();
        List<String> members = new ArrayList<>();
        for (int i = 0; i < workers.processes().size(); i++) {
            if (workers.processes().get(i).isAlive()) {
                members.add(workers.members().get(i));
            }
        }
        assertTrue(alive.size() >= 2, "at least two workers are left for this part");
        Path wsDir = tmp.resolve("ws-b");
        Path out = tmp.resolve("out-b");
        int budget = 8;
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-cp", System.getProperty("java.class.path"), "org.rankadaptor.cli.Main", "search",
                TestData.stories260K().toString(), "--data", TestData.path("text/tinystories-gen/train.jsonl").toString(),
                "--objective", "ppl:" + TestData.path("text/tinystories-gen/valid.jsonl"),
                "--ranks", "2,4,8", "--steps", "" + STEPS, "--batch-size", "4", "--micro-batch", "4", "--train-rows", "16",
                "--eval-limit", "1", "--cutoff", "64", "--initial", "2", "--candidates", "500", "--iterations", "" + budget,
                "--threshold", "0", "--seed", "5", "--parallel", "" + members.size(),
                "--members", String.join(",", members), "--cluster", "env:" + ClusterSecret.DEFAULT_ENV,
                "--workspace", wsDir.toString(), "--out", out.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        workers.exportSecret(builder.environment());
        builder.environment().put("DJL_OFFLINE", "true");
        Process coordinator = builder.start();
        int printed = 0;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(coordinator.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            // 3 initial points, then the first search point: the other search proposals are in flight now
            while (printed < 4 && (line = lines.readLine()) != null) {
                if (line.startsWith("iteration ")) {
                    printed++;
                }
            }
        }
        coordinator.destroyForcibly();   // SIGKILL with proposals in flight on the workers
        assertTrue(coordinator.waitFor(30, TimeUnit.SECONDS));
        assertEquals(4, printed, "the coordinator measured four iterations before it was killed");

        try (Workspace ws = Workspace.open(wsDir)) {
            long id = ws.searches().list().get(0).id();
            String key = SearchJob.searchKey(ws, id);
            int committed = ws.searches().completedIterations(id).size();
            List<ProposalRecord> pending = ws.searches().proposals(id).stream()
                    .filter(p -> p.state() == ProposalState.PENDING).toList();
            assertTrue(!pending.isEmpty(), "the killed coordinator left proposals in flight");
            // Let the workers finish what they were running: those results wait in the cluster's map.
            long deadline = System.currentTimeMillis() + 120_000;
            while (System.currentTimeMillis() < deadline
                    && pending.stream().anyMatch(p -> !measuredCounts().containsKey(key + "/" + p.proposalId()))) {
                Thread.sleep(200);
            }
            SearchRequest request = request(out, budget).build();
            SearchResult r = SearchJob.resume(id, request, StageContext.none(), ws, it -> { },
                    ClusterBackend.connect(ClusterSettings.loopback(workers.settings().secret(), members),
                            members.size())).result();
            assertEquals(budget, r.iterations().size());
            assertEquals(committed, r.resumedIterations());
            assertNoDuplicatesInTheStore(ws, id, budget);
            assertTrue(ws.searches().proposals(id).stream().allMatch(p -> p.state() == ProposalState.DONE),
                    "every proposal, the ones in flight at the kill included, is DONE");
            Map<String, Integer> measured = measuredCounts();
            for (ProposalRecord p : pending) {
                assertEquals(1, measured.get(key + "/" + p.proposalId()), "proposal " + p.proposalId()
                        + " finished on a worker while no coordinator ran and was not measured again");
            }
            assertEquals(budget, measured.entrySet().stream().filter(e -> e.getKey().startsWith(key + "/"))
                    .mapToInt(Map.Entry::getValue).sum(), "every measurement was made exactly once");
        }
    }

    private static List<Long> pids() {
        return workers.processes().stream().filter(Process::isAlive).map(Process::pid).toList();
    }
}
