package org.rankadaptor.lora;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.rankadaptor.model.LlamaConfig;
import org.rankadaptor.model.Projection;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The LoRA rank of every adapted module, resolved once: module path ("model.layers.3.self_attn.q_proj") to rank.
 * Modules not in the map are not adapted. Iteration order is layer by layer, projections in {@link Projection} order.
 */
public record RankPlan(Map<String, Integer> ranks) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public RankPlan {
        Map<String, Integer> sorted = new java.util.TreeMap<>((x, y) -> {
            ModuleRef a = ModuleRef.parse(x);
            ModuleRef b = ModuleRef.parse(y);
            return a.layer() != b.layer() ? Integer.compare(a.layer(), b.layer())
                    : Integer.compare(a.projection().ordinal(), b.projection().ordinal());
        });
        for (Map.Entry<String, Integer> e : ranks.entrySet()) {
            if (e.getValue() == null || e.getValue() <= 0) {
                throw new LoraException("rank plan: module " + e.getKey() + " has rank " + e.getValue() + " (must be positive)");
            }
            String canonical = ModuleRef.parse(e.getKey()).path();
            if (sorted.put(canonical, e.getValue()) != null) {
                throw new LoraException("rank plan: module " + canonical + " appears twice");
            }
        }
        ranks = Collections.unmodifiableMap(new LinkedHashMap<>(sorted));
    }

    /** The same rank for every target module of every layer. */
    public static RankPlan uniform(LlamaConfig config, Set<Projection> targets, int rank) {
        int[] perLayer = new int[config.numLayers()];
        java.util.Arrays.fill(perLayer, rank);
        return perLayer(config, targets, perLayer);
    }

    /** One rank per decoder layer for all its target modules; 0 leaves a layer unadapted. */
    public static RankPlan perLayer(LlamaConfig config, Set<Projection> targets, int[] layerRanks) {
        if (layerRanks.length != config.numLayers()) {
            throw new LoraException("rank plan has " + layerRanks.length + " layer ranks but the model has "
                    + config.numLayers() + " layers");
        }
        requireTargets(targets);
        Map<String, Integer> ranks = new LinkedHashMap<>();
        for (int layer = 0; layer < layerRanks.length; layer++) {
            if (layerRanks[layer] < 0) {
                throw new LoraException("rank plan: layer " + layer + " has negative rank " + layerRanks[layer]);
            }
            for (Projection p : Projection.values()) {
                if (targets.contains(p) && layerRanks[layer] > 0) {
                    ranks.put(p.modulePath(layer), layerRanks[layer]);
                }
            }
        }
        return new RankPlan(ranks);
    }

    /**
     * PEFT semantics: every target module gets {@code defaultRank} unless a {@code rank_pattern} key matches it
     * (first matching key in map order, see {@link PeftPatterns}).
     */
    public static RankPlan fromPattern(LlamaConfig config, Set<Projection> targets, int defaultRank,
                                       Map<String, Integer> rankPattern) {
        requireTargets(targets);
        Map<String, Integer> ranks = new LinkedHashMap<>();
        for (int layer = 0; layer < config.numLayers(); layer++) {
            for (Projection p : Projection.values()) {
                if (targets.contains(p)) {
                    String path = p.modulePath(layer);
                    int rank = PeftPatterns.lookup(rankPattern, path).orElse(defaultRank);
                    if (rank > 0) {
                        ranks.put(path, rank);
                    }
                }
            }
        }
        return new RankPlan(ranks);
    }

    /**
     * Reads a plan file. Accepted forms: {@code {"ranks": {"0": 8, "1": 4, ...}}} (every layer listed),
     * {@code {"ranks": [8, 4, ...]}}, a bare list {@code [8, 4, ...]}, or PEFT style
     * {@code {"r": 8, "rank_pattern": {"layers.3.self_attn.q_proj": 4, ...}}}, or a RankAdaptor export
     * ({@code rankadaptor_ranks.json}, whose {@code layers[i].rank} are the layer ranks). Layer ranks of 0 leave a layer unadapted.
     */
    public static RankPlan read(Path file, LlamaConfig config, Set<Projection> targets) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new LoraException("rank plan file not found: " + file);
        } catch (IOException e) {
            throw new LoraException("cannot parse rank plan " + file + ": " + e.getMessage(), e);
        }
        if (root == null) {
            throw new LoraException(file + ": empty rank plan");
        }
        if (root.isObject() && root.has("rank_pattern")) {
            JsonNode r = root.get("r");
            if (r == null || !r.isIntegralNumber()) {
                throw new LoraException(file + ": field 'r' (the default rank) must be an integer when 'rank_pattern' is given");
            }
            return fromPattern(config, targets, r.asInt(), intMap(root.get("rank_pattern"), file + " rank_pattern"));
        }
        if (root.isObject() && root.path("layers").isArray()) {
            // a RankAdaptor search export (rankadaptor_ranks.json): {"layers": [{"layer": 0, "rank": 8, ...}, ...]}
            ArrayNode ranksOfLayers = JSON.createArrayNode();
            for (JsonNode layer : root.get("layers")) {
                ranksOfLayers.add(layer.get("rank"));
            }
            root = JSON.createObjectNode().set("ranks", ranksOfLayers);
        }
        JsonNode ranks = root.isObject() ? root.get("ranks") : root;
        if (ranks == null) {
            throw new LoraException(file + ": missing field 'ranks' (expected {\"ranks\": {\"0\": 8, ...}} or a list)");
        }
        int[] perLayer = new int[config.numLayers()];
        if (ranks.isArray()) {
            if (ranks.size() != config.numLayers()) {
                throw new LoraException(file + ": 'ranks' has " + ranks.size() + " entries but the model has "
                        + config.numLayers() + " layers");
            }
            for (int i = 0; i < ranks.size(); i++) {
                perLayer[i] = layerRank(ranks.get(i), file + " ranks[" + i + "]");
            }
        } else if (ranks.isObject()) {
            boolean[] seen = new boolean[config.numLayers()];
            Iterator<Map.Entry<String, JsonNode>> it = ranks.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                int layer;
                try {
                    layer = Integer.parseInt(e.getKey().trim());
                } catch (NumberFormatException ex) {
                    throw new LoraException(file + ": ranks key '" + e.getKey() + "' is not a layer index");
                }
                if (layer < 0 || layer >= config.numLayers()) {
                    throw new LoraException(file + ": ranks key '" + e.getKey() + "' is outside layers 0.."
                            + (config.numLayers() - 1));
                }
                perLayer[layer] = layerRank(e.getValue(), file + " ranks[\"" + e.getKey() + "\"]");
                seen[layer] = true;
            }
            for (int i = 0; i < seen.length; i++) {
                if (!seen[i]) {
                    throw new LoraException(file + ": 'ranks' has no entry for layer " + i + " (use 0 to leave a layer unadapted)");
                }
            }
        } else {
            throw new LoraException(file + ": 'ranks' must be an object {\"0\": 8, ...} or a list");
        }
        return perLayer(config, targets, perLayer);
    }

    private static int layerRank(JsonNode node, String where) {
        if (node == null || !node.isIntegralNumber() || node.asInt() < 0) {
            throw new LoraException(where + " must be a non-negative integer, got " + node);
        }
        return node.asInt();
    }

    static Map<String, Integer> intMap(JsonNode node, String where) {
        Map<String, Integer> map = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return map;
        }
        if (!node.isObject()) {
            throw new LoraException(where + " must be an object of name -> integer");
        }
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isIntegralNumber()) {
                throw new LoraException(where + "['" + e.getKey() + "'] must be an integer, got " + e.getValue());
            }
            map.put(e.getKey(), e.getValue().asInt());
        }
        return map;
    }

    private static void requireTargets(Set<Projection> targets) {
        if (targets.isEmpty()) {
            throw new LoraException("rank plan: no target modules");
        }
    }

    public int rank(int layer, Projection projection) {
        return ranks.getOrDefault(projection.modulePath(layer), 0);
    }

    public List<ModuleRef> modules() {
        return ranks.keySet().stream().map(ModuleRef::parse).toList();
    }

    /** Trainable LoRA parameters per unit of rank in each layer: the sum over targets of (in + out). */
    public static long[] paramsPerUnitRank(LlamaConfig config, Set<Projection> targets) {
        long[] perLayer = new long[config.numLayers()];
        for (int layer = 0; layer < perLayer.length; layer++) {
            for (Projection p : targets) {
                long[] shape = p.weightShape(config, layer);
                perLayer[layer] += shape[0] + shape[1];
            }
        }
        return perLayer;
    }

    /** r * (in + out) summed over modules, for this model's (possibly pruned) shapes. */
    public long trainableParameters(LlamaConfig config) {
        long total = 0;
        for (Map.Entry<String, Integer> e : ranks.entrySet()) {
            long[] shape = ModuleRef.parse(e.getKey()).requireIn(config, "rank plan").weightShape(config);
            total += (long) e.getValue() * (shape[0] + shape[1]);
        }
        return total;
    }

    /** Each layer's rank when all its modules share one, else -1: for reports. */
    public int[] layerRanks(LlamaConfig config) {
        int[] out = new int[config.numLayers()];
        java.util.Arrays.fill(out, 0);
        boolean[] mixed = new boolean[config.numLayers()];
        for (Map.Entry<String, Integer> e : ranks.entrySet()) {
            int layer = ModuleRef.parse(e.getKey()).layer();
            if (layer < out.length) {
                if (out[layer] != 0 && out[layer] != e.getValue()) {
                    mixed[layer] = true;
                }
                out[layer] = e.getValue();
            }
        }
        for (int i = 0; i < out.length; i++) {
            if (mixed[i]) {
                out[i] = -1;
            }
        }
        return out;
    }
}
