package org.rankadaptor.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rankadaptor.model.CheckpointLoader;
import org.rankadaptor.model.LlamaModel;
import org.rankadaptor.model.Projection;
import org.rankadaptor.model.SafetensorsReader;
import org.rankadaptor.model.SafetensorsWriter;
import org.rankadaptor.model.TensorDType;
import org.rankadaptor.model.TensorData;
import org.rankadaptor.TinyModels;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PeftAdapterTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    private static LlamaModel model;

    @BeforeAll
    static void setUp() {
        model = TinyModels.write(dir.resolve("model"), TinyModels.prunedConfig(), 21);
    }

    @AfterAll
    static void tearDown() {
        model.close();
    }

    /** A per-layer plan with B made nonzero, so deltas are not trivially zero. */
    private static LoraAdapter trainedLookingAdapter(int[] layerRanks) {
        LoraAdapter adapter = LoraAdapter.create(model, RankPlan.perLayer(model.config(), LoraSettings.ALL_TARGETS,
                layerRanks), LoraSettings.defaults().withAlphaRule(LoraSettings.AlphaRule.TWICE_RANK), 8);
        int k = 0;
        for (NDArray p : adapter.parameters().values()) {
            TinyModels.perturb(p, 0.2, 50 + k++);
        }
        adapter.eval();
        return adapter;
    }

    @Test
    void exportedAdapterReadsBackWithTheSameDeltaPerModule() throws Exception {
        Path out = dir.resolve("peft");
        try (LoraAdapter adapter = trainedLookingAdapter(new int[] {4, 2, 4});
             NDManager manager = model.manager().newSubManager()) {
            PeftAdapter.save(adapter, out, "stories-pruned");
            JsonNode config = JSON.readTree(out.resolve(PeftAdapter.CONFIG_FILE).toFile());
            assertEquals("LORA", config.get("peft_type").asText());
            assertEquals("CAUSAL_LM", config.get("task_type").asText());
            assertEquals(4, config.get("r").asInt());
            assertEquals(8, config.get("lora_alpha").asInt());
            assertEquals(2, config.get("rank_pattern").get("layers.1.self_attn.q_proj").asInt());
            assertEquals(4, config.get("alpha_pattern").get("layers.1.mlp.down_proj").asInt());
            assertEquals(7, config.get("rank_pattern").size());
            assertEquals(7, config.get("target_modules").size());
            try (SafetensorsReader reader = SafetensorsReader.open(out.resolve(PeftAdapter.WEIGHTS_FILE))) {
                // layer 1 is pruned: q_proj is (2 heads x 4, 16), down_proj (16, 10)
                assertArrayEquals(new long[] {2, 16},
                        reader.entries().get("base_model.model.model.layers.1.self_attn.q_proj.lora_A.weight").shape());
                assertArrayEquals(new long[] {8, 2},
                        reader.entries().get("base_model.model.model.layers.1.self_attn.q_proj.lora_B.weight").shape());
                assertArrayEquals(new long[] {2, 10},
                        reader.entries().get("base_model.model.model.layers.1.mlp.down_proj.lora_A.weight").shape());
                assertEquals(2 * 7 * 3, reader.entries().size());
            }
            try (LoraAdapter back = PeftAdapter.load(out, model)) {
                assertEquals(adapter.plan(), back.plan());
                assertEquals(adapter.trainableParameters(), back.trainableParameters());
                for (ModuleRef ref : adapter.plan().modules()) {
                    assertArrayEquals(adapter.deltaWeight(ref, manager).toFloatArray(),
                            back.deltaWeight(ref, manager).toFloatArray(), 1e-7f, ref.path());
                }
            }
        }
    }

    @Test
    void mergedModelMatchesBasePlusAdapterAndSurvivesSaving() {
        try (LoraAdapter adapter = trainedLookingAdapter(new int[] {3, 0, 5});
             NDManager manager = model.manager().newSubManager()) {
            NDArray ids = manager.create(new long[] {1, 5, 9, 13, 17, 21, 30, 39, 2}, new Shape(1, 9));
            float[] expected = model.forward(ids, null, adapter, null).toFloatArray();
            float[] base = model.logits(ids).toFloatArray();
            Path merged = dir.resolve("merged");
            LoraMerger.mergeAndSave(model, adapter, merged, null);
            try (LlamaModel reloaded = CheckpointLoader.load(merged)) {
                NDArray ids2 = reloaded.manager().create(new long[] {1, 5, 9, 13, 17, 21, 30, 39, 2}, new Shape(1, 9));
                float[] actual = reloaded.logits(ids2).toFloatArray();
                double maxDiff = 0;
                double changed = 0;
                for (int i = 0; i < expected.length; i++) {
                    maxDiff = Math.max(maxDiff, Math.abs(expected[i] - actual[i]));
                    changed = Math.max(changed, Math.abs(expected[i] - base[i]));
                }
                assertTrue(maxDiff <= 1e-5, "max |merged - adapted| " + maxDiff);
                assertTrue(changed > 1e-3, "the adapter must change the logits: " + changed);
            }
            // layer 1 had rank 0: not adapted, so target_modules must name modules exactly
            Path out = dir.resolve("partial");
            PeftAdapter.save(adapter, out, "x");
            try (LoraAdapter back = PeftAdapter.load(out, model)) {
                assertEquals(0, back.plan().rank(1, Projection.Q));
                assertEquals(adapter.plan(), back.plan());
            }
        }
    }

    @Test
    void adaloraFoldedIntoLoraKeepsTheSameUpdate() {
        AdaLoraSettings settings = AdaLoraSettings.defaults().withRanks(4, 2);
        try (AdaLoraAdapter ada = AdaLoraAdapter.create(model, EnumSet.of(Projection.Q, Projection.DOWN),
                LoraSettings.defaults(), settings, 3);
             NDManager manager = model.manager().newSubManager()) {
            int k = 0;
            for (NDArray p : ada.parameters().values()) {
                TinyModels.perturb(p, 0.3, 70 + k++);
            }
            // zero two singular values of the first module, as the allocator would
            AdaLoraAdapter.Module first = ada.modules().get(0);
            first.lambda().stopGradient().muli(manager.create(new float[] {1, 0, 1, 0}, new Shape(4, 1)));
            ada.eval();
            NDArray ids = manager.create(new long[] {1, 7, 8, 9, 10, 2}, new Shape(1, 6));
            float[] expected = model.forward(ids, null, ada, null).toFloatArray();
            try (LoraAdapter lora = ada.toLora(model)) {
                assertEquals(2, lora.module(first.ref()).rank());
                assertEquals(4, lora.module(ada.modules().get(1).ref()).rank());
                float[] actual = model.forward(ids, null, lora, null).toFloatArray();
                assertArrayEquals(expected, actual, 1e-5f);
                Path out = dir.resolve("folded");
                PeftAdapter.save(lora, out, "x");
                try (LoraAdapter back = PeftAdapter.load(out, model)) {
                    assertArrayEquals(expected, model.forward(ids, null, back, null).toFloatArray(), 1e-5f);
                }
            }
            assertEquals(2 + 4 * 5, ada.totalRank());
        }
    }

    @Test
    void badAdapterDirectoriesGiveClearErrors() throws Exception {
        Path good = dir.resolve("good");
        try (LoraAdapter adapter = trainedLookingAdapter(new int[] {2, 2, 2})) {
            PeftAdapter.save(adapter, good, "x");
        }
        Path badJson = copy(good, "bad-json");
        Files.writeString(badJson.resolve(PeftAdapter.CONFIG_FILE), "{ not json");
        assertTrue(assertThrows(LoraException.class, () -> PeftAdapter.load(badJson, model)).getMessage()
                .contains("adapter_config.json"));

        Path noR = copy(good, "no-r");
        Files.writeString(noR.resolve(PeftAdapter.CONFIG_FILE),
                Files.readString(noR.resolve(PeftAdapter.CONFIG_FILE)).replace("\"r\" : 2", "\"r\" : \"two\""));
        assertTrue(assertThrows(LoraException.class, () -> PeftAdapter.load(noR, model)).getMessage().contains("'r'"));

        Path missing = copy(good, "missing");
        rewriteWeights(missing, "base_model.model.model.layers.2.mlp.up_proj.lora_B.weight", null);
        LoraException e = assertThrows(LoraException.class, () -> PeftAdapter.load(missing, model));
        assertTrue(e.getMessage().contains("missing tensor 'base_model.model.model.layers.2.mlp.up_proj.lora_B.weight'"),
                e.getMessage());

        Path wrongShape = copy(good, "wrong-shape");
        rewriteWeights(wrongShape, "base_model.model.model.layers.0.self_attn.k_proj.lora_A.weight",
                new TensorData(new long[] {2, 15}, new float[30]));
        e = assertThrows(LoraException.class, () -> PeftAdapter.load(wrongShape, model));
        assertTrue(e.getMessage().contains("k_proj.lora_A.weight") && e.getMessage().contains("expected [2, 16]"),
                e.getMessage());

        assertTrue(assertThrows(LoraException.class, () -> PeftAdapter.load(dir.resolve("nowhere"), model))
                .getMessage().contains("not a PEFT adapter directory"));
    }

    private static Path copy(Path from, String name) throws Exception {
        Path to = dir.resolve(name);
        Files.createDirectories(to);
        for (String f : new String[] {PeftAdapter.CONFIG_FILE, PeftAdapter.WEIGHTS_FILE}) {
            Files.copy(from.resolve(f), to.resolve(f));
        }
        return to;
    }

    /** Rewrites the weights file with one tensor replaced (or dropped when replacement is null). */
    private static void rewriteWeights(Path adapterDir, String name, TensorData replacement) throws Exception {
        Path file = adapterDir.resolve(PeftAdapter.WEIGHTS_FILE);
        SafetensorsWriter writer = new SafetensorsWriter();
        try (SafetensorsReader reader = SafetensorsReader.open(file)) {
            for (String t : reader.entries().keySet()) {
                if (!t.equals(name)) {
                    writer.put(t, reader.read(t));
                } else if (replacement != null) {
                    writer.put(t, replacement);
                }
            }
        }
        writer.write(file, TensorDType.F32);
    }

    @Test
    void peftPatternKeysMatchAsInPython() {
        Map<String, Integer> pattern = new java.util.LinkedHashMap<>();
        pattern.put("layers.1.self_attn.q_proj", 2);
        pattern.put("v_proj", 6);
        assertEquals(2, PeftPatterns.lookup(pattern, "model.layers.1.self_attn.q_proj").orElseThrow());
        assertTrue(PeftPatterns.lookup(pattern, "model.layers.11.self_attn.q_proj").isEmpty());
        assertEquals(6, PeftPatterns.lookup(pattern, "model.layers.11.self_attn.v_proj").orElseThrow());
        assertTrue(PeftPatterns.lookup(pattern, "model.layers.1.self_attn.o_proj").isEmpty());
        assertTrue(PeftPatterns.targets(java.util.List.of("q_proj"), "model.layers.0.self_attn.q_proj"));
        assertTrue(PeftPatterns.targets("model\\.layers\\.0\\.self_attn\\.q_proj", "model.layers.0.self_attn.q_proj"));
        assertTrue(!PeftPatterns.targets("model\\.layers\\.0\\.self_attn\\.q_proj", "model.layers.10.self_attn.q_proj"));
    }
}
