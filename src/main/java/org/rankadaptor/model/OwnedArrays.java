package org.rankadaptor.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Long-lived arrays (weights, adapter parameters) from Java data, in memory that libtorch owns. DJL's create(float[])
 * wraps a Java direct buffer that lives only as long as that one NDArray handle; a view or saved tensor that outlives
 * the handle would read freed memory, so long-lived tensors get their own copy.
 */
public final class OwnedArrays {
    private OwnedArrays() {
    }

    public static NDArray create(NDManager manager, float[] values, Shape shape) {
        NDArray wrapped = manager.create(values, shape);
        NDArray owned = wrapped.duplicate();
        wrapped.close();
        return owned;
    }
}
