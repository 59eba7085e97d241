package org.rankadaptor.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/** Saves a model as a Hugging Face checkpoint directory that {@link CheckpointLoader} (and transformers) reload. */
public final class CheckpointWriter {
    private CheckpointWriter() {
    }

    /**
     * Writes config.json and model.safetensors (float32), and copies the tokenizer files from {@code tokenizerSource}
     * when it is not null.
     */
    public static void save(LlamaModel model, Path outDir, Path tokenizerSource) {
        try {
            Files.createDirectories(outDir);
            model.config().write(outDir.resolve(CheckpointLoader.CONFIG_FILE));
            SafetensorsWriter writer = new SafetensorsWriter().metadata("format", "pt");
            for (Map.Entry<String, NDArray> e : model.weights().byHuggingFaceName().entrySet()) {
                writer.put(e.getKey(), toTensorData(e.getValue()));
            }
            writer.write(outDir.resolve(CheckpointLoader.WEIGHTS_FILE), TensorDType.F32);
            if (tokenizerSource != null) {
                copyTokenizerFiles(tokenizerSource, outDir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint to " + outDir + ": " + e.getMessage(), e);
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
