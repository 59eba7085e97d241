package org.rankadaptor.ui;

import org.rankadaptor.model.CheckpointException;
import org.rankadaptor.model.LlamaConfig;
import org.rankadaptor.model.Projection;
import org.rankadaptor.model.SafetensorsReader;
import org.rankadaptor.model.TensorDType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What the Model screen shows about a checkpoint: its architecture, parameters per module type and per layer, and
 * the element types stored in its safetensors files.
 */
public record ModelOverview(Path dir, LlamaConfig config, Map<ModuleType, Long> parametersByModule,
                           List<WeightFile> weightFiles) {

    /** Module types as the paper and PEFT name them; lm_head counts zero when tied to the embedding. */
    public enum ModuleType {
        EMBED("embed_tokens"), Q("q_proj"), K("k_proj"), V("v_proj"), O("o_proj"),
        GATE("gate_proj"), UP("up_proj"), DOWN("down_proj"), NORMS("norms"), LM_HEAD("lm_head");

        private final String label;

        ModuleType(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** One safetensors file: its size and how many tensors it stores in each element type. */
    public record WeightFile(String name, long bytes, Map<TensorDType, Integer> tensorsByDtype) {
        public WeightFile {
            tensorsByDtype = Collections.unmodifiableMap(new EnumMap<>(tensorsByDtype));
        }
    }

    /** Parameters of one decoder layer split into the three parts the per-layer chart stacks. */
    public record LayerParameters(int layer, long attention, long mlp, long norms) {
        public long total() {
            return attention + mlp + norms;
        }
    }

    public ModelOverview {
        parametersByModule = Collections.unmodifiableMap(new EnumMap<>(parametersByModule));
        weightFiles = List.copyOf(weightFiles);
    }

    /** Reads the safetensors headers (not the tensors) of the checkpoint in {@code dir}. */
    public static ModelOverview read(Path dir, LlamaConfig config) {
        return new ModelOverview(dir, config, parametersByModule(config), weightFiles(dir));
    }

    public static Map<ModuleType, Long> parametersByModule(LlamaConfig config) {
        Map<ModuleType, Long> counts = new EnumMap<>(ModuleType.class);
        long embed = (long) config.vocabSize() * config.hiddenSize();
        counts.put(ModuleType.EMBED, embed);
        for (Projection p : Projection.values()) {
            long sum = 0;
            for (int layer = 0; layer < config.numLayers(); layer++) {
                long[] shape = p.weightShape(config, layer);
                sum += shape[0] * shape[1];
            }
            counts.put(ModuleType.valueOf(p.name()), sum);
        }
        counts.put(ModuleType.NORMS, (2L * config.numLayers() + 1) * config.hiddenSize());
        counts.put(ModuleType.LM_HEAD, config.tieWordEmbeddings() ? 0 : embed);
        return counts;
    }

    public long totalParameters() {
        return parametersByModule.values().stream().mapToLong(Long::longValue).sum();
    }

    public List<LayerParameters> layerParameters() {
        List<LayerParameters> rows = new ArrayList<>();
        for (int layer = 0; layer < config.numLayers(); layer++) {
            long attention = 0;
            long mlp = 0;
            for (Projection p : Projection.values()) {
                long[] shape = p.weightShape(config, layer);
                boolean isAttention = p == Projection.Q || p == Projection.K || p == Projection.V || p == Projection.O;
                if (isAttention) {
                    attention += shape[0] * shape[1];
                } else {
                    mlp += shape[0] * shape[1];
                }
            }
            rows.add(new LayerParameters(layer, attention, mlp, 2L * config.hiddenSize()));
        }
        return rows;
    }

    /** Tensor counts per element type over all files, e.g. {F32=48}. */
    public Map<TensorDType, Integer> tensorsByDtype() {
        Map<TensorDType, Integer> all = new EnumMap<>(TensorDType.class);
        for (WeightFile f : weightFiles) {
            f.tensorsByDtype().forEach((type, n) -> all.merge(type, n, Integer::sum));
        }
        return all;
    }

    /** e.g. "F32 (48 tensors)" or "BF16 (40 tensors), F32 (9 tensors)". */
    public String dtypeDescription() {
        return tensorsByDtype().entrySet().stream()
                .map(e -> e.getKey() + " (" + e.getValue() + (e.getValue() == 1 ? " tensor)" : " tensors)"))
                .collect(Collectors.joining(", "));
    }

    public long weightBytes() {
        return weightFiles.stream().mapToLong(WeightFile::bytes).sum();
    }

    private static List<WeightFile> weightFiles(Path dir) {
        List<Path> files;
        try (Stream<Path> listing = Files.list(dir)) {
            files = listing.filter(p -> p.getFileName().toString().endsWith(".safetensors")).sorted().toList();
        } catch (IOException e) {
            throw new CheckpointException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        if (files.isEmpty()) {
            throw new CheckpointException(dir + ": no .safetensors files");
        }
        List<WeightFile> result = new ArrayList<>();
        for (Path file : files) {
            Map<TensorDType, Integer> counts = new LinkedHashMap<>();
            try (SafetensorsReader reader = SafetensorsReader.open(file)) {
                for (SafetensorsReader.Entry entry : reader.entries().values()) {
                    counts.merge(entry.dtype(), 1, Integer::sum);
                }
            }
            long bytes;
            try {
                bytes = Files.size(file);
            } catch (IOException e) {
                throw new CheckpointException("cannot read the size of " + file + ": " + e.getMessage(), e);
            }
            result.add(new WeightFile(file.getFileName().toString(), bytes, counts));
        }
        return result;
    }
}
