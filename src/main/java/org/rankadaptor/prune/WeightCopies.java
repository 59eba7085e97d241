package org.rankadaptor.prune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** Copies of weight matrices (rows or columns selected) into another manager, keeping the source data type. */
final class WeightCopies {
    private WeightCopies() {
    }

    static NDArray copy(NDManager target, NDArray source) {
        return create(target, source.toType(DataType.FLOAT32, false).toFloatArray(), source.getShape(), source.getDataType());
    }

    /** Rows of an (out, in) matrix. */
    static NDArray rows(NDManager target, NDArray source, int[] rows) {
        long cols = source.getShape().get(1);
        float[] all = source.toType(DataType.FLOAT32, false).toFloatArray();
        float[] out = new float[(int) (rows.length * cols)];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(all, (int) (rows[i] * cols), out, (int) (i * cols), (int) cols);
        }
        return create(target, out, new Shape(rows.length, cols), source.getDataType());
    }

    /** Columns of an (out, in) matrix. */
    static NDArray columns(NDManager target, NDArray source, int[] columns) {
        long numRows = source.getShape().get(0);
        long cols = source.getShape().get(1);
        float[] all = source.toType(DataType.FLOAT32, false).toFloatArray();
        float[] out = new float[(int) (numRows * columns.length)];
        for (int r = 0; r < numRows; r++) {
            long base = r * cols;
            int outBase = r * columns.length;
            for (int j = 0; j < columns.length; j++) {
                out[outBase + j] = all[(int) (base + columns[j])];
            }
        }
        return create(target, out, new Shape(numRows, columns.length), source.getDataType());
    }

    private static NDArray create(NDManager target, float[] values, Shape shape, DataType type) {
        NDArray array = target.create(values, shape);
        if (type == DataType.FLOAT32) {
            return array;
        }
        NDArray converted = array.toType(type, false);
        array.close();
        return converted;
    }
}
