package org.rankadaptor.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.rankadaptor.model.CheckpointException;
import org.rankadaptor.model.CheckpointWriter;
import org.rankadaptor.model.LlamaConfig;
import org.rankadaptor.model.LlamaModel;
import org.rankadaptor.model.Projection;
import org.rankadaptor.model.SafetensorsReader;
import org.rankadaptor.model.SafetensorsWriter;
import org.rankadaptor.model.TensorDType;
import org.rankadaptor.model.TensorData;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Hugging Face PEFT LoRA adapter directories: {@code adapter_config.json} + {@code adapter_model.safetensors} with
 * tensors "base_model.model.model.layers.{i}.self_attn.q_proj.lora_A.weight" [r, in] and "...lora_B.weight" [out, r],
 * which {@code PeftModel.from_pretrained(base, dir)} loads. Per-module ranks and alphas are written as PEFT
 * {@code rank_pattern} / {@code alpha_pattern} around the most common value (keys like "layers.3.self_attn.q_proj",
 * see {@link PeftPatterns}); when not every layer has every target module, {@code target_modules} is a regex naming
 * the adapted modules exactly.
 */
public final class PeftAdapter {
    public static final String CONFIG_FILE = "adapter_config.json";
    public static final String WEIGHTS_FILE = "adapter_model.safetensors";
    static final String PREFIX = "base_model.model.";
    private static final ObjectMapper JSON = new ObjectMapper();

    private PeftAdapter() {
    }

    public static String tensorName(ModuleRef ref, String which) {
        return PREFIX + ref.path() + "." + which + ".weight";
    }

