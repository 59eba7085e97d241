package org.rankadaptor.search;

/** One training point of the performance model: encoded features and the measured score. */
public record Sample(float[] features, double score) {
    public Sample {
        features = features.clone();
        if (Double.isNaN(score) || Double.isInfinite(score)) {
            throw new SearchException("sample score must be finite, got " + score);
        }
    }

    @Override
    public float[] features() {
        return features.clone();
    }

    int featureCount() {
        return features.length;
    }

    float feature(int i) {
        return features[i];
    }
}
