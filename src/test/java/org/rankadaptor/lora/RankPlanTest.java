package org.rankadaptor.lora;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rankadaptor.model.LlamaConfig;
import org.rankadaptor.model.Projection;
import org.rankadaptor.TinyModels;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RankPlanTest {
    @TempDir
    Path dir;

    private final LlamaConfig config = TinyModels.prunedConfig();

    @Test
    void layerRankFilesInEveryAcceptedFormResolveToTheSamePlan() throws Exception {
        RankPlan expected = RankPlan.perLayer(config, EnumSet.of(Projection.Q, Projection.V), new int[] {8, 0, 4});
        assertEquals(2 * 2, expected.ranks().size());
        assertEquals(4, expected.rank(2, Projection.V));
        assertEquals(0, expected.rank(1, Projection.Q));
        for (String json : new String[] {"{\"ranks\": {\"0\": 8, \"1\": 0, \"2\": 4}}", "{\"ranks\": [8, 0, 4]}", "[8, 0, 4]",
            "{\"r\": 8, \"rank_pattern\": {\"layers.2.self_attn.q_proj\": 4, \"layers.2.self_attn.v_proj\": 4,"
                + " \"layers.1.self_attn.q_proj\": 0, \"layers.1.self_attn.v_proj\": 0}}"}) {
            Path file = dir.resolve("plan.json");
            Files.writeString(file, json);
            assertEquals(expected, RankPlan.read(file, config, EnumSet.of(Projection.Q, Projection.V)), json);
        }
    }

    @Test
    void peftPatternsUseTheFirstMatchingKey() {
        Map<String, Integer> pattern = new LinkedHashMap<>();
        pattern.put("layers.1.mlp.down_proj", 2);
        pattern.put("down_proj", 6);
        RankPlan plan = RankPlan.fromPattern(config, LoraSettings.ALL_TARGETS, 8, pattern);
        assertEquals(2, plan.rank(1, Projection.DOWN));
        assertEquals(6, plan.rank(0, Projection.DOWN));
        assertEquals(8, plan.rank(1, Projection.UP));
        // trainable parameters follow each layer's pruned shape: layer 1 q_proj is (8, 16)
        RankPlan one = new RankPlan(Map.of("model.layers.1.self_attn.q_proj", 3));
        assertEquals(3 * (8 + 16), one.trainableParameters(config));
    }

    @Test
    void badPlansNameTheProblem() throws Exception {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "{\"ranks\": {\"0\": 8, \"2\": 4}}");
        assertTrue(assertThrows(LoraException.class, () -> RankPlan.read(file, config, LoraSettings.ALL_TARGETS))
                .getMessage().contains("no entry for layer 1"));
        Files.writeString(file, "{\"ranks\": [8, -1, 4]}");
        assertTrue(assertThrows(LoraException.class, () -> RankPlan.read(file, config, LoraSettings.ALL_TARGETS))
                .getMessage().contains("ranks[1]"));
        Files.writeString(file, "{\"ranks\": {\"0\": 8, \"1\": 8, \"7\": 4}}");
        assertTrue(assertThrows(LoraException.class, () -> RankPlan.read(file, config, LoraSettings.ALL_TARGETS))
                .getMessage().contains("'7' is outside layers 0..2"));
        Files.writeString(file, "{ nope");
        assertTrue(assertThrows(LoraException.class, () -> RankPlan.read(file, config, LoraSettings.ALL_TARGETS))
                .getMessage().contains("cannot parse rank plan"));
        assertThrows(LoraException.class, () -> new RankPlan(Map.of("model.layers.0.mlp.q_proj", 4)));
        assertThrows(LoraException.class, () -> new RankPlan(Map.of("model.layers.0.self_attn.q_proj", 0)));
    }
}
