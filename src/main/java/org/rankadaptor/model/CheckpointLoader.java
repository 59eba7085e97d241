package org.rankadaptor.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads a Hugging Face LLaMA checkpoint directory: config.json plus model.safetensors or a sharded
 * model.safetensors.index.json. Tensors go from the file into libtorch-owned memory one bounded chunk at a time, so
 * the model is never held twice.
 */
public final class CheckpointLoader {
    public static final String CONFIG_FILE = "config.json";
    public static final String WEIGHTS_FILE = "model.safetensors";
    public static final String INDEX_FILE = "model.safetensors.index.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private CheckpointLoader() {
    }

    public static LlamaConfig readConfig(Path modelDir) {
        if (!Files.isDirectory(modelDir)) {
            throw new CheckpointException("not a checkpoint directory: " + modelDir);
        }
        return LlamaConfig.read(modelDir.resolve(CONFIG_FILE));
    }

    public static LlamaModel load(Path modelDir) {
        return load(modelDir, Placement.cpu());
    }

    /**
     * Weights on {@code placement}'s device in its precision. Each tensor is allocated by libtorch and filled from the
     * file in bounded chunks (bf16/fp16 widened on the way), so the process holds the model once plus a few MiB.
     */
    public static LlamaModel load(Path modelDir, Placement placement) {
        LlamaConfig config = readConfig(modelDir);
        Map<String, Path> tensorFiles = tensorFiles(modelDir);
        NDManager manager = NDManager.newBaseManager(placement.device());
        try {
            Map<Path, SafetensorsReader> readers = new LinkedHashMap<>();
            try {
                TensorSource source = (name, expected) -> {
                    Path file = tensorFiles.get(name);
                    if (file == null) {
                        throw new CheckpointException(modelDir + ": missing tensor '" + name + "'");
                    }
                    SafetensorsReader reader = readers.computeIfAbsent(file, SafetensorsReader::open);
                    SafetensorsReader.Entry entry = reader.entries().get(name);
                    if (entry == null) {
                        throw new CheckpointException(file + ": missing tensor '" + name + "' (the index names this file)");
                    }
                    if (!Arrays.equals(entry.shape(), expected)) {
                        throw new CheckpointException(file + ": tensor '" + name + "' has shape "
                                + Arrays.toString(entry.shape()) + " but config.json implies " + Arrays.toString(expected));
                    }
                    return TensorFill.load(reader, name, new Shape(expected), manager, placement.weightType());
                };
                LlamaWeights weights = readWeights(config, source, manager, tensorFiles.containsKey(HfNames.LM_HEAD));
                return new LlamaModel(config, weights);
            } finally {
                readers.values().forEach(SafetensorsReader::close);
            }
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    @FunctionalInterface
    private interface TensorSource {
        NDArray read(String name, long[] expectedShape);
    }

    private static LlamaWeights readWeights(LlamaConfig config, TensorSource source, NDManager manager, boolean hasLmHead) {
        long hidden = config.hiddenSize();
        NDArray embed = source.read(HfNames.EMBED, new long[] {config.vocabSize(), hidden});
        List<LayerWeights> layers = new ArrayList<>();
        for (int i = 0; i < config.numLayers(); i++) {
            NDArray[] proj = new NDArray[Projection.values().length];
            for (Projection p : Projection.values()) {
                proj[p.ordinal()] = source.read(HfNames.weight(p, i), p.weightShape(config, i));
            }
            layers.add(new LayerWeights(
                    source.read(HfNames.inputNorm(i), new long[] {hidden}),
                    proj[0], proj[1], proj[2], proj[3],
                    source.read(HfNames.postAttentionNorm(i), new long[] {hidden}),
                    proj[4], proj[5], proj[6]));
        }
        NDArray norm = source.read(HfNames.FINAL_NORM, new long[] {hidden});
        // Some tied checkpoints still store lm_head.weight; the embedding is the authority then.
        NDArray head = config.tieWordEmbeddings() || !hasLmHead
                ? tiedOrMissing(config, embed)
                : source.read(HfNames.LM_HEAD, new long[] {config.vocabSize(), hidden});
        return new LlamaWeights(manager, embed, layers, norm, head);
    }

    private static NDArray tiedOrMissing(LlamaConfig config, NDArray embed) {
        if (!config.tieWordEmbeddings()) {
            throw new CheckpointException("missing tensor '" + HfNames.LM_HEAD + "' (config.json says tie_word_embeddings is false)");
        }
        return embed;
    }

    /** Which file holds each tensor. */
    static Map<String, Path> tensorFiles(Path modelDir) {
        Path index = modelDir.resolve(INDEX_FILE);
        Path single = modelDir.resolve(WEIGHTS_FILE);
        Map<String, Path> files = new LinkedHashMap<>();
        if (Files.exists(index)) {
            JsonNode root;
            try {
                root = JSON.readTree(index.toFile());
            } catch (IOException e) {
                throw new CheckpointException("cannot parse " + index + ": " + e.getMessage(), e);
            }
            JsonNode map = root == null ? null : root.get("weight_map");
            if (map == null || !map.isObject()) {
                throw new CheckpointException(index + ": missing object field 'weight_map'");
            }
            Iterator<Map.Entry<String, JsonNode>> it = map.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isTextual()) {
                    throw new CheckpointException(index + ": weight_map['" + e.getKey() + "'] must be a file name");
                }
                Path shard = modelDir.resolve(e.getValue().asText()).normalize();
                if (!shard.startsWith(modelDir.normalize())) {
                    throw new CheckpointException(index + ": shard '" + e.getValue().asText() + "' is outside the checkpoint directory");
                }
                files.put(e.getKey(), shard);
            }
            return files;
        }
        if (!Files.exists(single)) {
            throw new CheckpointException(modelDir + ": no " + WEIGHTS_FILE + " or " + INDEX_FILE
                    + " (only safetensors checkpoints are supported)");
        }
        try (SafetensorsReader reader = SafetensorsReader.open(single)) {
            for (String name : reader.entries().keySet()) {
                files.put(name, single);
            }
        }
        return files;
    }
}
