package org.rankadaptor.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelPresetCheckpointTest {
    @TempDir
    Path tmp;

    @Test
    void shardedStreamingWriteHoldsTheSameTensorsAsOneFile() throws Exception {
        LlamaConfig config = ModelPreset.TINY.config();
        Path single = tmp.resolve("single");
        RandomCheckpoint.writeSharded(single, config, 5, TensorDType.BF16, 1);
        assertTrue(Files.exists(single.resolve(CheckpointLoader.WEIGHTS_FILE)));
        Path sharded = tmp.resolve("sharded");
        long bytes = RandomCheckpoint.writeSharded(sharded, config, 5, TensorDType.BF16, 3);
        assertEquals(config.totalParameters() * 2, bytes);
        JsonNode index = new ObjectMapper().readTree(sharded.resolve(CheckpointLoader.INDEX_FILE).toFile());
        assertEquals(bytes, index.get("metadata").get("total_size").asLong());
        Set<String> shards = new HashSet<>();
        index.get("weight_map").forEach(f -> shards.add(f.asText()));
        assertEquals(Set.of("model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors",
                "model-00003-of-00003.safetensors"), shards);
        try (LlamaModel one = CheckpointLoader.load(single); LlamaModel model = CheckpointLoader.load(sharded)) {
            assertEquals(config, model.config());
            Map<String, NDArray> reference = one.weights().byHuggingFaceName();
            Map<String, NDArray> loaded = model.weights().byHuggingFaceName();
            assertEquals(reference.keySet(), loaded.keySet());
            reference.forEach((name, data) -> assertArrayEquals(data.toFloatArray(), loaded.get(name).toFloatArray(), name));
            float[] embed = loaded.get(HfNames.EMBED).toFloatArray();
            double sumSquares = 0;
            for (float v : embed) {
                sumSquares += v * v;
            }
            assertEquals(0.02, Math.sqrt(sumSquares / embed.length), 0.002, "embedding std");
        }
    }

    @Test
    void fp16PlacementReadsTheSameValuesNarrowed() {
        LlamaConfig config = ModelPreset.TINY.config();
        Path dir = tmp.resolve("f16");
        Map<String, TensorData> reference = RandomCheckpoint.write(dir, config, 3, TensorDType.F16);
        Placement cpuHalf = new Placement(ai.djl.Device.cpu(), DataType.FLOAT16);
        try (LlamaModel model = CheckpointLoader.load(dir, cpuHalf)) {
            NDArray embed = model.weights().embedTokens();
            assertEquals(DataType.FLOAT16, embed.getDataType());
            assertArrayEquals(reference.get(HfNames.EMBED).values(), embed.toType(DataType.FLOAT32, false).toFloatArray());
        }
    }

    @Test
    void llama3PresetWritesRopeScalingAndTheLargeVocabulary() throws Exception {
        LlamaConfig config = ModelPreset.LLAMA3_8B.config();
        assertEquals(8_030_261_248L, config.totalParameters());
        Path dir = tmp.resolve("l3");
        Files.createDirectories(dir);
        config.write(dir.resolve(CheckpointLoader.CONFIG_FILE));
        LlamaConfig read = CheckpointLoader.readConfig(dir);
        assertNotNull(read.ropeScaling());
        assertEquals(8.0, read.ropeScaling().factor());
        assertEquals(128256, read.vocabSize());
        assertEquals(8, read.layer(0).numKvHeads());
        assertEquals(1_100_048_384L, ModelPreset.TINYLLAMA_1_1B.config().totalParameters());
        assertEquals(6_738_415_616L, ModelPreset.LLAMA2_7B.config().totalParameters());
    }

    @Test
    void generatedTokenizerCoversTheVocabularyAndRoundTripsText() throws Exception {
        for (ModelPreset preset : new ModelPreset[] {ModelPreset.TINY, ModelPreset.LLAMA3_8B}) {
            Path dir = tmp.resolve(preset.cliName());
            Files.createDirectories(dir);
            LlamaConfig config = preset.config();
            config.write(dir.resolve(CheckpointLoader.CONFIG_FILE));
            GeneratedTokenizer.write(dir, config);
            JsonNode vocab = new ObjectMapper().readTree(dir.resolve(Tokenizers.TOKENIZER_JSON).toFile()).get("model").get("vocab");
            assertEquals(config.vocabSize(), vocab.size(), preset + " vocabulary");
            Set<Integer> ids = new HashSet<>();
            vocab.forEach(id -> ids.add(id.asInt()));
            assertEquals(config.vocabSize(), ids.size(), preset + " ids are distinct");
            try (TextTokenizer tokenizer = Tokenizers.load(dir)) {
                String text = "Once upon a time, the QUICK fox — naïve 42!";
                long[] encoded = tokenizer.encode(text);
                assertTrue(encoded.length > 0 && encoded.length < text.length(), preset + " merges shorten text");
                for (long id : encoded) {
                    assertTrue(id >= 0 && id < config.vocabSize() && id != config.bosTokenId(), preset + " id " + id);
                }
                assertEquals(text, tokenizer.decode(encoded), preset + " round trip");
                assertEquals(config.bosTokenId(), tokenizer.bosId());
            }
        }
    }
}
