package org.rankadaptor.bench;

import java.util.SplittableRandom;
import org.rankadaptor.search.ModelConfig;
import org.rankadaptor.search.PerformanceModel;
import org.rankadaptor.search.RankEncoder;
import org.rankadaptor.search.RankSampler;
import org.rankadaptor.search.SearchSpace;

/**
 * Batched prediction throughput of the default 32-32-32-1 performance model on a 32-layer rank vector.
 * Run: {@code mvn -o -q test-compile dependency:build-classpath -Dmdep.outputFile=cp.txt} then
 * {@code java -cp target/test-classes:target/classes:$(cat cp.txt) org.rankadaptor.bench.PerformanceModelBench}.
 * Optional args: layers (default 32), batch size (default 1000000), repeats (default 5).
 */
public final class PerformanceModelBench {
    private PerformanceModelBench() {
    }

    public static void main(String[] args) {
        int layers = args.length > 0 ? Integer.parseInt(args[0]) : 32;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        SearchSpace space = SearchSpace.allLayers(layers);
        RankEncoder encoder = RankEncoder.forSpace(space);
        PerformanceModel model = PerformanceModel.create(encoder.featureCount(), ModelConfig.defaults());
        RankSampler sampler = new RankSampler(space);
        long t0 = System.nanoTime();
        int[][] configs = sampler.sample(new SplittableRandom(1), batch);
        float[] features = encoder.encodeAll(configs);
        double sampleSeconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("sampled+encoded %d configurations of %d layers in %.3f s (%.0f configs/s)%n",
                batch, layers, sampleSeconds, batch / sampleSeconds);
        model.predictFlat(features); // warm-up: loads natives, JIT
        double best = 0;
        double sum = 0;
        for (int r = 0; r < repeats; r++) {
            long start = System.nanoTime();
            float[] out = model.predictFlat(features);
            double seconds = (System.nanoTime() - start) / 1e9;
            double rate = out.length / seconds;
            best = Math.max(best, rate);
            sum += rate;
            System.out.printf("repeat %d: %d predictions in %.3f s = %.0f configurations/s%n", r, out.length,
                    seconds, rate);
        }
        System.out.printf("PerformanceModel batched prediction: mean %.0f configurations/s, best %.0f configurations/s"
                + " (%d layers, hidden 32-32-32, %d threads available)%n", sum / repeats, best, layers,
                Runtime.getRuntime().availableProcessors());
    }
}
