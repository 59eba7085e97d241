package org.rankadaptor.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Fills libtorch-owned tensors from safetensors files without a whole-tensor copy on the Java side. */
final class TensorFill {
    /** Rows per chunk on the chunked path aim at this many elements (16 MiB of float32). */
    private static final long CHUNK_ELEMENTS = 4L << 20;

    private TensorFill() {
    }

    /**
     * A new tensor of {@code shape} and {@code type} in {@code manager}, read from {@code reader}. Float32 on the
     * CPU: libtorch allocates it and the reader writes straight into its memory. Anything else (a GPU, fp16
     * weights): rows are widened into a float32 host chunk, converted and copied into their slice of the target,
     * so the host never holds a float32 copy of the tensor.
     */
    static NDArray load(SafetensorsReader reader, String name, Shape shape, NDManager manager, DataType type) {
        NDArray target = manager.create(shape, type);
        try {
            if (type == DataType.FLOAT32 && !manager.getDevice().isGpu()) {
                ByteBuffer memory = target.toByteBuffer(true);    // a view of the tensor's own memory
                reader.readInto(name, memory.order(ByteOrder.nativeOrder()));
                return target;
            }
            fillByRows(reader, name, shape, target);
            return target;
        } catch (RuntimeException e) {
            target.close();
            throw e;
        }
    }

    private static void fillByRows(SafetensorsReader reader, String name, Shape shape, NDArray target) {
        long rows = shape.get(0);                          // weights are at least 1-d
        long rowElements = rows == 0 ? 0 : shape.size() / rows;
        long rowsPerChunk = Math.max(1, CHUNK_ELEMENTS / Math.max(1, rowElements));
        NDManager host = NDManager.newBaseManager(Device.cpu());
        try (host) {
            for (long first = 0; first < rows; first += rowsPerChunk) {
                long n = Math.min(rowsPerChunk, rows - first);
                long[] dims = shape.getShape().clone();
                dims[0] = n;
                try (NDManager step = host.newSubManager()) {
                    NDArray chunk = step.create(new Shape(dims), DataType.FLOAT32);
                    reader.readRowsInto(name, first * rowElements, n * rowElements,
                            chunk.toByteBuffer(true).order(ByteOrder.nativeOrder()));
                    NDArray converted = chunk.toType(target.getDataType(), false).toDevice(target.getDevice(), false);
                    target.set(new NDIndex("{}:{}", first, first + n), converted);
                }
            }
        }
    }
}
