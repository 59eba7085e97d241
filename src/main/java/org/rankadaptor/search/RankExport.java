package org.rankadaptor.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes the chosen per-layer ranks: a RankAdaptor summary JSON and a PEFT-style {@code adapter_config.json} whose
 * {@code rank_pattern}/{@code alpha_pattern} keys are full module names ({@code model.layers.3.self_attn.q_proj}),
 * which PEFT matches as suffixes of the module path.
 *
 * <p>Layer numbers: the summary's {@code layers[].layer} is 1-based, as every view of the workbench and the CLI's
 * layer ranges count; the PEFT keys {@code model.layers.N} stay 0-based, because they are the module names of the
 * Hugging Face model (layer 1 is {@code model.layers.0}).
 */
public final class RankExport {

    /** LLaMA projection modules and the block they live in. */
    public static final List<String> LLAMA_TARGET_MODULES =
            List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * What to export.
     *
     * @param modelId         model id or path (becomes base_model_name_or_path)
     * @param pruningSummary  pruning description from the prune stage, copied verbatim
     * @param ranks           one rank per layer
     * @param alpha           alpha per rank
     * @param targetModules   LoRA target modules, e.g. {@link #LLAMA_TARGET_MODULES}
     * @param objective       name of the optimised score, e.g. "mean zero-shot accuracy"
     * @param measuredScore   measured score of {@code ranks} (NaN if never measured)
     * @param predictedScore  performance-model prediction for {@code ranks}
     * @param iterations      search iterations run (evaluations minus baseline and initial samples)
     * @param evaluations     measurements in all
     * @param seconds         time spent
     * @param converged       whether the prediction-error criterion ended the search
     */
    public record Request(String modelId, JsonNode pruningSummary, int[] ranks, AlphaForRank alpha,
                          List<String> targetModules, String objective, double measuredScore,
                          double predictedScore, int iterations, int evaluations, double seconds,
                          boolean converged) {
        public Request {
            if (modelId == null || modelId.isBlank()) {
                throw new SearchException("rank export: modelId is empty");
            }
            if (ranks.length == 0) {
                throw new SearchException("rank export: ranks is empty");
            }
            for (int i = 0; i < ranks.length; i++) {
                if (ranks[i] <= 0) {
                    throw new SearchException("rank export: ranks[" + i + "] must be positive, got " + ranks[i]);
                }
            }
            if (targetModules.isEmpty()) {
                throw new SearchException("rank export: targetModules is empty");
            }
            ranks = ranks.clone();
            targetModules = List.copyOf(targetModules);
            pruningSummary = pruningSummary == null ? JSON.createObjectNode() : pruningSummary.deepCopy();
        }

        @Override
        public int[] ranks() {
            return ranks.clone();
        }

        /** Request for the best measured configuration of a search result. */
        public static Request bestMeasured(SearchResult result, String modelId, JsonNode pruningSummary,
                                           AlphaForRank alpha, List<String> targetModules, String objective) {
            int searchIterations = (int) result.iterations().stream()
                    .filter(it -> it.kind() == SearchIteration.Kind.SEARCH).count();
            return new Request(modelId, pruningSummary, result.bestMeasuredRanks(), alpha, targetModules, objective,
                    result.bestMeasuredScore(), result.bestMeasuredPredicted(), searchIterations,
                    result.evaluations(), result.measurementSeconds(), result.converged());
        }
    }

    /** Version 2: {@code layers[].layer} counts from 1 (version 1 counted from 0). */
    public static final String FORMAT = "rankadaptor-ranks/2";
    public static final String LAYER_NUMBERING = "layers[].layer and pruning.plan ranges are 1-based;"
            + " adapter_config.json keys model.layers.N are 0-based module names";

    private RankExport() {
    }

    /**
     * The request that wrote {@code summary} (a {@link #summaryJson} as a workspace stores it), with {@code ranks}
     * and their scores in place of the exported ones: exports any configuration of a stored search again.
     */
    public static Request requestFromSummary(JsonNode summary, int[] ranks, double measuredScore, double predictedScore) {
        JsonNode layers = summary.path("layers");
        AlphaForRank alpha = AlphaForRank.twiceRank();
        if (layers.isArray() && !layers.isEmpty()) {
            boolean twice = true;
            int firstAlpha = layers.get(0).path("alpha").asInt();
            boolean fixed = true;
            for (JsonNode layer : layers) {
                twice &= layer.path("alpha").asInt() == 2 * layer.path("rank").asInt();
                fixed &= layer.path("alpha").asInt() == firstAlpha;
            }
            alpha = twice ? AlphaForRank.twiceRank() : fixed && firstAlpha > 0 ? AlphaForRank.fixed(firstAlpha) : alpha;
        }
        List<String> targets = new java.util.ArrayList<>();
        summary.path("targetModules").forEach(t -> targets.add(t.asText()));
        JsonNode stats = summary.path("search");
        return new Request(summary.path("model").asText(), summary.get("pruning"), ranks, alpha,
                targets.isEmpty() ? LLAMA_TARGET_MODULES : targets, summary.path("objective").asText(), measuredScore,
                predictedScore, stats.path("iterations").asInt(), stats.path("evaluations").asInt(),
                stats.path("seconds").asDouble(), stats.path("converged").asBoolean());
    }

    /** RankAdaptor summary: model, pruning, per-layer rank and alpha, scores and search statistics. */
    public static ObjectNode summaryJson(Request request) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("layerNumbering", LAYER_NUMBERING);
        root.put("model", request.modelId());
        root.set("pruning", request.pruningSummary());
        ArrayNode layers = root.putArray("layers");
        int[] ranks = request.ranks();
        for (int l = 0; l < ranks.length; l++) {
            ObjectNode layer = layers.addObject();
            layer.put("layer", l + 1);
            layer.put("rank", ranks[l]);
            layer.put("alpha", request.alpha().alphaFor(ranks[l]));
        }
        ArrayNode modules = root.putArray("targetModules");
        request.targetModules().forEach(modules::add);
        root.put("objective", request.objective());
        putScore(root, "measuredScore", request.measuredScore());
        putScore(root, "predictedScore", request.predictedScore());
        ObjectNode stats = root.putObject("search");
        stats.put("iterations", request.iterations());
        stats.put("evaluations", request.evaluations());
        stats.put("seconds", request.seconds());
        stats.put("converged", request.converged());
        return root;
    }

