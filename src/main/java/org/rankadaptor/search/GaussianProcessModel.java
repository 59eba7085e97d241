package org.rankadaptor.search;

import java.util.List;
import org.rankadaptor.stage.StageContext;

/**
 * Noise-aware surrogate: a Gaussian process on the encoded features with kernel
 * k(x, x') = exp(-|x - x'|^2 / (2 l^2)) on standardised targets plus a noise variance s^2 on the diagonal. The
 * length scale l and the noise s^2 are chosen by the log marginal likelihood over a small grid, so repeated
 * measurements of one configuration teach it the noise instead of being interpolated. Predictive sd includes
 * the noise (it is the spread of a new measurement).
 */
final class GaussianProcessModel implements PredictiveModel {
    private static final double[] LENGTH_SCALES = {0.15, 0.25, 0.4, 0.6, 1.0, 1.6, 2.5};
    private static final double[] NOISE_VARIANCES = {0.01, 0.03, 0.1, 0.3, 0.6, 1.0};

    private float[][] inputs;
    private double[] alpha;
    private double[][] cholesky;
    private double targetMean;
    private double targetScale;
    private double lengthScale;
    private double noiseVariance;

    @Override
    public void fit(List<Sample> samples, StageContext ctx) {
        int n = samples.size();
        inputs = new float[n][];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            inputs[i] = samples.get(i).features();
            y[i] = samples.get(i).score();
        }
        targetMean = 0;
        for (double v : y) {
            targetMean += v / n;
        }
        double var = 0;
        for (double v : y) {
            var += (v - targetMean) * (v - targetMean) / n;
        }
        targetScale = var > 0 ? Math.sqrt(var) : 1;
        double[] z = new double[n];
        for (int i = 0; i < n; i++) {
            z[i] = (y[i] - targetMean) / targetScale;
        }
        double bestEvidence = Double.NEGATIVE_INFINITY;
        for (double l : LENGTH_SCALES) {
            for (double noise : NOISE_VARIANCES) {
                ctx.checkCancelled("gp-fit");
                double[][] chol = Linear.cholesky(kernelMatrix(l, noise));
                double[] a = Linear.backward(chol, Linear.forward(chol, z));
                double evidence = 0;
                for (int i = 0; i < n; i++) {
                    evidence -= 0.5 * z[i] * a[i] + Math.log(chol[i][i]);
                }
                if (evidence > bestEvidence) {
                    bestEvidence = evidence;
                    lengthScale = l;
                    noiseVariance = noise;
                    cholesky = chol;
                    alpha = a;
                }
            }
        }
    }

    @Override
    public Prediction predict(float[][] rows) {
        double[] mean = new double[rows.length];
        double[] std = new double[rows.length];
        for (int r = 0; r < rows.length; r++) {
            double[] k = new double[inputs.length];
            double m = 0;
            for (int i = 0; i < inputs.length; i++) {
                k[i] = kernel(rows[r], inputs[i], lengthScale);
                m += k[i] * alpha[i];
            }
            double[] v = Linear.forward(cholesky, k);
            double variance = 1 + noiseVariance;
            for (double x : v) {
                variance -= x * x;
            }
            mean[r] = targetMean + targetScale * m;
            std[r] = targetScale * Math.sqrt(Math.max(variance, noiseVariance));
        }
        return new Prediction(mean, std);
    }

    double lengthScale() {
        return lengthScale;
    }

    double noiseVariance() {
        return noiseVariance;
    }

    private double[][] kernelMatrix(double l, double noise) {
        int n = inputs.length;
        double[][] k = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                k[i][j] = kernel(inputs[i], inputs[j], l);
                k[j][i] = k[i][j];
            }
            k[i][i] += noise + 1e-9;
        }
        return k;
    }

    private static double kernel(float[] a, float[] b, double l) {
        double d = 0;
        for (int j = 0; j < a.length; j++) {
            d += (a[j] - b[j]) * (a[j] - b[j]);
        }
        return Math.exp(-d / (2 * l * l));
    }
}
