package org.rankadaptor.cluster;

import org.rankadaptor.job.MeasurementBackend;
import org.rankadaptor.job.MeasurementSetup;
import org.rankadaptor.job.Parallelism;
import org.rankadaptor.model.Placement;
import org.rankadaptor.model.WeightFingerprint;
import org.rankadaptor.search.MeasurementScheduler;
import org.rankadaptor.stage.StageContext;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Measures a search's candidates on cluster workers, K at a time: workers already running somewhere
 * ({@code --members}), or worker JVMs this process starts on loopback for the search ({@code --local-workers}).
 */
public final class ClusterBackend implements MeasurementBackend {
    private static final long JOIN_TIMEOUT_MILLIS = 180_000;

    private final ClusterSettings settings;
    private final int parallel;
    private final List<String> localDevices;
    private final int threadsPerWorker;
    private final Path logDir;
    private volatile ClusterMeasurements current;

    private ClusterBackend(ClusterSettings settings, int parallel, List<String> localDevices, int threadsPerWorker,
                           Path logDir) {
        if (parallel < 1) {
            throw new IllegalArgumentException("--parallel must be >= 1, got " + parallel);
        }
        this.settings = settings;
        this.parallel = parallel;
        this.localDevices = List.copyOf(localDevices);
        this.threadsPerWorker = threadsPerWorker;
        this.logDir = logDir;
    }

    /**
     * The backend a search's {@link Parallelism} asks for: in-process for a plain search, local worker JVMs (one
     * per GPU when the search runs on a GPU, else one per CPU slot), or running workers at the given members.
     */
    public static MeasurementBackend forSearch(Parallelism parallelism, Placement placement, Path logDir) {
        return forSearch(parallelism, placement, logDir, kind -> 1);
    }

    /**
     * As above; an in-process search measures each configuration {@code repeats} times (seed + r). Cluster workers
     * measure each proposal once (repeats are not sent to workers yet).
     */
    public static MeasurementBackend forSearch(Parallelism parallelism, Placement placement, Path logDir,
                                               java.util.function.ToIntFunction<org.rankadaptor.search.SearchIteration.Kind> repeats) {
        if (parallelism.inProcess()) {
            return MeasurementBackend.inProcess(placement, repeats);
        }
        if (!parallelism.members().isEmpty()) {
            ClusterSecret secret = ClusterSecret.read(parallelism.clusterSecret(), System.getenv());
            return connect(new ClusterSettings(secret, parallelism.members(), null, ClusterSettings.DEFAULT_PORT),
                    parallelism.parallel());
        }
        List<String> devices = new ArrayList<>();
        for (int i = 0; i < parallelism.localWorkers(); i++) {
            devices.add(placement.device().isGpu() ? "gpu" + i : "cpu");
        }
        return localWorkers(parallelism.parallel(), devices, parallelism.threadsPerWorker(), logDir);
    }

    /** Workers that are already running and reachable through {@code settings}. */
    public static ClusterBackend connect(ClusterSettings settings, int parallel) {
        return new ClusterBackend(settings, parallel, List.of(), 0, null);
    }

    /** One worker JVM per entry of {@code devices} ("cpu" or "gpuN"), started for each search and stopped after. */
    public static ClusterBackend localWorkers(int parallel, List<String> devices, int threadsPerWorker, Path logDir) {
        if (devices.isEmpty()) {
            throw new IllegalArgumentException("--local-workers must be >= 1");
        }
        return new ClusterBackend(null, parallel, devices, threadsPerWorker, logDir);
    }

    @Override
    public MeasurementScheduler open(MeasurementSetup setup, String searchKey, StageContext ctx) {
        ctx.report("cluster", 0, 0, "fingerprinting the weights of " + setup.modelDir());
        String fingerprint = WeightFingerprint.sha256(setup.modelDir());
        LocalWorkers local = null;
        ClusterSettings target = settings;
        if (!localDevices.isEmpty()) {
            ctx.report("cluster", 0, 0, "starting " + localDevices.size() + " local worker(s); logs in " + logDir);
            local = LocalWorkers.start(localDevices, threadsPerWorker, logDir);
            target = local.settings();
        }
        ClusterMeasurements measurements;
        try {
            measurements = ClusterMeasurements.connect(target, parallel, setup, fingerprint, searchKey, local);
        } catch (RuntimeException e) {
            if (local != null) {
                local.close();
            }
            throw e;
        }
        try {
            measurements.awaitWorkers(localDevices.isEmpty() ? 1 : localDevices.size(), JOIN_TIMEOUT_MILLIS, ctx);
        } catch (RuntimeException e) {
            measurements.close();
            throw e;
        }
        ctx.report("cluster", 0, 0, measurements.workerCount() + " worker(s) ready");
        current = measurements;
        return measurements;
    }

    /** The running search's workers and in-flight candidates; empty before it has connected. */
    public Optional<ClusterView> view() {
        ClusterMeasurements m = current;
        return m == null ? Optional.empty() : Optional.of(m.view());
    }

    public int parallel() {
        return parallel;
    }
}
