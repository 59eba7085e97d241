package org.rankadaptor.search;

import java.util.List;

/**
 * Maps scores to the units the {@link Mlp} learns, (score - mean) / scale, and its outputs back.
 *
 * @param mean  score that maps to 0
 * @param scale score difference that maps to 1
 */
record TargetScaling(double mean, double scale) {

    /** No scaling: a fresh model, or a meta-learned one before its first fit. */
    static final TargetScaling IDENTITY = new TargetScaling(0, 1);

    float normalise(double score) {
        return (float) ((score - mean) / scale);
    }

    float denormalise(float output) {
        return (float) (output * scale + mean);
    }

    /** z-score of the samples' scores (sample standard deviation; 1 when it is ~0 or there is one point). */
    static TargetScaling standardise(List<Sample> samples) {
        double mean = meanScore(samples);
        return new TargetScaling(mean, spreadOrOne(samples, mean));
    }

    /**
     * For meta-learned weights, which already predict a task's normalised score shape, so only its mean and scale
     * are unknown: least squares of score on {@code normalisedPredictions} gives them even from three points. When
     * that fit is useless (too few points, flat or inverted predictions) this is {@link #standardise}; the slope is
     * clamped to [0.25, 4] times the points' spread.
     */
    static TargetScaling calibrate(List<Sample> samples, float[] normalisedPredictions) {
        int n = samples.size();
        double meanY = meanScore(samples);
        double spread = spreadOrOne(samples, meanY);
        TargetScaling zScore = new TargetScaling(meanY, spread);
        if (n < 3) {
            return zScore;
        }
        float[] g = normalisedPredictions;
        double meanG = 0;
        for (float v : g) {
            meanG += v;
        }
        meanG /= n;
        double cov = 0;
        double varG = 0;
        for (int i = 0; i < n; i++) {
            double dg = g[i] - meanG;
            cov += dg * (samples.get(i).score() - meanY);
            varG += dg * dg;
        }
        if (varG < 1e-10) {
            return zScore;
        }
        double slope = cov / varG;
        if (slope <= 0) {
            return zScore;
        }
        double clamped = Math.max(0.25 * spread, Math.min(4 * spread, slope));
        return new TargetScaling(meanY - clamped * meanG, clamped);
    }

    private static double meanScore(List<Sample> samples) {
        double mean = 0;
        for (Sample s : samples) {
            mean += s.score();
        }
        return mean / samples.size();
    }

    private static double spreadOrOne(List<Sample> samples, double mean) {
        double var = 0;
        for (Sample s : samples) {
            var += (s.score() - mean) * (s.score() - mean);
        }
        double sd = samples.size() > 1 ? Math.sqrt(var / (samples.size() - 1)) : 0;
        return sd > 1e-9 ? sd : 1.0;
    }
}
