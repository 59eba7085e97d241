package org.rankadaptor.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.rankadaptor.Stories260K;
import org.rankadaptor.TestData;
import org.rankadaptor.stage.StageContext;
import org.rankadaptor.model.LinearAdapter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PerplexityEvaluatorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    static final Stories260K STORIES = new Stories260K();

    @Test
    void oneWindowOverAReferencePromptGivesItsMeanNll(@TempDir Path dir) throws IOException {
        JsonNode prompts = TestData.referenceJson("forward.json").get("prompts");
        for (JsonNode prompt : prompts) {
            Path file = dir.resolve("prompt.jsonl");
            Files.writeString(file, JSON.writeValueAsString(JSON.createObjectNode().put("text", prompt.get("text").asText())) + "\n");
            int tokens = prompt.get("input_ids").size();
            PerplexityResult result = PerplexityEvaluator.perplexity(STORIES.model(), LinearAdapter.NONE, STORIES.tokenizer(), file,
                    tokens, PerplexityEvaluator.ALL_WINDOWS, StageContext.none());
            assertEquals(1, result.windows());
            assertEquals(tokens, result.textTokens(), "BOS + text tokens");
            assertEquals(tokens - 1, result.predictedTokens());
            assertEquals(prompt.get("mean_nll").asDouble(), result.meanNll(), 1e-5);
            assertEquals(Math.exp(prompt.get("mean_nll").asDouble()), result.perplexity(), 1e-4);
        }
    }

    @Test
    void windowsAreNonOverlappingTailDroppedAndLimited() {
        Path text = TestData.path("text/tinystories-gen/valid.jsonl");
        PerplexityResult two = PerplexityEvaluator.perplexity(STORIES.model(), LinearAdapter.NONE, STORIES.tokenizer(), text, 64, 2, StageContext.none());
        assertEquals(2, two.windows());
        assertEquals(2 * 63, two.predictedTokens());
        PerplexityResult one = PerplexityEvaluator.perplexity(STORIES.model(), LinearAdapter.NONE, STORIES.tokenizer(), text, 64, 1, StageContext.none());
        // the second window's NLL is the difference, so window 1 is scored independently of window 2
        assertTrue(one.totalNll() > 0 && two.totalNll() > one.totalNll());
        // in-domain text: the model's own samples have low perplexity
        assertTrue(two.perplexity() > 1 && two.perplexity() < 20, "perplexity " + two.perplexity());
    }

    @Test
    void plainTextIsReadLikeTheWikitextLoader(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("wiki.txt");
        Files.writeString(file, " \n = Title = \n \n Body line .\nlast");
        assertEquals(List.of("", " = Title = \n", "", " Body line .\n", "last"), TextDocuments.read(file));
        assertEquals("\n\n = Title = \n\n\n\n\n Body line .\n\n\nlast", TextDocuments.joined(file));
    }

    @Test
    void textShorterThanOneWindowIsAClearError(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("short.txt");
        Files.writeString(file, "Once upon a time\n");
        EvalDataException e = assertThrows(EvalDataException.class, () -> PerplexityEvaluator.perplexity(STORIES.model(),
                LinearAdapter.NONE, STORIES.tokenizer(), file, 512, 0, StageContext.none()));
        assertTrue(e.getMessage().contains("short.txt") && e.getMessage().contains("fewer than one window"), e.getMessage());
    }
}
