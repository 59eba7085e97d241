package org.rankadaptor.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes a random Hugging Face-format LLaMA of any shape, for tests and benchmarks. Weights are drawn from a seeded
 * normal with std 0.02 (norm weights around 1), like an initialised model.
 */
public final class RandomCheckpoint {
    private RandomCheckpoint() {
    }

    /** Returns the tensors it wrote, by Hugging Face name, so tests can compare bit for bit. */
    public static Map<String, TensorData> write(Path dir, LlamaConfig config, long seed, TensorDType dtype) {
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        int hidden = config.hiddenSize();
        tensors.put(HfNames.EMBED, normal(random, 0.02, config.vocabSize(), hidden));
        for (int i = 0; i < config.numLayers(); i++) {
            tensors.put(HfNames.inputNorm(i), around1(random, hidden));
            for (Projection p : Projection.values()) {
                long[] shape = p.weightShape(config, i);
                tensors.put(HfNames.weight(p, i), normal(random, 0.02 * 4, shape));
            }
            tensors.put(HfNames.postAttentionNorm(i), around1(random, hidden));
        }
        tensors.put(HfNames.FINAL_NORM, around1(random, hidden));
        if (!config.tieWordEmbeddings()) {
            tensors.put(HfNames.LM_HEAD, normal(random, 0.02 * 4, config.vocabSize(), hidden));
        }
        try {
            Files.createDirectories(dir);
            config.write(dir.resolve(CheckpointLoader.CONFIG_FILE));
            SafetensorsWriter writer = new SafetensorsWriter();
            Map<String, TensorData> stored = new LinkedHashMap<>();
            tensors.forEach((name, t) -> {
                TensorData rounded = roundTo(dtype, t);
                writer.put(name, rounded);
                stored.put(name, rounded);
            });
            writer.write(dir.resolve(CheckpointLoader.WEIGHTS_FILE), dtype);
            return stored;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Values as they read back after storing in {@code dtype}. */
    private static TensorData roundTo(TensorDType dtype, TensorData t) {
        if (dtype == TensorDType.F32) {
            return t;
        }
        float[] out = new float[t.values().length];
        byte[] buf = new byte[2];
        for (int i = 0; i < out.length; i++) {
            dtype.encode(t.values()[i], buf, 0);
            out[i] = dtype.decode(buf, 0);
        }
        return new TensorData(t.shape(), out);
    }

    private static TensorData normal(SplittableRandom random, double std, long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        float[] values = new float[(int) n];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (gaussian(random) * std);
        }
        return new TensorData(shape, values);
    }

    private static TensorData around1(SplittableRandom random, int size) {
        float[] values = new float[size];
        for (int i = 0; i < size; i++) {
            values[i] = (float) (1 + 0.1 * gaussian(random));
        }
        return new TensorData(new long[] {size}, values);
    }

    private static double gaussian(SplittableRandom random) {
        double u = 1 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
