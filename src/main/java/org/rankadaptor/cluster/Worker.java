package org.rankadaptor.cluster;

import com.hazelcast.cluster.Address;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import org.rankadaptor.job.MeasurementSetup;
import org.rankadaptor.lora.TrainingData;
import org.rankadaptor.model.LlamaModel;
import org.rankadaptor.model.ModelWithTokenizer;
import org.rankadaptor.model.TextTokenizer;
import org.rankadaptor.model.WeightFingerprint;
import org.rankadaptor.stage.StageContext;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

/**
 * A cluster member that measures candidates: it advertises its device slots, runs one measurement per slot at a
 * time, keeps the pruned model loaded per slot (reloaded only when the weights fingerprint changes), and checks
 * that the files it is told to use exist here and hold the coordinator's weights. It never opens the store.
 */
public final class Worker implements AutoCloseable {
    /**
     * DJL's PyTorch engine allows one gradient collector per JVM, so measurements in one JVM take turns; a worker
     * with several slots runs one JVM per slot ({@link WorkerCommand}) to measure them in parallel.
     */
    private static final Object TRAINING = new Object();
    private final HazelcastInstance hazelcast;
    private final BlockingQueue<Slot> freeSlots;
    private final Map<Integer, Loaded> loaded = new ConcurrentHashMap<>();
    private final Map<String, String> fingerprints = new ConcurrentHashMap<>();
    private final PrintStream log;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private record Slot(int index, String device) {
    }

    /** The model one slot keeps loaded, and the training rows per setup it has seen. */
    private record Loaded(String fingerprint, Path modelDir, ModelWithTokenizer checkpoint,
                          Map<String, TrainingData.Split> data) {
        LlamaModel model() {
            return checkpoint.model();
        }

        TextTokenizer tokenizer() {
            return checkpoint.tokenizer();
        }

        void close() {
            try (checkpoint) {
                data.clear();
            }
        }
    }

    private Worker(ClusterSettings settings, WorkerDevices devices, PrintStream log) {
        this.log = log;
        this.freeSlots = new ArrayBlockingQueue<>(devices.slots());
        for (int i = 0; i < devices.slots(); i++) {
            freeSlots.add(new Slot(i, devices.devices().get(i)));
        }
        this.hazelcast = Hazelcast.newHazelcastInstance(HazelcastSetup.member(settings, devices, this));
        hazelcast.getLifecycleService().addLifecycleListener(event -> {
            if (event.getState() == com.hazelcast.core.LifecycleEvent.LifecycleState.SHUTDOWN) {
                stopped.countDown();
            }
        });
    }

    /** Joins the cluster and starts taking measurement tasks. */
    public static Worker start(ClusterSettings settings, WorkerDevices devices, PrintStream log) {
        Worker worker = new Worker(settings, devices, log);
        log.println("worker " + worker.member() + ": joined with " + devices.slots() + " slot(s) " + devices.spec()
                + "; cluster has " + worker.hazelcast.getCluster().getMembers().size() + " member(s)");
        log.flush();
        return worker;
    }

    /** host:port this worker listens on. */
    public String member() {
        Address a = hazelcast.getCluster().getLocalMember().getAddress();
        return a.getHost() + ":" + a.getPort();
    }

    /** Blocks until the member shuts down (SIGTERM, {@link #close()}). */
    public void awaitShutdown() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void close() {
        hazelcast.shutdown();
        loaded.values().forEach(Loaded::close);
        loaded.clear();
    }

