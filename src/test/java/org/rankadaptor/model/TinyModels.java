package org.rankadaptor.model;

import java.nio.file.Path;

/** Shapes of the random test models: grouped and ungrouped attention, tied and untied embeddings. */
public final class TinyModels {
    private TinyModels() {
    }

    /** 8 query heads sharing 4 kv heads, tied embeddings, like stories260K. */
    public static LlamaConfig groupedTied() {
        return LlamaConfig.uniform(32, 2, 8, 4, 48, 64, true);
    }

    /** 4 heads, 4 kv heads, untied head. */
    public static LlamaConfig ungroupedUntied() {
        return LlamaConfig.uniform(32, 2, 4, 4, 40, 64, false);
    }

    public static LlamaConfig[] all() {
        return new LlamaConfig[] {groupedTied(), ungroupedUntied(),
            LlamaConfig.uniform(24, 3, 6, 2, 36, 50, false), LlamaConfig.uniform(16, 1, 2, 2, 20, 40, true)};
    }

    public static LlamaModel write(Path dir, LlamaConfig config, long seed) {
        RandomCheckpoint.write(dir, config, seed, TensorDType.F32);
        return CheckpointLoader.load(dir);
    }
}
