package org.rankadaptor.prune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;

/**
 * Copies of weight matrices (rows or columns selected) into another manager, keeping the source data type. The
 * copies are made by libtorch (index_select), so no weight passes through the Java heap.
 */
final class WeightCopies {
    private WeightCopies() {
    }

    static NDArray copy(NDManager target, NDArray source) {
        NDArray copy = source.duplicate();
        copy.attach(target);
        return copy;
    }

    /** Rows of an (out, in) matrix. */
    static NDArray rows(NDManager target, NDArray source, int[] rows) {
        return select(target, source, "{}", rows);
    }

    /** Columns of an (out, in) matrix. */
    static NDArray columns(NDManager target, NDArray source, int[] columns) {
        return select(target, source, ":, {}", columns);
    }

    private static NDArray select(NDManager target, NDArray source, String where, int[] indices) {
        long[] index = new long[indices.length];
        for (int i = 0; i < indices.length; i++) {
            index[i] = indices[i];
        }
        try (NDManager scratch = source.getManager().newSubManager()) {
            NDArray picked = source.get(new NDIndex(where, scratch.create(index)));
            picked.attach(target);
            return picked;
        }
    }
}