    /** Writes the adapter as a PEFT LoRA directory. */
    public static void save(LoraAdapter adapter, Path dir, String baseModelNameOrPath) {
        List<LoraAdapter.Module> modules = adapter.modules();
        if (modules.isEmpty()) {
            throw new LoraException("cannot export an adapter with no modules");
        }
        int r = mostCommon(modules.stream().map(LoraAdapter.Module::rank).toList());
        double alpha = mostCommon(modules.stream().map(LoraAdapter.Module::alpha).toList());
        ObjectNode root = JSON.createObjectNode();
        root.put("peft_type", "LORA");
        root.put("task_type", "CAUSAL_LM");
        root.put("base_model_name_or_path", baseModelNameOrPath);
        root.put("r", r);
        putNumber(root, "lora_alpha", alpha);
        root.put("lora_dropout", adapter.settings().dropout());
        root.put("use_rslora", adapter.settings().scaling() == LoraSettings.Scaling.RANK_STABILIZED);
        root.put("bias", "none");
        root.put("fan_in_fan_out", false);
        root.put("inference_mode", true);
        root.put("init_lora_weights", true);
        root.put("use_dora", false);
        root.putNull("layers_to_transform");
        root.putNull("layers_pattern");
        root.putNull("modules_to_save");
        writeTargets(root, adapter);
        ObjectNode rankPattern = root.putObject("rank_pattern");
        ObjectNode alphaPattern = root.putObject("alpha_pattern");
        for (LoraAdapter.Module m : modules) {
            String key = patternKey(m.ref());
            if (m.rank() != r) {
                rankPattern.put(key, m.rank());
            }
            if (m.alpha() != alpha) {
                putNumber(alphaPattern, key, m.alpha());
            }
        }
        SafetensorsWriter writer = new SafetensorsWriter().metadata("format", "pt");
        try (NDManager scratch = adapter.modules().get(0).a().getManager().newSubManager()) {
            for (LoraAdapter.Module m : modules) {
                writer.put(tensorName(m.ref(), "lora_A"), data(m.a(), scratch));
                writer.put(tensorName(m.ref(), "lora_B"), data(m.b(), scratch));
            }
        }
        try {
            Files.createDirectories(dir);
            JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(CONFIG_FILE).toFile(), root);
            writer.write(dir.resolve(WEIGHTS_FILE), TensorDType.F32);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write adapter to " + dir + ": " + e.getMessage(), e);
        }
    }

    private static TensorData data(NDArray array, NDManager scratch) {
        NDArray detached = array.stopGradient();
        detached.attach(scratch);
        return CheckpointWriter.toTensorData(detached);
    }

    private static void putNumber(ObjectNode node, String field, double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e9) {
            node.put(field, (long) value);
        } else {
            node.put(field, value);
        }
    }

    /** "layers.3.self_attn.q_proj": matches under both PEFT pattern rules, never another layer's module. */
    static String patternKey(ModuleRef ref) {
        return ref.path().substring("model.".length());
    }

    private static void writeTargets(ObjectNode root, LoraAdapter adapter) {
        Set<Projection> projections = adapter.settings().targets();
        LlamaConfig config = adapter.config();
        boolean complete = true;
        for (int layer = 0; layer < config.numLayers() && complete; layer++) {
            for (Projection p : projections) {
                if (adapter.plan().rank(layer, p) == 0) {
                    complete = false;
                    break;
                }
            }
        }
        if (complete) {
            ArrayNode list = root.putArray("target_modules");
            new TreeSet<>(projections.stream().map(Projection::shortName).toList()).forEach(list::add);
        } else {
            List<String> names = new ArrayList<>();
            for (LoraAdapter.Module m : adapter.modules()) {
                names.add(m.ref().path().replace(".", "\\."));
            }
            root.put("target_modules", String.join("|", names));
        }
    }

    private static <T> T mostCommon(List<T> values) {
        Map<T, Integer> counts = new LinkedHashMap<>();
        for (T v : values) {
            counts.merge(v, 1, Integer::sum);
        }
        T best = null;
        int bestCount = -1;
        for (Map.Entry<T, Integer> e : counts.entrySet()) {
            if (e.getValue() > bestCount) {
                best = e.getKey();
                bestCount = e.getValue();
            }
        }
        return best;
    }

    // ---- reading ----

    /** Reads a PEFT LoRA directory for this model. Errors name the file and the field, tensor or module. */
    public static LoraAdapter load(Path dir, LlamaModel model) {
        Path configFile = dir.resolve(CONFIG_FILE);
        Path weightsFile = dir.resolve(WEIGHTS_FILE);
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(configFile));
        } catch (NoSuchFileException e) {
            throw new LoraException("not a PEFT adapter directory (no " + CONFIG_FILE + "): " + dir);
        } catch (IOException e) {
            throw new LoraException("cannot parse " + configFile + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new LoraException(configFile + ": expected a JSON object");
        }
        String peftType = root.path("peft_type").asText("LORA");
        if (!peftType.equals("LORA")) {
            throw new LoraException(configFile + ": peft_type '" + peftType + "' is not supported (only LORA; export"
                    + " AdaLoRA adapters folded as LoRA)");
        }
        if (root.path("use_dora").asBoolean(false)) {
            throw new LoraException(configFile + ": use_dora is not supported");
        }
        if (!root.path("bias").asText("none").equals("none")) {
            throw new LoraException(configFile + ": bias '" + root.path("bias").asText() + "' is not supported (only none)");
        }
        for (String unsupported : new String[] {"layers_to_transform", "modules_to_save"}) {
            if (root.hasNonNull(unsupported) && !(root.get(unsupported).isArray() && root.get(unsupported).isEmpty())) {
                throw new LoraException(configFile + ": field '" + unsupported + "' is not supported");
            }
        }
        JsonNode rNode = root.get("r");
        if (rNode == null || !rNode.isIntegralNumber() || rNode.asInt() <= 0) {
            throw new LoraException(configFile + ": field 'r' must be a positive integer, got " + rNode);
        }
        JsonNode alphaNode = root.get("lora_alpha");
        if (alphaNode == null || !alphaNode.isNumber()) {
            throw new LoraException(configFile + ": field 'lora_alpha' must be a number, got " + alphaNode);
        }
        Map<String, Integer> rankPattern = RankPlan.intMap(root.get("rank_pattern"), configFile + " rank_pattern");
        Map<String, Double> alphaPattern = doubleMap(root.get("alpha_pattern"), configFile + " alpha_pattern");
        JsonNode targets = root.get("target_modules");
        if (targets == null || !(targets.isArray() || targets.isTextual())) {
            throw new LoraException(configFile + ": field 'target_modules' must be a list of names or a regex string");
        }
        List<String> targetList = new ArrayList<>();
        if (targets.isArray()) {
            targets.forEach(t -> targetList.add(t.asText()));
        }
        double dropout = root.path("lora_dropout").asDouble(0.0);
        LoraSettings.Scaling scaling = root.path("use_rslora").asBoolean(false)
                ? LoraSettings.Scaling.RANK_STABILIZED : LoraSettings.Scaling.STANDARD;

        LlamaConfig config = model.config();
        List<LoraAdapter.ModuleWeights> weights = new ArrayList<>();
        Set<String> used = new LinkedHashSet<>();
        Set<Projection> projections = new LinkedHashSet<>();
        if (!Files.exists(weightsFile)) {
            throw new LoraException("adapter directory " + dir + " has no " + WEIGHTS_FILE
                    + " (adapter_model.bin is not supported)");
        }
        try (SafetensorsReader reader = SafetensorsReader.open(weightsFile)) {
            for (int layer = 0; layer < config.numLayers(); layer++) {
                for (Projection p : Projection.values()) {
                    ModuleRef ref = new ModuleRef(layer, p);
                    String name = ref.path();
                    boolean targeted = targets.isTextual()
                            ? PeftPatterns.targets(targets.asText(), name)
                            : PeftPatterns.targets(targetList, name);
                    if (!targeted) {
                        continue;
                    }
                    int rank = PeftPatterns.lookup(rankPattern, name).orElse(rNode.asInt());
                    double alpha = PeftPatterns.lookup(alphaPattern, name).orElse(alphaNode.asDouble());
                    String aName = tensorName(ref, "lora_A");
                    String bName = tensorName(ref, "lora_B");
                    for (String t : new String[] {aName, bName}) {
                        if (!reader.contains(t)) {
                            throw new LoraException(weightsFile + ": missing tensor '" + t + "' (module " + name
                                    + " is targeted by " + CONFIG_FILE + ")");
                        }
                    }
                    TensorData a = reader.read(aName);
                    TensorData b = reader.read(bName);
                    long[] shape = ref.weightShape(config);
                    if (a.shape().length != 2 || a.shape()[0] != rank || a.shape()[1] != shape[1]) {
                        throw new LoraException(weightsFile + ": tensor '" + aName + "' has shape "
                                + java.util.Arrays.toString(a.shape()) + ", expected [" + rank + ", " + shape[1] + "]");
                    }
                    if (b.shape().length != 2 || b.shape()[0] != shape[0] || b.shape()[1] != rank) {
                        throw new LoraException(weightsFile + ": tensor '" + bName + "' has shape "
                                + java.util.Arrays.toString(b.shape()) + ", expected [" + shape[0] + ", " + rank + "]");
                    }
                    used.add(aName);
                    used.add(bName);
                    projections.add(p);
                    weights.add(new LoraAdapter.ModuleWeights(ref, alpha, a, b));
                }
            }
            for (String name : reader.entries().keySet()) {
                if (name.contains("lora_") && !used.contains(name)) {
                    throw new LoraException(weightsFile + ": tensor '" + name + "' belongs to no module targeted by "
                            + CONFIG_FILE + " in this " + config.numLayers() + "-layer model");
                }
            }
        } catch (CheckpointException e) {
            throw new LoraException("cannot read " + weightsFile + ": " + e.getMessage(), e);
        }
        if (weights.isEmpty()) {
            throw new LoraException(configFile + ": target_modules " + targets + " match no module of the model");
        }
        LoraSettings settings = new LoraSettings(projections, alphaNode.asDouble(), alphaPattern,
                LoraSettings.AlphaRule.FIXED, dropout, scaling);
        return LoraAdapter.fromWeights(model, settings, weights);
    }

    private static Map<String, Double> doubleMap(JsonNode node, String where) {
        Map<String, Double> ordered = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return ordered;
        }
        if (!node.isObject()) {
            throw new LoraException(where + " must be an object of name -> number");
        }
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isNumber()) {
                throw new LoraException(where + "['" + e.getKey() + "'] must be a number, got " + e.getValue());
            }
            ordered.put(e.getKey(), e.getValue().asDouble());
        }
        return ordered;
    }
}
