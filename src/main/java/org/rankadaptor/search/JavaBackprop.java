package org.rankadaptor.search;

import java.util.Arrays;

/** Hand-written backprop over the Java arrays of an {@link Mlp} (see {@link ModelConfig.TrainingBackend#JAVA}). */
final class JavaBackprop implements GradientBackend {

    @Override
    public double lossAndGradient(Mlp net, float[] flatX, float[] y, Mlp gradient) {
        int layers = net.layerCount();
        int rows = y.length;
        float[][] activations = new float[layers + 1][];
        float[] out = net.forward(flatX, rows, activations);
        float[] delta = new float[rows];
        double loss = 0;
        for (int r = 0; r < rows; r++) {
            double e = out[r] - y[r];
            loss += e * e;
            delta[r] = (float) (2 * e / rows);
        }
        for (int i = layers - 1; i >= 0; i--) {
            int in = net.width(i);
            int outW = net.width(i + 1);
            float[] a = activations[i];
            float[] gw = gradient.weights[i];
            float[] gb = gradient.biases[i];
            Arrays.fill(gw, 0);
            Arrays.fill(gb, 0);
            for (int r = 0; r < rows; r++) {
                int dOff = r * outW;
                int aOff = r * in;
                for (int k = 0; k < outW; k++) {
                    gb[k] += delta[dOff + k];
                }
                for (int j = 0; j < in; j++) {
                    float aj = a[aOff + j];
                    if (aj == 0) {
                        continue;
                    }
                    Mlp.addScaled(aj, delta, dOff, gw, j * outW, outW);
                }
            }
            if (i == 0) {
                break;
            }
            delta = backThroughLayer(net.weights[i], delta, a, rows, in, outW);
        }
        return loss / rows;
    }

    /** Delta at the input of layer i from the delta at its output, gated by the ReLU that produced {@code a}. */
    private static float[] backThroughLayer(float[] w, float[] delta, float[] a, int rows, int in, int outW) {
        float[] previous = new float[rows * in];
        for (int r = 0; r < rows; r++) {
            int dOff = r * outW;
            for (int j = 0; j < in; j++) {
                if (a[r * in + j] <= 0) {
                    continue; // ReLU gate: activation of layer i-1 was clipped
                }
                int wOff = j * outW;
                float s = 0;
                for (int k = 0; k < outW; k++) {
                    s += w[wOff + k] * delta[dOff + k];
                }
                previous[r * in + j] = s;
            }
        }
        return previous;
    }
}
