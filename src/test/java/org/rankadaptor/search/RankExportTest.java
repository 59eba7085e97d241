package org.rankadaptor.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RankExportTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static RankExport.Request request(AlphaForRank alpha) {
        JsonNode pruning = JSON.createObjectNode().put("method", "taylor").put("ratio", 0.2);
        return new RankExport.Request("models/llama-tiny", pruning, new int[] {8, 4, 12, 4}, alpha,
                RankExport.LLAMA_TARGET_MODULES, "mean zero-shot accuracy", 61.25, 60.9, 7, 12, 3600.5, true);
    }

    @Test
    void adapterConfigHasPerModuleRankAndAlphaPatterns(@TempDir Path dir) throws Exception {
        RankExport.write(request(AlphaForRank.twiceRank()), dir);
        JsonNode adapter = JSON.readTree(dir.resolve("adapter_config.json").toFile());
        assertEquals("LORA", adapter.get("peft_type").asText());
        assertEquals("CAUSAL_LM", adapter.get("task_type").asText());
        assertEquals("models/llama-tiny", adapter.get("base_model_name_or_path").asText());
        assertEquals(4, adapter.get("r").asInt(), "most common rank");
        assertEquals(8, adapter.get("lora_alpha").asInt());
        assertEquals(7, adapter.get("target_modules").size());
        JsonNode ranks = adapter.get("rank_pattern");
        assertEquals(4 * 7, ranks.size());
        assertEquals(12, ranks.get("model.layers.2.self_attn.q_proj").asInt());
        assertEquals(4, ranks.get("model.layers.3.mlp.down_proj").asInt());
        assertEquals(24, adapter.get("alpha_pattern").get("model.layers.2.mlp.gate_proj").asInt());

        JsonNode summary = JSON.readTree(dir.resolve("rankadaptor_ranks.json").toFile());
        assertEquals("taylor", summary.get("pruning").get("method").asText());
        assertEquals(12, summary.get("layers").get(2).get("rank").asInt());
        assertEquals(3, summary.get("layers").get(2).get("layer").asInt(), "layers count from 1 in the summary");
        assertEquals(RankExport.FORMAT, summary.get("format").asText());
        assertTrue(summary.get("layerNumbering").asText().contains("0-based"), "the PEFT keys' numbering is stated");
        assertEquals(24, summary.get("layers").get(2).get("alpha").asInt());
        assertEquals(61.25, summary.get("measuredScore").asDouble());
        assertEquals(12, summary.get("search").get("evaluations").asInt());
        assertTrue(summary.get("search").get("converged").asBoolean());
    }

    @Test
    void fixedAlphaAndBadInputs() {
        JsonNode adapter = RankExport.adapterConfig(request(AlphaForRank.fixed(16)));
        assertEquals(16, adapter.get("alpha_pattern").get("model.layers.0.self_attn.k_proj").asInt());
        assertEquals(16, adapter.get("lora_alpha").asInt());
        SearchException e = assertThrows(SearchException.class, () -> RankExport.modulePath(0, "lm_head"));
        assertTrue(e.getMessage().contains("lm_head"));
        assertThrows(SearchException.class, () -> new RankExport.Request("m", null, new int[] {0}, AlphaForRank.twiceRank(),
                RankExport.LLAMA_TARGET_MODULES, "o", 1, 1, 0, 1, 0, false));
    }

    @Test
    void aStoredSummaryExportsAnyConfigurationAgain(@TempDir Path dir) throws Exception {
        RankExport.Request original = request(AlphaForRank.twiceRank());
        RankExport.Request again = RankExport.requestFromSummary(RankExport.summaryJson(original),
                new int[] {2, 2, 4, 4}, -11.5, -11.2);
        assertEquals(original.modelId(), again.modelId());
        assertEquals(original.targetModules(), again.targetModules());
        assertEquals(original.objective(), again.objective());
        assertEquals(AlphaForRank.twiceRank(), again.alpha(), "alpha = 2 x rank is read back from the layers");
        RankExport.write(again, dir);
        JsonNode adapter = JSON.readTree(dir.resolve("adapter_config.json").toFile());
        assertEquals(4, adapter.get("rank_pattern").get("model.layers.3.mlp.down_proj").asInt());
        assertEquals(-11.5, JSON.readTree(dir.resolve("rankadaptor_ranks.json").toFile()).get("measuredScore").asDouble());
    }
}
