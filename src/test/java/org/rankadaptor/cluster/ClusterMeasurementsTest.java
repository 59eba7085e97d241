package org.rankadaptor.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.Serializable;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.rankadaptor.TestData;
import org.rankadaptor.job.Fidelity;
import org.rankadaptor.job.MeasurementBackend;
import org.rankadaptor.job.MeasurementSetup;
import org.rankadaptor.job.SearchObjective;
import org.rankadaptor.lora.LoraSettings;
import org.rankadaptor.lora.TrainingData;
import org.rankadaptor.model.Placement;
import org.rankadaptor.model.WeightFingerprint;
import org.rankadaptor.search.MeasurementScheduler;
import org.rankadaptor.search.Proposal;
import org.rankadaptor.search.SearchException;
import org.rankadaptor.search.SearchIteration;
import org.rankadaptor.stage.StageContext;

/**
 * Two workers in this JVM and a coordinator client: a candidate measured on a worker scores what it scores here,
 * a worker refuses a missing file or other weights with a clear error, and members deserialize no foreign class.
 */
class ClusterMeasurementsTest {
    private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();
    private static ClusterSettings settings;
    private static Worker first;
    private static Worker second;

    @BeforeAll
    static void startWorkers() throws Exception {
        TestData.root();
        ClusterSecret secret = ClusterSecret.read("env:SECRET", Map.of("SECRET", "test-secret-" + System.nanoTime()));
        int a = freePort();
        int b = freePort();
        List<String> members = List.of("127.0.0.1:" + a, "127.0.0.1:" + b);
        PrintStream log = new PrintStream(LOG, true, StandardCharsets.UTF_8);
        first = Worker.start(new ClusterSettings(secret, members, null, a), WorkerDevices.cpu(1), log);
        second = Worker.start(new ClusterSettings(secret, members, null, b), WorkerDevices.cpu(1), log);
        settings = ClusterSettings.loopback(secret, members);
    }

    @AfterAll
    static void stopWorkers() {
        if (first != null) {
            first.close();
        }
        if (second != null) {
            second.close();
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static MeasurementSetup setup(Path model) {
        return new MeasurementSetup(model, TestData.path("text/tinystories-gen/train.jsonl"), TrainingData.LossTokens.ALL,
                SearchObjective.parse("ppl:" + TestData.path("text/tinystories-gen/valid.jsonl")), TestData.path("tasks"),
                new Fidelity(2, 4, 4, 16, 1, 1e-3, 1, 64), LoraSettings.defaults(), 3);
    }

    @Test
    void twoCandidatesOnTwoWorkersScoreWhatTheyScoreInProcess() {
        MeasurementSetup setup = setup(TestData.stories260K());
        String fingerprint = WeightFingerprint.sha256(setup.modelDir());
        int[] a = {2, 4, 8, 2, 4};
        int[] b = {8, 8, 8, 8, 8};
        Set<String> members = new HashSet<>();
        double scoreA;
        double scoreB;
        try (ClusterMeasurements cluster = ClusterMeasurements.connect(settings, 2, setup, fingerprint,
                "test-" + System.nanoTime(), null)) {
            cluster.awaitWorkers(2, 60_000, StageContext.none());
            Proposal pa = Proposal.first(0, SearchIteration.Kind.INITIAL, a, Double.NaN);
            Proposal pb = Proposal.first(1, SearchIteration.Kind.BASELINE, b, Double.NaN);
            cluster.submit(pa, StageContext.none());
            cluster.submit(pb, StageContext.none());
            assertEquals(2, cluster.view().workers().stream().filter(w -> w.busy() == 1).count(),
                    "two proposals go to two different workers");
            double[] scores = new double[2];
            for (int i = 0; i < 2; i++) {
                MeasurementScheduler.Measured m = (MeasurementScheduler.Measured) cluster.awaitNext(StageContext.none());
                scores[m.proposal().id()] = m.score();
                members.add(m.member());
                cluster.acknowledge(m.proposal());
            }
            scoreA = scores[0];
            scoreB = scores[1];
        }
        assertEquals(2, members.size());
        try (MeasurementScheduler local = MeasurementBackend.inProcess(Placement.cpu()).open(setup, "local",
                StageContext.none())) {
            local.submit(Proposal.first(0, SearchIteration.Kind.INITIAL, a, Double.NaN), StageContext.none());
            assertEquals(scoreA, ((MeasurementScheduler.Measured) local.awaitNext(StageContext.none())).score(), 1e-9);
            local.submit(Proposal.first(1, SearchIteration.Kind.BASELINE, b, Double.NaN), StageContext.none());
            assertEquals(scoreB, ((MeasurementScheduler.Measured) local.awaitNext(StageContext.none())).score(), 1e-9);
        }
        assertTrue(!LOG.toString(StandardCharsets.UTF_8).contains(settings.secret().value()), "the secret is never logged");
    }

    @Test
    void aWorkerRefusesOtherWeightsAndMissingFilesWithAClearError() {
        MeasurementSetup setup = setup(TestData.stories260K());
        try (ClusterMeasurements cluster = ClusterMeasurements.connect(settings, 1, setup, "0".repeat(64),
                "test-" + System.nanoTime(), null)) {
            cluster.submit(Proposal.first(0, SearchIteration.Kind.BASELINE, new int[] {8, 8, 8, 8, 8}, Double.NaN),
                    StageContext.none());
            SearchException e = assertThrows(SearchException.class, () -> cluster.awaitNext(StageContext.none()));
            assertTrue(e.getMessage().contains("different copy of the model"), e.getMessage());
        }
        MeasurementSetup missing = setup(Path.of("/nonexistent/pruned-model"));
        try (ClusterMeasurements cluster = ClusterMeasurements.connect(settings, 1, missing, "0".repeat(64),
                "test-" + System.nanoTime(), null)) {
            cluster.submit(Proposal.first(0, SearchIteration.Kind.BASELINE, new int[] {8, 8, 8, 8, 8}, Double.NaN),
                    StageContext.none());
            SearchException e = assertThrows(SearchException.class, () -> cluster.awaitNext(StageContext.none()));
            assertTrue(e.getMessage().contains("/nonexistent/pruned-model is missing on this worker"), e.getMessage());
        }
    }

    /** Not one of ours: a member must refuse to deserialize it. */
    static final class Foreign implements java.util.concurrent.Callable<String>, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public String call() {
            return "a foreign task ran on a worker";
        }
    }

    @Test
    void membersDeserializeOnlyOurTaskClasses() {
        HazelcastInstance client = HazelcastClient.newHazelcastClient(HazelcastSetup.client(settings));
        try {
            Member member = client.getCluster().getMembers().iterator().next();
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> client.getExecutorService(HazelcastSetup.EXECUTOR).submitToMember(new Foreign(), member).get());
            StringBuilder chain = new StringBuilder();
            for (Throwable t = e; t != null; t = t.getCause()) {
                chain.append(t).append(" | ");
            }
            assertTrue(chain.toString().contains(Foreign.class.getName()) && chain.toString().toLowerCase().contains("not allowed")
                    || chain.toString().contains("SecurityException"), chain.toString());
        } finally {
            client.shutdown();
        }
    }
}
