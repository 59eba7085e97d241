package org.rankadaptor.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import org.rankadaptor.lora.AdamW;
import org.rankadaptor.lora.LanguageModelLoss;
import org.rankadaptor.lora.LoraAdapter;
import org.rankadaptor.lora.LoraSettings;
import org.rankadaptor.lora.RankPlan;
import org.rankadaptor.lora.TrainingExample;
import org.rankadaptor.model.CheckpointLoader;
import org.rankadaptor.model.LayerWeights;
import org.rankadaptor.model.LlamaConfig;
import org.rankadaptor.model.LlamaModel;
import org.rankadaptor.model.LlamaWeights;
import org.rankadaptor.model.Projection;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * LoRA training throughput (forward + backward + AdamW, rank 8 on all seven projections, dropout 0.05), in input
 * tokens per second, on (1) stories260K with a micro-batch of 4 x 256 tokens and (2) one 7B-shaped decoder layer
 * (dim 4096, 32 heads, ffn 11008, vocab 512, random weights) with 1 x 256 tokens. Same math as
 * bench/python/lora_train_peer.py. Usage: LoraTrainBench [STORIES260K_DIR] [timed steps].
 */
public final class LoraTrainBench {
    public static void main(String[] args) {
        Path stories = Path.of(args.length > 0 ? args[0] : System.getenv().getOrDefault("RANKADAPTOR_DATA", "../shared/data")
                + (args.length > 0 ? "" : "/models/stories260K"));
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        try (LlamaModel model = CheckpointLoader.load(stories)) {
            report("stories260K b4 s256", measure(model, 4, 256, steps * 4));
        }
        LlamaConfig layer7b = LlamaConfig.uniform(4096, 1, 32, 32, 11008, 512, false);
        try (LlamaModel model = randomModel(layer7b, 1)) {
            report("7B-shaped layer b1 s256", measure(model, 1, 256, steps));
        }
    }

    private static void report(String name, double tokensPerSecond) {
        System.out.printf(Locale.ROOT, "java %-26s %10.1f tokens/s%n", name, tokensPerSecond);
    }

    /** Tokens per second over {@code steps} timed steps after 2 warm-up steps. */
    static double measure(LlamaModel model, int batch, int seq, int steps) {
        LoraAdapter adapter = LoraAdapter.create(model, RankPlan.uniform(model.config(), LoraSettings.ALL_TARGETS, 8),
                LoraSettings.defaults(), 1);
        adapter.train();
        try (NDManager state = model.manager().newSubManager()) {
            AdamW optimizer = new AdamW(adapter.parameters(), AdamW.Settings.defaults(), state);
            SplittableRandom random = new SplittableRandom(1);
            List<TrainingExample> examples = new ArrayList<>();
            for (int b = 0; b < batch; b++) {
                long[] ids = new long[seq];
                for (int t = 0; t < seq; t++) {
                    ids[t] = random.nextInt(model.config().vocabSize());
                }
                examples.add(new TrainingExample(ids, ids.clone()));
            }
            // BENCH_PROFILE=FILE: the timed steps run under libtorch's profiler (chrome trace, as ScaleBench writes)
            String profile = System.getenv("BENCH_PROFILE");
            boolean profiling = profile != null && !profile.isEmpty();
            long start = 0;
            for (int step = 0; step < steps + 2; step++) {
                if (step == 2) {
                    start = System.nanoTime();
                    if (profiling) {
                        JniUtils.startProfile(false, true, false);
                    }
                }
                try (NDManager manager = model.manager().newSubManager(); NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    LanguageModelLoss.Batch b = LanguageModelLoss.batch(manager, examples, 0);
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        NDArray loss = LanguageModelLoss.nllSum(model, adapter, b).div(b.lossTokens());
                        collector.backward(loss);
                    }
                    optimizer.step(1e-4);
                    optimizer.zeroGradients();
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            if (profiling) {
                JniUtils.stopProfile(profile);
            }
            return (double) batch * seq * steps / seconds;
        } finally {
            adapter.close();
        }
    }

    /** A random model held in memory (no checkpoint on disk), weights normal(0, 0.02), norms 1. */
    static LlamaModel randomModel(LlamaConfig config, long seed) {
        Engine.getInstance().setRandomSeed((int) seed);
        NDManager manager = NDManager.newBaseManager();
        int hidden = config.hiddenSize();
        NDArray embed = manager.randomNormal(0, 0.02f, new Shape(config.vocabSize(), hidden), DataType.FLOAT32);
        List<LayerWeights> layers = new ArrayList<>();
        for (int i = 0; i < config.numLayers(); i++) {
            NDArray[] p = new NDArray[Projection.values().length];
            for (Projection projection : Projection.values()) {
                p[projection.ordinal()] = manager.randomNormal(0, 0.02f, new Shape(projection.weightShape(config, i)),
                        DataType.FLOAT32);
            }
            layers.add(new LayerWeights(manager.ones(new Shape(hidden)), p[0], p[1], p[2], p[3],
                    manager.ones(new Shape(hidden)), p[4], p[5], p[6]));
        }
        NDArray head = manager.randomNormal(0, 0.02f, new Shape(config.vocabSize(), hidden), DataType.FLOAT32);
        return new LlamaModel(config, new LlamaWeights(manager, embed, layers, manager.ones(new Shape(hidden)), head));
    }
}