    /** Runs one task on a free slot; the report (or the refusal) lands in the results map. */
    void run(MeasurementTask task) {
        IMap<String, MeasurementReport> results = hazelcast.getMap(HazelcastSetup.RESULTS);
        IMap<String, RunningTask> running = hazelcast.getMap(HazelcastSetup.RUNNING);
        if (Retry.transiently("looking up " + task.key, () -> results.containsKey(task.key))) {
            log.println("worker " + member() + ": proposal " + task.proposalId + " of " + searchOf(task)
                    + " is already measured; not measuring it again");
            return;
        }
        Slot slot;
        try {
            slot = freeSlots.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        MeasurementReport report;
        try {
            RunningTask marker = new RunningTask(hazelcast.getCluster().getLocalMember().getUuid().toString(),
                    member(), slot.device(), System.currentTimeMillis());
            Retry.transiently("marking " + task.key + " running", () -> running.set(task.key, marker));
            log.println("worker " + member() + ": measuring proposal " + task.proposalId + " of " + searchOf(task)
                    + " on " + slot.device() + " ranks " + Arrays.toString(task.ranks));
            log.flush();
            report = measure(task, slot);
            log.println(String.format(Locale.ROOT, "worker %s: measured proposal %d of %s on %s in %.1f s: %.4f",
                    member(), task.proposalId, searchOf(task), slot.device(), report.seconds(), report.score()));
        } catch (RuntimeException | LinkageError | OutOfMemoryError e) {
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            report = MeasurementReport.failed(task.key, task.proposalId, member(), slot.device(),
                    "worker " + member() + " (" + slot.device() + "): " + why);
            log.println("worker " + member() + ": refused proposal " + task.proposalId + " of " + searchOf(task)
                    + ": " + why);
        } finally {
            freeSlots.add(slot);
        }
        log.flush();
        MeasurementReport finished = report;
        Retry.transiently("storing the report of " + task.key, () -> results.set(task.key, finished));
        Retry.transiently("clearing " + task.key, () -> running.delete(task.key));
    }

    private static String searchOf(MeasurementTask task) {
        return task.key.substring(0, task.key.lastIndexOf('/'));
    }

    private MeasurementReport measure(MeasurementTask task, Slot slot) {
        MeasurementSetup setup = MeasurementSetup.fromJson(task.setupJson);
        requireFiles(setup);
        String fingerprint = fingerprint(setup.modelDir());
        if (!fingerprint.equals(task.fingerprint)) {
            throw new IllegalArgumentException("model folder " + setup.modelDir() + " holds weights with fingerprint "
                    + fingerprint.substring(0, 12) + "..., the coordinator's have " + task.fingerprint.substring(0, 12)
                    + "...: this machine has a different copy of the model");
        }
        Loaded model = loaded(slot, setup.modelDir(), fingerprint);
        TrainingData.Split data = model.data().computeIfAbsent(task.setupJson, json -> setup.trainingData(model.tokenizer()));
        List<Double> losses = new ArrayList<>();
        double score;
        double seconds;
        synchronized (TRAINING) {
            long start = System.nanoTime();
            score = setup.objective(model.model(), model.tokenizer(), data)
                    .measure(task.ranks, StageContext.none(), point -> losses.add(point.trainLoss()));
            seconds = (System.nanoTime() - start) / 1e9;
        }
        return new MeasurementReport(task.key, task.proposalId, score, seconds,
                losses.stream().mapToDouble(Double::doubleValue).toArray(), member(), slot.device(), null);
    }

    private Loaded loaded(Slot slot, Path modelDir, String fingerprint) {
        Loaded current = loaded.get(slot.index());
        if (current != null && current.fingerprint().equals(fingerprint) && current.modelDir().equals(modelDir)) {
            return current;
        }
        if (current != null) {
            loaded.remove(slot.index());
            current.close();
        }
        log.println("worker " + member() + ": loading " + modelDir + " on " + slot.device() + " (slot " + slot.index() + ")");
        Loaded fresh = new Loaded(fingerprint, modelDir,
                ModelWithTokenizer.open(modelDir, WorkerDevices.placement(slot.device())), new HashMap<>());
        loaded.put(slot.index(), fresh);
        return fresh;
    }

    /** Hashes the weights once per folder state (file names, sizes, modification times). */
    private String fingerprint(Path modelDir) {
        return fingerprints.computeIfAbsent(modelDir + "|" + fileState(modelDir), key -> WeightFingerprint.sha256(modelDir));
    }

    private static String fileState(Path modelDir) {
        try (Stream<Path> files = Files.list(modelDir)) {
            StringBuilder state = new StringBuilder();
            for (Path f : files.filter(p -> p.toString().endsWith(".safetensors")).sorted().toList()) {
                state.append(f.getFileName()).append(':').append(Files.size(f)).append(':')
                        .append(Files.getLastModifiedTime(f).toMillis()).append(';');
            }
            return state.toString();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot list model folder " + modelDir + " on this worker: " + e.getMessage(), e);
        }
    }

    private static void requireFiles(MeasurementSetup setup) {
        String hint = " is missing on this worker (models and data must be on a shared file system or at the same path)";
        if (!Files.isDirectory(setup.modelDir())) {
            throw new IllegalArgumentException("model folder " + setup.modelDir() + hint);
        }
        if (!Files.isRegularFile(setup.trainData())) {
            throw new IllegalArgumentException("training data " + setup.trainData() + hint);
        }
        if (setup.objective().isPerplexity() && !Files.isRegularFile(setup.objective().perplexityText())) {
            throw new IllegalArgumentException("perplexity text " + setup.objective().perplexityText() + hint);
        }
        if (!setup.objective().isPerplexity() && (setup.tasksDir() == null || !Files.isDirectory(setup.tasksDir()))) {
            throw new IllegalArgumentException("task data folder " + setup.tasksDir() + hint);
        }
    }
}
