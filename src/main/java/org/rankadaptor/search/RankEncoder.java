package org.rankadaptor.search;

/**
 * Turns a per-layer rank vector into performance-model input: each rank mapped to (r - min) / (max - min), so the
 * candidate range lands in [0, 1], optionally followed by fixed per-layer pruning features (e.g. the kept fraction of
 * each layer), which let one model (or a meta-learned init) tell apart models pruned differently.
 */
public record RankEncoder(int layerCount, int minRank, int maxRank, float[] layerFeatures) {

    public RankEncoder {
        if (layerCount <= 0) {
            throw new SearchException("rank encoder: layerCount must be positive, got " + layerCount);
        }
        if (maxRank <= minRank) {
            throw new SearchException("rank encoder: need maxRank > minRank, got " + minRank + ".." + maxRank);
        }
        layerFeatures = layerFeatures.clone();
    }

    /** Ranks only, scaled by the space's rank range. */
    public static RankEncoder forSpace(SearchSpace space) {
        return new RankEncoder(space.layerCount(), space.minRank(), space.maxRank(), new float[0]);
    }

    /** Ranks followed by the given per-layer pruning features (one or more per layer, any fixed length). */
    public RankEncoder withLayerFeatures(float[] features) {
        return new RankEncoder(layerCount, minRank, maxRank, features);
    }

    @Override
    public float[] layerFeatures() {
        return layerFeatures.clone();
    }

    public int featureCount() {
        return layerCount + layerFeatures.length;
    }

    public float[] encode(int[] ranks) {
        float[] out = new float[featureCount()];
        encodeInto(ranks, out, 0);
        return out;
    }

    /** Row-major features of many configurations, ready for {@link PerformanceModel#predict(float[])}. */
    public float[] encodeAll(int[][] configurations) {
        int width = featureCount();
        float[] out = new float[configurations.length * width];
        for (int c = 0; c < configurations.length; c++) {
            encodeInto(configurations[c], out, c * width);
        }
        return out;
    }

    private void encodeInto(int[] ranks, float[] out, int offset) {
        if (ranks.length != layerCount) {
            throw new SearchException("rank encoder: rank vector has " + ranks.length + " entries, expected "
                    + layerCount);
        }
        float span = maxRank - minRank;
        for (int l = 0; l < layerCount; l++) {
            out[offset + l] = (ranks[l] - minRank) / span;
        }
        System.arraycopy(layerFeatures, 0, out, offset + layerCount, layerFeatures.length);
    }
}
