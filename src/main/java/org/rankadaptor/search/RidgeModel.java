package org.rankadaptor.search;

import java.util.List;
import org.rankadaptor.stage.StageContext;

/**
 * Linear baseline: ridge regression y = b + w . z on features z standardised with the training mean and sd
 * (constant features dropped), penalty {@code lambda} * |w|^2, intercept unpenalised. Its spread is the training
 * residual standard deviation (ddof = number of fitted coefficients), the same for every row.
 */
final class RidgeModel implements PredictiveModel {
    private final double lambda;
    private double[] featureMean;
    private double[] featureScale;
    private double[] weights;
    private double intercept;
    private double residualStd;

    RidgeModel(double lambda) {
        this.lambda = lambda;
    }

    @Override
    public void fit(List<Sample> samples, StageContext ctx) {
        int n = samples.size();
        int d = samples.get(0).featureCount();
        featureMean = new double[d];
        featureScale = new double[d];
        for (Sample s : samples) {
            for (int j = 0; j < d; j++) {
                featureMean[j] += s.feature(j) / (double) n;
            }
        }
        for (Sample s : samples) {
            for (int j = 0; j < d; j++) {
                featureScale[j] += Math.pow(s.feature(j) - featureMean[j], 2) / n;
            }
        }
        for (int j = 0; j < d; j++) {
            featureScale[j] = Math.sqrt(featureScale[j]);
        }
        double yMean = samples.stream().mapToDouble(Sample::score).average().orElseThrow();
        double[][] a = new double[d][d];
        double[] b = new double[d];
        for (Sample s : samples) {
            double[] z = standardise(s.features());
            for (int i = 0; i < d; i++) {
                b[i] += z[i] * (s.score() - yMean);
                for (int j = 0; j < d; j++) {
                    a[i][j] += z[i] * z[j];
                }
            }
        }
        for (int i = 0; i < d; i++) {
            a[i][i] += lambda;
        }
        weights = Linear.solveSymmetric(a, b);
        intercept = yMean;
        double squares = 0;
        int used = 1;
        for (int j = 0; j < d; j++) {
            used += featureScale[j] > 0 ? 1 : 0;
        }
        for (Sample s : samples) {
            squares += Math.pow(s.score() - predictOne(s.features()), 2);
        }
        residualStd = n > used ? Math.sqrt(squares / (n - used)) : Double.NaN;
    }

    @Override
    public Prediction predict(float[][] rows) {
        double[] mean = new double[rows.length];
        double[] std = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
            mean[i] = predictOne(rows[i]);
            std[i] = residualStd;
        }
        return new Prediction(mean, std);
    }

    double[] weights() {
        return weights.clone();
    }

    double intercept() {
        return intercept;
    }

    private double predictOne(float[] features) {
        double[] z = standardise(features);
        double y = intercept;
        for (int j = 0; j < z.length; j++) {
            y += weights[j] * z[j];
        }
        return y;
    }

    private double[] standardise(float[] features) {
        double[] z = new double[features.length];
        for (int j = 0; j < z.length; j++) {
            z[j] = featureScale[j] > 0 ? (features[j] - featureMean[j]) / featureScale[j] : 0;
        }
        return z;
    }
}
