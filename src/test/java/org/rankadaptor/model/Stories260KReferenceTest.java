package org.rankadaptor.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.rankadaptor.Stories260K;
import org.rankadaptor.TestData;
import org.rankadaptor.stage.CancelCheck;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The loaded stories260K is the same model as the independent reference implementation. */
class Stories260KReferenceTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    static final Stories260K STORIES = new Stories260K();

    @Test
    void everyReferenceStringEncodesToTheReferenceIds() throws IOException {
        JsonNode cases = TestData.referenceJson("tokenization.json").get("cases");
        assertTrue(cases.size() >= 14);
        for (JsonNode c : cases) {
            String text = c.get("text").asText();
            long[] expected = longs(c.get("ids"));
            assertArrayEquals(expected, STORIES.tokenizer().encodePrompt(text), "ids of " + JSON.writeValueAsString(text));
            assertEquals(c.get("decoded").asText(), STORIES.tokenizer().decode(expected), "decoded " + JSON.writeValueAsString(text));
        }
    }

    @Test
    void logitsAndNllMatchTheReference() throws IOException {
        JsonNode prompts = TestData.referenceJson("forward.json").get("prompts");
        assertEquals(3, prompts.size());
        for (JsonNode prompt : prompts) {
            long[] ids = longs(prompt.get("input_ids"));
            try (NDManager manager = STORIES.model().manager().newSubManager(); NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray input = manager.create(ids, new Shape(1, ids.length));
                NDArray logits = STORIES.model().logits(input);                                   // (1, seq, vocab)
                float[] actual = logits.toFloatArray();
                JsonNode expectedRows = prompt.get("logits");
                int vocab = STORIES.model().config().vocabSize();
                double maxDiff = 0;
                for (int t = 0; t < ids.length; t++) {
                    for (int v = 0; v < vocab; v++) {
                        maxDiff = Math.max(maxDiff, Math.abs(actual[t * vocab + v] - expectedRows.get(t).get(v).asDouble()));
                    }
                }
                assertTrue(maxDiff <= 1e-4, "max |logit diff| " + maxDiff);

                NDArray targets = manager.create(java.util.Arrays.copyOfRange(ids, 1, ids.length), new Shape(1, ids.length - 1));
                NDArray logp = LlamaModel.targetLogProbs(logits.get(":, :-1, :"), targets);     // (1, seq-1)
                double meanNll = -logp.mean().getFloat();
                assertEquals(prompt.get("mean_nll").asDouble(), meanNll, 1e-5, "mean NLL");
            }
        }
    }

    @Test
    void greedyDecodingFromBosReproducesThePublishedSample() throws IOException {
        JsonNode greedy = TestData.referenceJson("greedy.json");
        long[] expected = longs(greedy.get("ids"));
        long[] actual = new Generator(STORIES.model(), LinearAdapter.NONE)
                .generate(longs(greedy.get("prompt_ids")), GenerationSettings.greedy(expected.length), id -> { }, CancelCheck.NEVER);
        assertArrayEquals(expected, actual);
        assertEquals(greedy.get("text").asText(), STORIES.tokenizer().decode(actual));
    }

    static long[] longs(JsonNode array) {
        long[] out = new long[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asLong();
        }
        return out;
    }
}
