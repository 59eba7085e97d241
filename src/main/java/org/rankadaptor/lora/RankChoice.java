package org.rankadaptor.lora;

import org.rankadaptor.model.LlamaConfig;
import org.rankadaptor.model.Projection;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;

/**
 * How a recovery run picks its LoRA ranks: one rank everywhere, one rank per layer, or a plan file (a RankAdaptor
 * rankadaptor_ranks.json, a PEFT adapter_config.json with rank_pattern, or {"ranks": ...}; see {@link RankPlan#read}).
 * Resolved once into an immutable {@link RankPlan}.
 */
public record RankChoice(int uniformRank, int[] layerRanks, Path file) {
    public static RankChoice uniform(int rank) {
        if (rank <= 0) {
            throw new IllegalArgumentException("rank must be positive, got " + rank);
        }
        return new RankChoice(rank, null, null);
    }

    public static RankChoice perLayer(int[] ranks) {
        return new RankChoice(0, ranks.clone(), null);
    }

    public static RankChoice file(Path planFile) {
        return new RankChoice(0, null, planFile);
    }

    public RankPlan resolve(LlamaConfig config, Set<Projection> targets) {
        if (file != null) {
            return RankPlan.read(file, config, targets);
        }
        if (layerRanks != null) {
            return RankPlan.perLayer(config, targets, layerRanks);
        }
        return RankPlan.uniform(config, targets, uniformRank);
    }

    @Override
    public String toString() {
        return file != null ? "plan " + file.getFileName() : layerRanks != null ? "per-layer " + Arrays.toString(layerRanks) : "r=" + uniformRank;
    }
}
