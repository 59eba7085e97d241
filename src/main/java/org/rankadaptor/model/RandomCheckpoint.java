package org.rankadaptor.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes a random Hugging Face-format LLaMA of any shape, for tests and benchmarks. Weights are drawn from a seeded
 * normal with std 0.02 (norm weights around 1), like an initialised model. All tensors are drawn from one generator in
 * checkpoint order, so the number of shards does not change the values.
 */
public final class RandomCheckpoint {
    private RandomCheckpoint() {
    }

    /** One tensor to draw: a normal with {@code std}, or norm weights around 1 when {@code std} is 0. */
    private record Planned(String name, long[] shape, double std) {
        float next(double standardNormal) {
            return std == 0 ? (float) (1 + 0.1 * standardNormal) : (float) (standardNormal * std);
        }
    }

    private static List<Planned> plan(LlamaConfig config) {
        List<Planned> tensors = new ArrayList<>();
        long hidden = config.hiddenSize();
        tensors.add(new Planned(HfNames.EMBED, new long[] {config.vocabSize(), hidden}, 0.02));
        for (int i = 0; i < config.numLayers(); i++) {
            tensors.add(new Planned(HfNames.inputNorm(i), new long[] {hidden}, 0));
            for (Projection p : Projection.values()) {
                tensors.add(new Planned(HfNames.weight(p, i), p.weightShape(config, i), 0.02 * 4));
            }
            tensors.add(new Planned(HfNames.postAttentionNorm(i), new long[] {hidden}, 0));
        }
        tensors.add(new Planned(HfNames.FINAL_NORM, new long[] {hidden}, 0));
        if (!config.tieWordEmbeddings()) {
            tensors.add(new Planned(HfNames.LM_HEAD, new long[] {config.vocabSize(), hidden}, 0.02 * 4));
        }
        return tensors;
    }

    /**
     * Writes config.json and model.safetensors, holding every tensor in memory (small models), and returns the tensors
     * it wrote, by Hugging Face name, so tests can compare bit for bit.
     */
    public static Map<String, TensorData> write(Path dir, LlamaConfig config, long seed, TensorDType dtype) {
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, TensorData> stored = new LinkedHashMap<>();
        SafetensorsWriter writer = new SafetensorsWriter();
        for (Planned t : plan(config)) {
            float[] values = new float[(int) SafetensorsWriter.elementCount(t.shape())];
            for (int i = 0; i < values.length; i++) {
                values[i] = t.next(gaussian(random));
            }
            TensorData rounded = roundTo(dtype, new TensorData(t.shape(), values));
            writer.put(t.name(), rounded);
            stored.put(t.name(), rounded);
        }
        try {
            Files.createDirectories(dir);
            config.write(dir.resolve(CheckpointLoader.CONFIG_FILE));
            writer.write(dir.resolve(CheckpointLoader.WEIGHTS_FILE), dtype);
            return stored;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes config.json and the weights in {@code shards} files with model.safetensors.index.json (one
     * model.safetensors when {@code shards} is 1), drawing each chunk as it is written: memory stays a few MiB
     * whatever the model's size.
     *
     * @return the bytes of tensor data written
     */
    public static long writeSharded(Path dir, LlamaConfig config, long seed, TensorDType dtype, int shards) {
        if (shards < 1) {
            throw new IllegalArgumentException("shards must be at least 1, got " + shards);
        }
        List<Planned> tensors = plan(config);
        long total = tensors.stream().mapToLong(t -> SafetensorsWriter.elementCount(t.shape()) * dtype.bytes()).sum();
        SplittableRandom random = new SplittableRandom(seed);
        try {
            Files.createDirectories(dir);
            config.write(dir.resolve(CheckpointLoader.CONFIG_FILE));
            if (shards == 1) {
                writerFor(tensors, random).write(dir.resolve(CheckpointLoader.WEIGHTS_FILE), dtype);
                return total;
            }
            ObjectMapper json = new ObjectMapper();
            ObjectNode index = json.createObjectNode();
            index.putObject("metadata").put("total_size", total);
            ObjectNode weightMap = index.putObject("weight_map");
            long perShard = (total + shards - 1) / shards;
            int next = 0;
            for (int shard = 1; shard <= shards; shard++) {
                String name = String.format("model-%05d-of-%05d.safetensors", shard, shards);
                List<Planned> inShard = new ArrayList<>();
                long bytes = 0;
                // the last shard takes whatever is left; the others fill up to an equal share
                while (next < tensors.size() && (shard == shards || bytes < perShard || inShard.isEmpty())) {
                    Planned t = tensors.get(next++);
                    inShard.add(t);
                    bytes += SafetensorsWriter.elementCount(t.shape()) * dtype.bytes();
                    weightMap.put(t.name(), name);
                }
                writerFor(inShard, random).write(dir.resolve(name), dtype);
            }
            json.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(CheckpointLoader.INDEX_FILE).toFile(), index);
            return total;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint to " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Tensors that draw their values while the writer pulls them, in order, from the shared generator. */
    private static SafetensorsWriter writerFor(List<Planned> tensors, SplittableRandom random) {
        SafetensorsWriter writer = new SafetensorsWriter().metadata("format", "pt");
        for (Planned t : tensors) {
            writer.put(t.name(), new SafetensorsWriter.TensorSource() {
                @Override
                public long[] shape() {
                    return t.shape();
                }

                @Override
                public void read(long first, FloatBuffer dst) {
                    while (dst.hasRemaining()) {
                        dst.put(t.next(random.nextGaussian()));   // ziggurat: several times faster than Box-Muller
                    }
                }
            });
        }
        return writer;
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

    private static double gaussian(SplittableRandom random) {
        double u = 1 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
