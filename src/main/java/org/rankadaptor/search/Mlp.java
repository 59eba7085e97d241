package org.rankadaptor.search;

import java.util.Random;

/**
 * The network of a {@link PerformanceModel}: a ReLU MLP whose weights live in Java arrays (row-major
 * {@code [in][out]} per layer), so copying, serialising and Reptile's interpolation are plain array work and no
 * NDArray outlives a call. Inputs and outputs are in normalised target units; {@link TargetScaling} maps them back.
 *
 * <p>{@link #predict} runs batches under {@value #JAVA_PREDICT_MAX_ROWS} rows in Java and larger ones on PyTorch
 * ({@link DjlMlp}).
 */
final class Mlp {

    /** Below this many rows the Java forward pass beats the JNI round trips. */
    static final int JAVA_PREDICT_MAX_ROWS = 16_384;

    private final int[] widths;
    final float[][] weights;
    final float[][] biases;

    /** All-zero parameters: input, hidden widths, then one output. */
    Mlp(int inputSize, int[] hiddenSizes) {
        if (inputSize <= 0) {
            throw new SearchException("performance model: inputSize must be positive, got " + inputSize);
        }
        widths = new int[hiddenSizes.length + 2];
        widths[0] = inputSize;
        System.arraycopy(hiddenSizes, 0, widths, 1, hiddenSizes.length);
        widths[widths.length - 1] = 1;
        int layers = widths.length - 1;
        weights = new float[layers][];
        biases = new float[layers][];
        for (int i = 0; i < layers; i++) {
            weights[i] = new float[widths[i] * widths[i + 1]];
            biases[i] = new float[widths[i + 1]];
        }
    }

    /** Weights and biases drawn from {@code seed} as PyTorch's default init: uniform(+-1/sqrt(fan_in)). */
    static Mlp initialised(int inputSize, int[] hiddenSizes, long seed) {
        Mlp net = new Mlp(inputSize, hiddenSizes);
        Random random = new Random(seed);
        for (int i = 0; i < net.weights.length; i++) {
            double bound = 1.0 / Math.sqrt(net.widths[i]);
            for (int j = 0; j < net.weights[i].length; j++) {
                net.weights[i][j] = (float) ((random.nextDouble() * 2 - 1) * bound);
            }
            for (int j = 0; j < net.biases[i].length; j++) {
                net.biases[i][j] = (float) ((random.nextDouble() * 2 - 1) * bound);
            }
        }
        return net;
    }

    int inputSize() {
        return widths[0];
    }

    int layerCount() {
        return weights.length;
    }

    /** Input width of layer {@code i}; {@code width(layerCount())} is the output width 1. */
    int width(int i) {
        return widths[i];
    }

    /** A net of the same shape with all parameters zero (gradient and optimiser-moment buffers). */
    Mlp zerosLike() {
        int[] hidden = new int[widths.length - 2];
        System.arraycopy(widths, 1, hidden, 0, hidden.length);
        return new Mlp(widths[0], hidden);
    }

    Mlp copy() {
        Mlp c = zerosLike();
        c.copyFrom(this);
        return c;
    }

    void copyFrom(Mlp other) {
        for (int i = 0; i < weights.length; i++) {
            System.arraycopy(other.weights[i], 0, weights[i], 0, weights[i].length);
            System.arraycopy(other.biases[i], 0, biases[i], 0, biases[i].length);
        }
    }

    /** Moves every parameter a fraction of the way toward {@code other}'s (Reptile's outer step). */
    void moveToward(Mlp other, double fraction) {
        for (int i = 0; i < weights.length; i++) {
            lerp(weights[i], other.weights[i], fraction);
            lerp(biases[i], other.biases[i], fraction);
        }
    }

    /** Outputs of row-major {@code flat} ({@code rows} x inputSize), on PyTorch for large batches. */
    float[] predict(float[] flat, int rows) {
        return rows < JAVA_PREDICT_MAX_ROWS ? forward(flat, rows, null) : DjlMlp.predict(this, flat, rows);
    }

    /** Mean squared error of the Java forward pass against {@code y}. */
    double meanSquaredError(float[] flatX, float[] y) {
        float[] out = forward(flatX, y.length, null);
        double sum = 0;
        for (int r = 0; r < y.length; r++) {
            sum += (out[r] - y[r]) * (out[r] - y[r]);
        }
        return sum / y.length;
    }

    /**
     * Forward pass in Java. When {@code activations} is given, layer inputs are stored there for backprop
     * (activations[0] = x, activations[i] = ReLU output of layer i-1).
     */
    float[] forward(float[] flatX, int rows, float[][] activations) {
        float[] h = flatX;
        for (int i = 0; i < weights.length; i++) {
            if (activations != null) {
                activations[i] = h;
            }
            int in = widths[i];
            int outW = widths[i + 1];
            float[] w = weights[i];
            float[] b = biases[i];
            float[] next = new float[rows * outW];
            boolean hidden = i < weights.length - 1;
            for (int r = 0; r < rows; r++) {
                int nOff = r * outW;
                System.arraycopy(b, 0, next, nOff, outW);
                int hOff = r * in;
                for (int j = 0; j < in; j++) {
                    float hj = h[hOff + j];
                    if (hj == 0) {
                        continue;
                    }
                    addScaled(hj, w, j * outW, next, nOff, outW);
                }
                if (hidden) {
                    for (int k = 0; k < outW; k++) {
                        if (next[nOff + k] < 0) {
                            next[nOff + k] = 0;
                        }
                    }
                }
            }
            h = next;
        }
        return h;
    }

    /** {@code y[yOff + k] += alpha * x[xOff + k]} for k below {@code n}: one row of a matrix product. */
    static void addScaled(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        for (int k = 0; k < n; k++) {
            y[yOff + k] += alpha * x[xOff + k];
        }
    }

    private static void lerp(float[] target, float[] toward, double fraction) {
        for (int j = 0; j < target.length; j++) {
            target[j] += (float) (fraction * (toward[j] - target[j]));
        }
    }
}
