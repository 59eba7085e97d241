package org.rankadaptor.model;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** What a user wants to know about a checkpoint before loading it: shape, parameters per module type, dtypes. */
public record ModelSummary(Path directory, LlamaConfig config, Map<String, Long> parametersByModule,
                           long totalParameters, List<String> fileDtypes) {

    /** Reads config.json and the safetensors headers only. */
    public static ModelSummary of(Path modelDir) {
        LlamaConfig config = CheckpointLoader.readConfig(modelDir);
        TreeSet<String> dtypes = new TreeSet<>();
        for (Path file : new TreeSet<>(CheckpointLoader.tensorFiles(modelDir).values())) {
            try (SafetensorsReader reader = SafetensorsReader.open(file)) {
                reader.entries().values().forEach(e -> dtypes.add(e.dtype().name()));
            }
        }
        return new ModelSummary(modelDir, config, parametersByModule(config), config.totalParameters(), List.copyOf(dtypes));
    }

    public static Map<String, Long> parametersByModule(LlamaConfig config) {
        Map<String, Long> counts = new LinkedHashMap<>();
        long embed = (long) config.vocabSize() * config.hiddenSize();
        counts.put("embed_tokens", embed);
        for (Projection p : Projection.values()) {
            long n = 0;
            for (int i = 0; i < config.numLayers(); i++) {
                long[] shape = p.weightShape(config, i);
                n += shape[0] * shape[1];
            }
            counts.put(p.shortName(), n);
        }
        counts.put("norms", (2L * config.numLayers() + 1) * config.hiddenSize());
        counts.put("lm_head", config.tieWordEmbeddings() ? 0L : embed);
        return counts;
    }
}