    /** PEFT LoraConfig JSON with per-module rank and alpha patterns. */
    public static ObjectNode adapterConfig(Request request) {
        int[] ranks = request.ranks();
        int commonRank = mostCommon(ranks);
        ObjectNode root = JSON.createObjectNode();
        root.put("peft_type", "LORA");
        root.put("task_type", "CAUSAL_LM");
        root.put("base_model_name_or_path", request.modelId());
        root.put("r", commonRank);
        root.put("lora_alpha", request.alpha().alphaFor(commonRank));
        root.put("lora_dropout", 0.05);
        root.put("bias", "none");
        root.put("fan_in_fan_out", false);
        root.put("inference_mode", true);
        ArrayNode targets = root.putArray("target_modules");
        request.targetModules().forEach(targets::add);
        ObjectNode rankPattern = root.putObject("rank_pattern");
        ObjectNode alphaPattern = root.putObject("alpha_pattern");
        for (int l = 0; l < ranks.length; l++) {
            for (String module : request.targetModules()) {
                String key = modulePath(l, module);
                rankPattern.put(key, ranks[l]);
                alphaPattern.put(key, request.alpha().alphaFor(ranks[l]));
            }
        }
        return root;
    }

    /** Writes {@code rankadaptor_ranks.json} and {@code adapter_config.json} into {@code directory}. */
    public static void write(Request request, Path directory) {
        try {
            Files.createDirectories(directory);
            JSON.writeValue(directory.resolve("rankadaptor_ranks.json").toFile(), summaryJson(request));
            JSON.writeValue(directory.resolve("adapter_config.json").toFile(), adapterConfig(request));
        } catch (IOException e) {
            throw new SearchException("rank export: cannot write to " + directory + ": " + e.getMessage(), e);
        }
    }

    /** Full module name in a Hugging Face LLaMA model. */
    public static String modulePath(int layer, String module) {
        String block = switch (module) {
            case "q_proj", "k_proj", "v_proj", "o_proj" -> "self_attn";
            case "gate_proj", "up_proj", "down_proj" -> "mlp";
            default -> throw new SearchException("rank export: unknown LLaMA target module '" + module
                    + "' (expected one of " + LLAMA_TARGET_MODULES + ")");
        };
        return "model.layers." + layer + "." + block + "." + module;
    }

    /** Most frequent rank; ties go to the smaller rank so the output is deterministic. */
    static int mostCommon(int[] ranks) {
        Map<Integer, Integer> counts = new TreeMap<>();
        for (int r : ranks) {
            counts.merge(r, 1, Integer::sum);
        }
        int best = ranks[0];
        int bestCount = 0;
        for (Map.Entry<Integer, Integer> e : counts.entrySet()) {
            if (e.getValue() > bestCount) {
                best = e.getKey();
                bestCount = e.getValue();
            }
        }
        return best;
    }

    private static void putScore(ObjectNode node, String field, double value) {
        if (Double.isFinite(value)) {
            node.put(field, value);
        } else {
            node.putNull(field);
        }
    }
}
