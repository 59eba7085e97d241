package org.rankadaptor.search;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

/**
 * Gradients from DJL/PyTorch autograd ({@link ModelConfig.TrainingBackend#DJL_AUTOGRAD}). Every call builds fresh
 * leaf arrays in its own manager and closes it, so no gradient has to be zeroed and nothing stays alive.
 */
final class DjlAutograd implements GradientBackend {

    @Override
    public double lossAndGradient(Mlp net, float[] flatX, float[] y, Mlp gradient) {
        int rows = y.length;
        try (NDManager manager = DjlMlp.newManager(); NDScope stepScope = new NDScope()) {
            NDArray x = manager.create(flatX, new Shape(rows, net.inputSize()));
            NDArray target = manager.create(y, new Shape(rows, 1));
            NDArray[] w = DjlMlp.weights(manager, net);
            NDArray[] b = DjlMlp.biases(manager, net);
            for (int i = 0; i < w.length; i++) {
                w[i].setRequiresGradient(true);
                b[i].setRequiresGradient(true);
            }
            double lossValue;
            try (GradientCollector collector = DjlMlp.engine().newGradientCollector()) {
                NDArray loss = DjlMlp.forward(x, w, b).sub(target).square().mean();
                collector.backward(loss);
                lossValue = loss.getFloat();
            }
            for (int i = 0; i < w.length; i++) {
                System.arraycopy(w[i].getGradient().toFloatArray(), 0, gradient.weights[i], 0,
                        gradient.weights[i].length);
                System.arraycopy(b[i].getGradient().toFloatArray(), 0, gradient.biases[i], 0,
                        gradient.biases[i].length);
            }
            return lossValue;
        }
    }
}
