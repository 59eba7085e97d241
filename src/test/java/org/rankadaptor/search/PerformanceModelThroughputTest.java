package org.rankadaptor.search;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Batched prediction speed on the 2-core CPU: at least 1e6 configurations per second (32 layers, 32-32-32-1).
 * Tagged slow (excluded by default) because wall-clock figures on a shared machine swing with its load; run with
 * {@code mvn -o -q test -Dtest=PerformanceModelThroughputTest -Dsurefire.excludedGroups=none}.
 */
@Tag("slow")
class PerformanceModelThroughputTest {

    @Test
    void predictsAMillionConfigurationsPerSecond() {
        SearchSpace space = SearchSpace.allLayers(32);
        RankEncoder encoder = RankEncoder.forSpace(space);
        PerformanceModel model = PerformanceModel.create(encoder.featureCount(), ModelConfig.defaults());
        float[] features = encoder.encodeAll(new RankSampler(space).sample(new SplittableRandom(1), 1_000_000));
        model.predictFlat(features);
        double best = 0;
        for (int r = 0; r < 5; r++) {
            long start = System.nanoTime();
            int n = model.predictFlat(features).length;
            best = Math.max(best, n / ((System.nanoTime() - start) / 1e9));
        }
        System.out.printf("best of 5: %.0f configurations/s%n", best);
        assertTrue(best >= 1e6, "prediction throughput " + best + " configurations/s is below 1e6");
    }
}
