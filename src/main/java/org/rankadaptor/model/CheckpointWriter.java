package org.rankadaptor.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Saves a model as a Hugging Face checkpoint directory that {@link CheckpointLoader} (and transformers) reload. Tensors
 * are written one at a time straight from libtorch's memory; none is copied to the Java heap.
 */
public final class CheckpointWriter {
    private CheckpointWriter() {
    }

    /**
     * A tensor to write: its shape (for the header, known before any data), how to make it when the writer reaches
     * it, and what to do with it once written (close a copy made for writing; nothing for a live model's weight).
     */
    public record Tensor(long[] shape, Supplier<NDArray> make, Consumer<NDArray> release) {
        public static Tensor of(NDArray array) {
            return new Tensor(array.getShape().getShape(), () -> array, a -> { });
        }
    }

    /**
     * Writes config.json and model.safetensors (float32), and copies the tokenizer files from {@code tokenizerSource}
     * when it is not null.
     */
    public static void save(LlamaModel model, Path outDir, Path tokenizerSource) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        model.weights().byHuggingFaceName().forEach((name, array) -> tensors.put(name, Tensor.of(array)));
        save(model.config(), tensors, outDir, tokenizerSource);
    }

    /** Writes {@code config} and the tensors in order, each made, written and released before the next. */
    public static void save(LlamaConfig config, Map<String, Tensor> tensors, Path outDir, Path tokenizerSource) {
        try {
            Files.createDirectories(outDir);
            config.write(outDir.resolve(CheckpointLoader.CONFIG_FILE));
            SafetensorsWriter writer = new SafetensorsWriter().metadata("format", "pt");
            tensors.forEach((name, t) -> writer.put(name, new ArraySource(t)));
            writer.write(outDir.resolve(CheckpointLoader.WEIGHTS_FILE), TensorDType.F32);
            if (tokenizerSource != null) {
                copyTokenizerFiles(tokenizerSource, outDir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint to " + outDir + ": " + e.getMessage(), e);
        }
    }

    /** Reads a tensor's float32 values through a view of its CPU memory, made on the first chunk, released after the last. */
    private static final class ArraySource implements SafetensorsWriter.TensorSource {
        private final Tensor tensor;
        private final long count;
        private NDArray array;
        private NDArray host;     // float32 on the CPU: the array itself or a converted copy
        private FloatBuffer view;

        ArraySource(Tensor tensor) {
            this.tensor = tensor;
            this.count = SafetensorsWriter.elementCount(tensor.shape());
        }

        @Override
        public long[] shape() {
            return tensor.shape();
        }

        @Override
        public void read(long first, FloatBuffer dst) {
            if (view == null) {
                array = tensor.make().get();
                NDArray cpu = array.getDevice().isGpu() ? array.toDevice(Device.cpu(), false) : array;
                host = cpu.toType(DataType.FLOAT32, false);
                if (cpu != host && cpu != array) {
                    cpu.close();
                }
                view = host.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer();
            }
            int n = dst.remaining();
            dst.put(view.slice((int) first, n));
            if (first + n == count) {
                release();
            }
        }

        private void release() {
            view = null;
            if (host != array) {
                host.close();
            }
            tensor.release().accept(array);
            array = null;
            host = null;
        }
    }

    public static void copyTokenizerFiles(Path from, Path to) throws IOException {
        if (from.toAbsolutePath().normalize().equals(to.toAbsolutePath().normalize())) {
            return;
        }
        for (String name : Tokenizers.TOKENIZER_FILES) {
            Path source = from.resolve(name);
            if (Files.exists(source)) {
                Files.copy(source, to.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    public static TensorData toTensorData(NDArray array) {
        NDArray f32 = array.getDataType() == DataType.FLOAT32 ? array : array.toType(DataType.FLOAT32, false);
        float[] values = f32.toFloatArray();
        if (f32 != array) {
            f32.close();
        }
        return new TensorData(array.getShape().getShape(), values);
    }
}
