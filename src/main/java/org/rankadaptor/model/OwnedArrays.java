package org.rankadaptor.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Arrays from Java data in memory that libtorch owns. DJL's create(float[]) wraps a Java direct buffer that lives
 * only as long as that one NDArray handle; a view or a tensor autograd saved for backward that outlives the handle
 * reads freed memory once the garbage collector has run. Long-lived tensors (weights, adapter parameters) and the
 * scalars of differentiable ops get their own copy.
 */
public final class OwnedArrays {
    private OwnedArrays() {
    }

    /**
     * A 0-d array holding {@code value} in {@code like}'s dtype and manager. Use {@code x.mul(scalarLike(x, v))}
     * instead of {@code x.mul(v)} inside the autograd graph: DJL's mul(Number) wraps the scalar in a Java buffer
     * that is freed right after the call, while autograd keeps the scalar to compute the gradient.
     */
    public static NDArray scalarLike(NDArray like, double value) {
        DataType type = like.getDataType();
        if (type != DataType.FLOAT64) {
            // a fill on the array's device: no Java buffer, and no host-to-device copy that would stall a GPU
            return like.getManager().full(new Shape(), (float) value, type);
        }
        try (NDArray wrapped = like.getManager().create(value)) {                    // float64, Java buffer
            return wrapped.duplicate();
        }
    }

    public static NDArray create(NDManager manager, float[] values, Shape shape) {
        NDArray wrapped = manager.create(values, shape);
        NDArray owned = wrapped.duplicate();
        wrapped.close();
        return owned;
    }
}
