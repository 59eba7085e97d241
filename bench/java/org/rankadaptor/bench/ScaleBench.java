package org.rankadaptor.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import org.rankadaptor.eval.LoglikelihoodScorer;
import org.rankadaptor.eval.ScoringWindow;
import org.rankadaptor.model.CheckpointLoader;
import org.rankadaptor.model.LinearAdapter;
import org.rankadaptor.model.LlamaModel;
import org.rankadaptor.model.NativeHeap;
import org.rankadaptor.model.Placement;
import org.rankadaptor.prune.CalibrationSet;
import org.rankadaptor.prune.CalibrationSource;
import org.rankadaptor.prune.Estimator;
import org.rankadaptor.prune.ImportanceScorer;
import org.rankadaptor.stage.StageContext;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * One task of bench/run_scale_bench.sh on a real-size checkpoint, through the project's own code paths; prints one
 * JSON line like bench/python/scale_peer.py. Tasks: load (time to the first usable model), forward (perplexity
 * style: logits and target log-probs), score (zero-shot scoring: {@link LoglikelihoodScorer#scoreBatch}, last 16
 * positions of each row scored), importance (Taylor element1 over BATCH calibration samples, forward and backward
 * through all decoder weights) and lora (a rank-8 LoRA step on all seven projections with AdamW).
 * Usage: ScaleBench MODEL_DIR TASK BATCH SEQ ITERATIONS
 */
public final class ScaleBench {
    private static final int SCORED = 16;

    public static void main(String[] args) throws Exception {
        Path modelDir = Path.of(args[0]);
        String task = args[1];
        int batch = Integer.parseInt(args[2]);
        int seq = Integer.parseInt(args[3]);
        int iterations = Integer.parseInt(args[4]);
        int threads = Integer.parseInt(System.getenv().getOrDefault("BENCH_THREADS", "2"));
        NativeHeap.returnFreedBuffers();   // as the app's launchers do
        Engine.getInstance();   // engine start-up is not load time
        long loadStart = System.nanoTime();
        double tokensPerSecond;
        double loadSeconds;
        // BENCH_DEVICE=gpu:0 puts the model on a GPU in fp16, as --device gpu:0 does
        String device = System.getenv().getOrDefault("BENCH_DEVICE", "cpu");
        Placement placement = device.startsWith("gpu")
                ? Placement.on(Device.gpu(device.contains(":") ? Integer.parseInt(device.substring(4)) : 0))
                : Placement.cpu();
        try (LlamaModel model = CheckpointLoader.load(modelDir, placement)) {
            loadSeconds = (System.nanoTime() - loadStart) / 1e9;
            long[][] rows = randomRows(model.config().vocabSize(), batch, seq + 1);
            switch (task) {
                case "load":
                    tokensPerSecond = 0;
                    break;
                case "forward":
                    tokensPerSecond = medianTokensPerSecond(iterations, batch * seq, () -> forward(model, rows, seq));
                    break;
                case "score": {
                    LoglikelihoodScorer scorer = new LoglikelihoodScorer(model, LinearAdapter.NONE, batch);
                    List<ScoringWindow> windows = new ArrayList<>();
                    for (long[] row : rows) {
                        windows.add(new ScoringWindow(row, SCORED, SCORED));
                    }
                    tokensPerSecond = medianTokensPerSecond(iterations, batch * seq, () -> scorer.scoreBatch(windows));
                    break;
                }
                case "importance": {
                    List<long[]> samples = List.of(rows);
                    CalibrationSet calibration = new CalibrationSet(samples,
                            new CalibrationSource("random", batch, seq + 1, null, List.of()));
                    tokensPerSecond = medianTokensPerSecond(iterations, batch * seq,
                            () -> ImportanceScorer.score(model, calibration, Estimator.TAYLOR_ELEMENT1, 0, StageContext.none()));
                    break;
                }
                case "lora":
                    tokensPerSecond = LoraTrainBench.measure(model, batch, seq, iterations);
                    break;
                default:
                    throw new IllegalArgumentException("unknown task " + task);
            }
        }
        System.out.println(String.format(Locale.ROOT,
                "{\"impl\": \"djl\", \"task\": \"%s\", \"model\": \"%s\", \"batch\": %d, \"seq\": %d, \"threads\": %d,"
                        + " \"tokens_per_s\": %.2f, \"load_s\": %.2f, \"peak_rss_bytes\": %d, \"loadavg\": %s}",
                task, modelDir.getFileName(), batch, seq, threads, tokensPerSecond, loadSeconds, peakRss(), loadAverage()));
    }

    private static void forward(LlamaModel model, long[][] rows, int seq) {
        try (NDManager manager = model.manager().newSubManager(); NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            long[] flat = new long[rows.length * (seq + 1)];
            for (int b = 0; b < rows.length; b++) {
                System.arraycopy(rows[b], 0, flat, b * (seq + 1), seq + 1);
            }
            NDArray ids = manager.create(flat, new Shape(rows.length, seq + 1));
            NDArray logits = model.logits(ids.get(":, :-1"));
            LlamaModel.targetLogProbs(logits, ids.get(":, 1:")).toType(DataType.FLOAT64, false).sum().getDouble();
        }
    }

    static long[][] randomRows(int vocab, int batch, int length) {
        SplittableRandom random = new SplittableRandom(0);
        long[][] rows = new long[batch][length];
        for (long[] row : rows) {
            for (int t = 0; t < length; t++) {
                row[t] = random.nextInt(vocab);
            }
        }
        return rows;
    }

    /**
     * Tokens per second from the median call after two warm-ups, as {@link ForwardBench#time} measures it. With
     * BENCH_PROFILE=FILE the timed calls instead run once, after one warm-up, under libtorch's autograd profiler,
     * which writes a chrome trace of every op (with shapes) to FILE for bench/python/profile_summary.py.
     */
    static double medianTokensPerSecond(int iterations, int tokens, Runnable body) {
        String profile = System.getenv("BENCH_PROFILE");
        if (profile == null || profile.isEmpty()) {
            return tokens / ForwardBench.time(iterations, body);
        }
        body.run();
        long start = System.nanoTime();
        JniUtils.startProfile(false, true, false);
        try {
            body.run();
        } finally {
            JniUtils.stopProfile(profile);
        }
        return tokens / ((System.nanoTime() - start) / 1e9);
    }

    /** VmHWM: the process's peak resident set, in bytes. */
    static long peakRss() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        return -1;
    }

    static String loadAverage() throws Exception {
        return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    }
}
