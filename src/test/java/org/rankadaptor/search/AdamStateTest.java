package org.rankadaptor.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AdamStateTest {

    @Test
    void firstStepMovesEveryParameterByTheLearningRateAgainstItsGradient() {
        Mlp net = Mlp.initialised(2, new int[] {3}, 4);
        Mlp before = net.copy();
        Mlp gradient = net.zerosLike();
        float[] x = {1, 2, -1, 0.5f};
        float[] y = {3, -2};
        new JavaBackprop().lossAndGradient(net, x, y, gradient);
        new AdamState(net).step(net, new JavaBackprop(), x, y, 0.01, 0);
        for (int i = 0; i < net.layerCount(); i++) {
            for (int j = 0; j < net.weights[i].length; j++) {
                float g = gradient.weights[i][j];
                float moved = net.weights[i][j] - before.weights[i][j];
                // bias-corrected first Adam step: -lr * g / (|g| + eps)
                double expected = g == 0 ? 0 : -0.01 * Math.signum(g) * Math.abs(g) / (Math.abs(g) + 1e-8);
                assertEquals(expected, moved, 1e-6, "weight " + i + "/" + j);
            }
        }
    }

    @Test
    void copyContinuesLikeTheOriginal() {
        Mlp net = Mlp.initialised(2, new int[] {3}, 4);
        float[] x = {1, 2, -1, 0.5f};
        float[] y = {3, -2};
        AdamState adam = new AdamState(net);
        for (int s = 0; s < 3; s++) {
            adam.step(net, new JavaBackprop(), x, y, 0.01, 1e-4);
        }
        Mlp other = net.copy();
        AdamState copied = adam.copy();
        double loss = adam.step(net, new JavaBackprop(), x, y, 0.01, 1e-4);
        double copiedLoss = copied.step(other, new JavaBackprop(), x, y, 0.01, 1e-4);
        assertEquals(loss, copiedLoss);
        assertEquals(java.util.Arrays.toString(net.weights[0]), java.util.Arrays.toString(other.weights[0]));
        assertTrue(net.meanSquaredError(x, y) < loss, "a step should lower the loss");
    }
}
