package org.rankadaptor.lora;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rankadaptor.TestData;
import org.rankadaptor.model.TextTokenizer;
import org.rankadaptor.model.Tokenizers;
import org.rankadaptor.TinyModels;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainingDataTest {
    @TempDir
    static Path dir;
    private static TextTokenizer tokenizer;

    @BeforeAll
    static void setUp() {
        tokenizer = Tokenizers.load(TestData.stories260K());
    }

    @AfterAll
    static void tearDown() {
        if (tokenizer != null) {
            tokenizer.close();
        }
    }

    @Test
    void alpacaRecordsUseTheTemplateAndResponseOnlyMasksThePrompt() throws Exception {
        Path file = dir.resolve("alpaca.json");
        Files.writeString(file, "[{\"instruction\": \"Tell a story.\", \"input\": \"\", \"output\": \"Tom ran.\"},"
                + " {\"instruction\": \"Add\", \"input\": \"1 and 2\", \"output\": \"3\"}]");
        String prompt = "Below is an instruction that describes a task. Write a response that appropriately completes"
                + " the request.\n\n### Instruction:\nTell a story.\n\n### Response:\n";
        assertEquals(prompt, TrainingData.alpacaPrompt("Tell a story.", ""));
        assertTrue(TrainingData.alpacaPrompt("Add", "1 and 2").contains("paired with an input that provides further"
                + " context. Write a response that appropriately completes the request.\n\n### Instruction:\nAdd\n\n"
                + "### Input:\n1 and 2\n\n### Response:\n"));

        List<TrainingExample> all = TrainingData.load(file, tokenizer, 256, TrainingData.LossTokens.ALL);
        long[] expected = tokenizer.encodePrompt(prompt + "Tom ran.");
        long[] withEos = Arrays.copyOf(expected, expected.length + 1);
        withEos[expected.length] = tokenizer.eosId();
        assertArrayEquals(withEos, all.get(0).inputIds());
        assertArrayEquals(withEos, all.get(0).labels());
        assertEquals(1, all.get(0).inputIds()[0]);

        List<TrainingExample> response = TrainingData.load(file, tokenizer, 256, TrainingData.LossTokens.RESPONSE_ONLY);
        int promptLength = tokenizer.encodePrompt(prompt).length;
        TrainingExample e = response.get(0);
        for (int t = 0; t < e.length(); t++) {
            assertEquals(t < promptLength ? TrainingExample.IGNORE : e.inputIds()[t], e.labels()[t], "position " + t);
        }
        assertEquals(e.length() - promptLength, e.lossTokens());
    }

    @Test
    void textRowsAreCutAtTheCutoffWithoutEos() throws Exception {
        Path file = dir.resolve("text.jsonl");
        Files.writeString(file, "{\"text\": \"Once upon a time there was a little girl named Lily who loved to play.\"}\n\n"
                + "{\"text\": \"Hi\"}\n");
        List<TrainingExample> rows = TrainingData.load(file, tokenizer, 6, TrainingData.LossTokens.ALL);
        assertEquals(2, rows.size());
        assertEquals(6, rows.get(0).length());
        assertTrue(rows.get(0).inputIds()[5] != tokenizer.eosId());
        assertEquals(tokenizer.eosId(), rows.get(1).inputIds()[rows.get(1).length() - 1]);

        Files.writeString(file, "{\"text\": \"ok\"}\n{\"prompt\": \"no\"}\n");
        LoraException bad = assertThrows(LoraException.class,
                () -> TrainingData.load(file, tokenizer, 6, TrainingData.LossTokens.ALL));
        assertTrue(bad.getMessage().contains("record 2") && bad.getMessage().contains("'text'"), bad.getMessage());
    }

    @Test
    void theValidationSplitIsSeededAndDisjoint() {
        List<TrainingExample> rows = TinyModels.patterned(20, 40, 1);
        TrainingData.Split a = TrainingData.split(rows, ValidationSplit.parse("25%"), 3);
        TrainingData.Split b = TrainingData.split(rows, ValidationSplit.rows(5), 3);
        assertEquals(5, a.validation().size());
        assertEquals(15, a.train().size());
        assertEquals(a.validation(), b.validation());
        assertTrue(a.train().stream().noneMatch(a.validation()::contains));
    }
}
