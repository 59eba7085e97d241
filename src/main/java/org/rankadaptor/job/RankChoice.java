package org.rankadaptor.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.rankadaptor.lora.LoraException;
import org.rankadaptor.lora.RankPlan;
import org.rankadaptor.model.LlamaConfig;
import org.rankadaptor.model.Projection;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

/**
 * How a recovery run picks its LoRA ranks: one rank everywhere, one rank per layer, or a file (a RankAdaptor
 * rankadaptor_ranks.json, a PEFT adapter_config.json with rank_pattern, or a plan {"ranks": ...}). Resolved once
 * into an immutable {@link RankPlan}.
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
            int[] searched = searchExportRanks(file);
            return searched != null ? RankPlan.perLayer(config, targets, searched) : RankPlan.read(file, config, targets);
        }
        if (layerRanks != null) {
            return RankPlan.perLayer(config, targets, layerRanks);
        }
        return RankPlan.uniform(config, targets, uniformRank);
    }

    /** Per-layer ranks of a RankAdaptor export ({"format": "rankadaptor-ranks/1", "layers": [{"rank": r}, ...]}), else null. */
    private static int[] searchExportRanks(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new LoraException("cannot parse rank plan " + file + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isObject() || !root.path("layers").isArray()) {
            return null;
        }
        JsonNode layers = root.get("layers");
        int[] ranks = new int[layers.size()];
        for (int i = 0; i < ranks.length; i++) {
            JsonNode rank = layers.get(i).get("rank");
            if (rank == null || !rank.isInt()) {
                throw new LoraException(file + ": layers[" + i + "].rank must be an integer");
            }
            ranks[i] = rank.asInt();
        }
        return ranks;
    }

    @Override
    public String toString() {
        return file != null ? "file " + file : layerRanks != null ? "per-layer " + java.util.Arrays.toString(layerRanks) : "uniform " + uniformRank;
    }
}
