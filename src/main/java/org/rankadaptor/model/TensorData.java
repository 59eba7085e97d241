package org.rankadaptor.model;

import java.util.Arrays;

/** A float32 tensor on the Java heap, row-major, with its shape. */
public record TensorData(long[] shape, float[] values) {
    public TensorData {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (n != values.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n + " values, got " + values.length);
        }
    }
}
