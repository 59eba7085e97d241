package org.rankadaptor.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.rankadaptor.model.LlamaModel;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Forward and forward+backward tokens/s of the LLaMA implementation. Usage:
 * ForwardBench MODEL_DIR|7b-layer BATCH SEQ ITERATIONS. Prints one JSON line; bench/python/forward_peer.py is the
 * PyTorch eager peer with the same shapes and math.
 */
public final class ForwardBench {
    public static void main(String[] args) {
        System.setProperty("DJL_OFFLINE", "true");
        String which = args[0];
        int batch = Integer.parseInt(args[1]);
        int seq = Integer.parseInt(args[2]);
        int iterations = Integer.parseInt(args[3]);
        try (LlamaModel model = BenchModels.open(which); NDManager m = model.manager().newSubManager()) {
            long[] ids = new long[batch * seq];
            SplittableRandom random = new SplittableRandom(0);
            for (int i = 0; i < ids.length; i++) {
                ids[i] = random.nextInt(model.config().vocabSize());
            }
            NDArray input = m.create(ids, new Shape(batch, seq));
            NDArray targets = m.create(ids, new Shape(batch, seq));
            double forward = time(iterations, () -> {
                try (NDScope s = new NDScope()) {
                    s.suppressNotUsedWarning();
                    model.logits(input).sum().getFloat();
                }
            });
            model.weights().allArrays().forEach(a -> a.setRequiresGradient(true));
            double backward = time(iterations, () -> {
                try (NDScope s = new NDScope(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    s.suppressNotUsedWarning();
                    NDArray loss = LlamaModel.targetLogProbs(model.logits(input), targets).mean().neg();
                    gc.backward(loss);
                    for (NDArray w : model.weights().allArrays()) {
                        NDArray g = w.getGradient();
                        g.subi(g);
                    }
                }
            });
            double tokens = (double) batch * seq;
            System.out.printf("{\"impl\":\"djl\",\"model\":\"%s\",\"batch\":%d,\"seq\":%d,\"threads\":%d,"
                            + "\"forward_tokens_per_s\":%.1f,\"forward_backward_tokens_per_s\":%.1f}%n",
                    which.contains("/") ? which.substring(which.lastIndexOf('/') + 1) : which, batch, seq,
                    Integer.parseInt(System.getenv().getOrDefault("OMP_NUM_THREADS", "" + Runtime.getRuntime().availableProcessors())), tokens / forward, tokens / backward);
        }
    }

    /** Median seconds of one call over the iterations, after two warm-up calls. */
    static double time(int iterations, Runnable body) {
        body.run();
        body.run();
        double[] seconds = new double[iterations];
        for (int i = 0; i < iterations; i++) {
            long start = System.nanoTime();
            body.run();
            seconds[i] = (System.nanoTime() - start) / 1e9;
        }
        Arrays.sort(seconds);
        return BenchModels.percentile(seconds, 0.5);
    }
}
