package org.rankadaptor.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class GradientBackendTest {

    @Test
    void handWrittenBackpropMatchesDjlAutograd() {
        Mlp net = Mlp.initialised(7, ModelConfig.defaults().hiddenSizes(), 5);
        Random random = new Random(6);
        int rows = 9;
        float[] x = new float[rows * 7];
        float[] y = new float[rows];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextFloat();
        }
        for (int i = 0; i < rows; i++) {
            y[i] = (float) random.nextGaussian();
        }
        Mlp java = net.zerosLike();
        Mlp djl = net.zerosLike();
        double javaLoss = new JavaBackprop().lossAndGradient(net, x, y, java);
        double djlLoss = new DjlAutograd().lossAndGradient(net, x, y, djl);
        assertEquals(djlLoss, javaLoss, 1e-5);
        assertEquals(4, net.layerCount());
        double maxAbs = 0;
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < java.weights[i].length; j++) {
                assertEquals(djl.weights[i][j], java.weights[i][j], 1e-5, "dW layer " + i + " index " + j);
                maxAbs = Math.max(maxAbs, Math.abs(djl.weights[i][j]));
            }
            for (int j = 0; j < java.biases[i].length; j++) {
                assertEquals(djl.biases[i][j], java.biases[i][j], 1e-5, "db layer " + i + " index " + j);
            }
        }
        assertTrue(maxAbs > 1e-3, "gradients should not all be ~0");
    }

    @Test
    void javaBackpropOverwritesTheGradientBuffer() {
        Mlp net = Mlp.initialised(3, new int[] {4}, 1);
        float[] x = {0.5f, -1, 2, 1, 0, 0.25f};
        float[] y = {1, -1};
        Mlp once = net.zerosLike();
        Mlp twice = net.zerosLike();
        new JavaBackprop().lossAndGradient(net, x, y, once);
        new JavaBackprop().lossAndGradient(net, x, y, twice);
        new JavaBackprop().lossAndGradient(net, x, y, twice);
        for (int i = 0; i < net.layerCount(); i++) {
            assertEquals(java.util.Arrays.toString(once.weights[i]), java.util.Arrays.toString(twice.weights[i]));
            assertEquals(java.util.Arrays.toString(once.biases[i]), java.util.Arrays.toString(twice.biases[i]));
        }
    }
}
