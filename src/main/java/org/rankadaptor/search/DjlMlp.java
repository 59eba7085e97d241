package org.rankadaptor.search;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import java.nio.FloatBuffer;

/**
 * An {@link Mlp} on DJL NDArrays with the PyTorch engine (fp32, CPU): large-batch prediction and the layer
 * parameters for the autograd backend. Each call opens its own manager and closes it before returning, so no
 * NDArray outlives the call.
 */
final class DjlMlp {

    /** Rows per PyTorch forward call when predicting (system property rankadaptor.predictBatchRows). */
    private static final int PREDICT_BATCH_ROWS = Integer.getInteger("rankadaptor.predictBatchRows", 32_768);

    private DjlMlp() {
    }

    static Engine engine() {
        return Engine.getEngine("PyTorch");
    }

    /** A manager for one call's arrays; the caller closes it. */
    static NDManager newManager() {
        return engine().newBaseManager(Device.cpu());
    }

    /** The net's outputs for row-major {@code flat}, in batches of {@link #PREDICT_BATCH_ROWS} rows. */
    static float[] predict(Mlp net, float[] flat, int rows) {
        int inputSize = net.inputSize();
        float[] out = new float[rows];
        try (NDManager manager = newManager(); NDScope scope = new NDScope()) {
            NDArray[] w = weights(manager, net);
            NDArray[] b = biases(manager, net);
            for (int start = 0; start < rows; start += PREDICT_BATCH_ROWS) {
                int count = Math.min(PREDICT_BATCH_ROWS, rows - start);
                try (NDScope batchScope = new NDScope()) {
                    NDArray x = manager.create(FloatBuffer.wrap(flat, start * inputSize, count * inputSize),
                            new Shape(count, inputSize));
                    float[] batch = forward(x, w, b).toFloatArray();
                    System.arraycopy(batch, 0, out, start, count);
                }
            }
        }
        return out;
    }

    /** Layer weight matrices [in, out] as fresh arrays of {@code manager}. */
    static NDArray[] weights(NDManager manager, Mlp net) {
        NDArray[] w = new NDArray[net.layerCount()];
        for (int i = 0; i < w.length; i++) {
            w[i] = manager.create(net.weights[i], new Shape(net.width(i), net.width(i + 1)));
        }
        return w;
    }

    /** Layer bias vectors as fresh arrays of {@code manager}. */
    static NDArray[] biases(NDManager manager, Mlp net) {
        NDArray[] b = new NDArray[net.layerCount()];
        for (int i = 0; i < b.length; i++) {
            b[i] = manager.create(net.biases[i], new Shape(net.width(i + 1)));
        }
        return b;
    }

    static NDArray forward(NDArray x, NDArray[] w, NDArray[] b) {
        NDArray h = x;
        for (int i = 0; i < w.length; i++) {
            h = h.matMul(w[i]).add(b[i]);
            if (i < w.length - 1) {
                h = Activation.relu(h);
            }
        }
        return h;
    }
}
