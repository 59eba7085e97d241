package org.rankadaptor.search;

import java.util.SplittableRandom;

/**
 * How much each layer's rank matters to the performance model: permutation importance. Over a sample of feasible
 * configurations, one layer's ranks are shuffled among the rows and the model predicts again; the layer's importance
 * is the mean absolute change of the prediction (in objective units). A layer whose rank the model ignores scores 0.
 * Layers outside the search keep their fixed rank and score 0.
 */
public final class LayerImportance {
    /** Configurations drawn from the space; enough for a stable mean without a noticeable pause. */
    public static final int DEFAULT_SAMPLES = 512;

    private LayerImportance() {
    }

    /** One value per layer (0-based index), in objective units. */
    public static double[] permutation(PerformanceEnsemble model, RankEncoder encoder, SearchSpace space, int samples,
                                       long seed) {
        if (samples < 2) {
            throw new SearchException("layer importance: need at least 2 sampled configurations, got " + samples);
        }
        SplittableRandom random = new SplittableRandom(seed);
        int[][] rows = new RankSampler(space).sample(random, samples);
        float[] base = model.predict(encoder.encodeAll(rows)).mean();
        double[] importance = new double[space.layerCount()];
        for (int layer : space.searchedLayers()) {
            int[][] shuffled = new int[rows.length][];
            for (int r = 0; r < rows.length; r++) {
                shuffled[r] = rows[r].clone();
            }
            for (int r = rows.length - 1; r > 0; r--) { // Fisher-Yates over this layer's column
                int other = random.nextInt(r + 1);
                int swap = shuffled[r][layer];
                shuffled[r][layer] = shuffled[other][layer];
                shuffled[other][layer] = swap;
            }
            float[] permuted = model.predict(encoder.encodeAll(shuffled)).mean();
            double sum = 0;
            for (int r = 0; r < rows.length; r++) {
                sum += Math.abs(permuted[r] - base[r]);
            }
            importance[layer] = sum / rows.length;
        }
        return importance;
    }
}
