package org.rankadaptor.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Architecture of a LLaMA checkpoint, as in Hugging Face's config.json.
 *
 * <p>Structurally pruned models have different head counts and FFN sizes per layer. Those are stored in three extra
 * config.json arrays, written only when layers differ: {@code num_attention_heads_per_layer},
 * {@code num_key_value_heads_per_layer} and {@code intermediate_size_per_layer}. The standard scalar fields then hold
 * the first layer's values (so other tools see a well-formed config) and {@code head_dim} is always written.
 */
public record LlamaConfig(
        int hiddenSize,
        int vocabSize,
        int headDim,
        double rmsNormEps,
        double ropeTheta,
        RopeScaling ropeScaling,
        int maxPositionEmbeddings,
        boolean tieWordEmbeddings,
        int bosTokenId,
        int eosTokenId,
        List<LayerDims> layers) {

    public static final String PER_LAYER_HEADS = "num_attention_heads_per_layer";
    public static final String PER_LAYER_KV_HEADS = "num_key_value_heads_per_layer";
    public static final String PER_LAYER_INTERMEDIATE = "intermediate_size_per_layer";

    private static final ObjectMapper JSON = new ObjectMapper();

    public LlamaConfig {
        layers = List.copyOf(layers);
        if (hiddenSize <= 0 || vocabSize <= 0 || headDim <= 0 || headDim % 2 != 0) {
            throw new IllegalArgumentException("bad config: hidden " + hiddenSize + ", vocab " + vocabSize + ", head_dim " + headDim);
        }
    }

    /** A config whose layers all share one shape. */
    public static LlamaConfig uniform(int hiddenSize, int numLayers, int numHeads, int numKvHeads, int intermediateSize,
                                      int vocabSize, boolean tieWordEmbeddings) {
        return new LlamaConfig(hiddenSize, vocabSize, hiddenSize / numHeads, 1e-5, 10000.0, null, 2048,
                tieWordEmbeddings, 1, 2,
                Collections.nCopies(numLayers, new LayerDims(numHeads, numKvHeads, intermediateSize)));
    }

    public int numLayers() {
        return layers.size();
    }

    public LayerDims layer(int index) {
        return layers.get(index);
    }

    public boolean isUniform() {
        return layers.stream().distinct().count() <= 1;
    }

    public LlamaConfig withLayers(List<LayerDims> newLayers) {
        return new LlamaConfig(hiddenSize, vocabSize, headDim, rmsNormEps, ropeTheta, ropeScaling,
                maxPositionEmbeddings, tieWordEmbeddings, bosTokenId, eosTokenId, newLayers);
    }

    /** Parameter count of one decoder layer (attention, MLP and its two norms). */
    public long layerParameters(int index) {
        LayerDims d = layers.get(index);
        long attention = (long) hiddenSize * headDim * (2L * d.numHeads() + 2L * d.numKvHeads());
        long mlp = 3L * hiddenSize * d.intermediateSize();
        return attention + mlp + 2L * hiddenSize;
    }

    public long totalParameters() {
        long total = (long) vocabSize * hiddenSize + hiddenSize;
        if (!tieWordEmbeddings) {
            total += (long) vocabSize * hiddenSize;
        }
        for (int i = 0; i < layers.size(); i++) {
            total += layerParameters(i);
        }
        return total;
    }

    // ---- config.json ----

    public static LlamaConfig read(Path configFile) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(configFile));
        } catch (NoSuchFileException e) {
            throw new CheckpointException("missing config.json: " + configFile);
        } catch (IOException e) {
            throw new CheckpointException("cannot parse " + configFile + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new CheckpointException(configFile + ": expected a JSON object");
        }
        return fromJson(root, configFile.toString());
    }

    static LlamaConfig fromJson(JsonNode root, String source) {
        Fields f = new Fields(root, source);
        String modelType = root.path("model_type").asText("llama");
        if (!modelType.equals("llama")) {
            throw new CheckpointException(source + ": model_type '" + modelType + "' is not supported (only llama)");
        }
        int hidden = f.requiredInt("hidden_size");
        int numLayers = f.requiredInt("num_hidden_layers");
        int heads = f.requiredInt("num_attention_heads");
        int kvHeads = f.optionalInt("num_key_value_heads", heads);
        int intermediate = f.requiredInt("intermediate_size");
        int vocab = f.requiredInt("vocab_size");
        int headDim = f.optionalInt("head_dim", heads > 0 ? hidden / heads : 0);
        if (hidden <= 0 || numLayers <= 0 || heads <= 0 || kvHeads <= 0 || intermediate <= 0 || vocab <= 0 || headDim <= 0) {
            throw new CheckpointException(source + ": sizes must be positive");
        }
        if (headDim % 2 != 0) {
            throw new CheckpointException(source + ": head_dim " + headDim + " must be even for rotary embeddings");
        }
        List<LayerDims> layers = new ArrayList<>();
        int[] perHeads = f.optionalIntArray(PER_LAYER_HEADS, numLayers);
        int[] perKv = f.optionalIntArray(PER_LAYER_KV_HEADS, numLayers);
        int[] perFfn = f.optionalIntArray(PER_LAYER_INTERMEDIATE, numLayers);
        for (int i = 0; i < numLayers; i++) {
            int h = perHeads == null ? heads : perHeads[i];
            int kv = perKv == null ? kvHeads : perKv[i];
            int ffn = perFfn == null ? intermediate : perFfn[i];
            try {
                layers.add(new LayerDims(h, kv, ffn));
            } catch (IllegalArgumentException e) {
                throw new CheckpointException(source + ": layer " + i + ": " + e.getMessage());
            }
        }
        return new LlamaConfig(hidden, vocab, headDim,
                f.optionalDouble("rms_norm_eps", 1e-6),
                f.optionalDouble("rope_theta", 10000.0),
                parseRopeScaling(root.get("rope_scaling"), source),
                f.optionalInt("max_position_embeddings", 2048),
                root.path("tie_word_embeddings").asBoolean(false),
                firstInt(root.get("bos_token_id"), 1),
                firstInt(root.get("eos_token_id"), 2),
                layers);
    }

    private static RopeScaling parseRopeScaling(JsonNode node, String source) {
        if (node == null || node.isNull()) {
            return null;
        }
        String type = node.has("rope_type") ? node.get("rope_type").asText() : node.path("type").asText("");
        if (type.equals("default")) {
            return null;
        }
        if (!type.equals("llama3")) {
            throw new CheckpointException(source + ": rope_scaling type '" + type
                    + "' is not supported (supported: llama3, default)");
        }
        Fields f = new Fields(node, source + " rope_scaling");
        return new RopeScaling(type, f.requiredDouble("factor"), f.requiredDouble("low_freq_factor"),
                f.requiredDouble("high_freq_factor"), f.requiredInt("original_max_position_embeddings"));
    }

    private static int firstInt(JsonNode node, int fallback) {
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (node.isArray()) {
            return node.size() == 0 ? fallback : node.get(0).asInt();
        }
        return node.asInt(fallback);
    }

    public ObjectNode toJson() {
        ObjectNode root = JSON.createObjectNode();
        LayerDims first = layers.get(0);
        root.putArray("architectures").add("LlamaForCausalLM");
        root.put("model_type", "llama");
        root.put("hidden_size", hiddenSize);
        root.put("intermediate_size", first.intermediateSize());
        root.put("num_hidden_layers", layers.size());
        root.put("num_attention_heads", first.numHeads());
        root.put("num_key_value_heads", first.numKvHeads());
        root.put("head_dim", headDim);
        root.put("vocab_size", vocabSize);
        root.put("rms_norm_eps", rmsNormEps);
        root.put("rope_theta", ropeTheta);
        if (ropeScaling != null) {
            ObjectNode rs = root.putObject("rope_scaling");
            rs.put("rope_type", ropeScaling.type());
            rs.put("factor", ropeScaling.factor());
            rs.put("low_freq_factor", ropeScaling.lowFreqFactor());
            rs.put("high_freq_factor", ropeScaling.highFreqFactor());
            rs.put("original_max_position_embeddings", ropeScaling.originalMaxPositionEmbeddings());
        }
        root.put("max_position_embeddings", maxPositionEmbeddings);
        root.put("tie_word_embeddings", tieWordEmbeddings);
        root.put("bos_token_id", bosTokenId);
        root.put("eos_token_id", eosTokenId);
        root.put("hidden_act", "silu");
        root.put("torch_dtype", "float32");
        if (!isUniform()) {
            ArrayNode h = root.putArray(PER_LAYER_HEADS);
            ArrayNode kv = root.putArray(PER_LAYER_KV_HEADS);
            ArrayNode ffn = root.putArray(PER_LAYER_INTERMEDIATE);
            for (LayerDims d : layers) {
                h.add(d.numHeads());
                kv.add(d.numKvHeads());
                ffn.add(d.intermediateSize());
            }
        }
        return root;
    }

    public void write(Path configFile) throws IOException {
        JSON.writerWithDefaultPrettyPrinter().writeValue(configFile.toFile(), toJson());
    }

    /** Typed access to JSON fields with errors that name the file and field. */
    private record Fields(JsonNode node, String source) {
        int requiredInt(String name) {
            JsonNode v = node.get(name);
            if (v == null || v.isNull()) {
                throw new CheckpointException(source + ": missing field '" + name + "'");
            }
            if (!v.canConvertToInt() || !v.isIntegralNumber()) {
                throw new CheckpointException(source + ": field '" + name + "' must be an integer, got " + v);
            }
            return v.asInt();
        }

        int optionalInt(String name, int fallback) {
            JsonNode v = node.get(name);
            return v == null || v.isNull() ? fallback : requiredInt(name);
        }

        double requiredDouble(String name) {
            JsonNode v = node.get(name);
            if (v == null || !v.isNumber()) {
                throw new CheckpointException(source + ": field '" + name + "' must be a number, got " + v);
            }
            return v.asDouble();
        }

        double optionalDouble(String name, double fallback) {
            JsonNode v = node.get(name);
            return v == null || v.isNull() ? fallback : requiredDouble(name);
        }

        int[] optionalIntArray(String name, int expectedLength) {
            JsonNode v = node.get(name);
            if (v == null || v.isNull()) {
                return null;
            }
            if (!v.isArray() || v.size() != expectedLength) {
                throw new CheckpointException(source + ": field '" + name + "' must be an array of "
                        + expectedLength + " integers (one per layer)");
            }
            int[] values = new int[expectedLength];
            for (int i = 0; i < expectedLength; i++) {
                if (!v.get(i).isIntegralNumber()) {
                    throw new CheckpointException(source + ": field '" + name + "'[" + i + "] must be an integer");
                }
                values[i] = v.get(i).asInt();
            }
            return values;
        }
    }
}
