package org.rankadaptor.search;

import org.junit.jupiter.api.Test;
import org.rankadaptor.stage.StageContext;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LayerImportanceTest {
    private static final SearchSpace SPACE = SearchSpace.allLayers(4);
    private static final RankEncoder ENCODER = RankEncoder.forSpace(SPACE);

    /** A model fitted to a score that only layer 3 (index 2) drives ranks that layer far above the others. */
    @Test
    void theLayerThatDrivesTheScoreRanksFirst() {
        List<Sample> samples = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(5);
        RankSampler sampler = new RankSampler(SPACE);
        for (int i = 0; i < 60; i++) {
            int[] ranks = sampler.sample(random);
            samples.add(new Sample(ENCODER.encode(ranks), ranks[2] / 4.0));
        }
        PerformanceEnsemble model = PerformanceEnsemble.create(
                ModelFactory.coldStart(ENCODER.featureCount(), ModelConfig.defaults().withSeed(3)), 2);
        model.fit(samples, StageContext.none());

        double[] importance = LayerImportance.permutation(model, ENCODER, SPACE, 256, 7);
        assertEquals(4, importance.length);
        for (int layer : new int[] {0, 1, 3}) {
            assertTrue(importance[2] > 3 * importance[layer], "layer 3 " + importance[2] + " vs layer "
                    + (layer + 1) + " " + importance[layer]);
        }
        assertEquals(importance[2], LayerImportance.permutation(model, ENCODER, SPACE, 256, 7)[2], 0.0, "seeded");
    }

    @Test
    void layersOutsideTheSearchScoreZero() {
        SearchSpace partial = SearchSpace.unconstrained(4, new int[] {1, 2});
        RankEncoder encoder = RankEncoder.forSpace(partial);
        PerformanceEnsemble model = PerformanceEnsemble.create(
                ModelFactory.coldStart(encoder.featureCount(), ModelConfig.defaults().withSeed(3)), 1);
        double[] importance = LayerImportance.permutation(model, encoder, partial, 64, 1);
        assertEquals(0.0, importance[0]);
        assertEquals(0.0, importance[3]);
        assertThrows(SearchException.class, () -> LayerImportance.permutation(model, encoder, partial, 1, 1));
    }
}
