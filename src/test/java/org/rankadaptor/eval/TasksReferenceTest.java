package org.rankadaptor.eval;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.rankadaptor.Stories260K;
import org.rankadaptor.TestData;
import org.rankadaptor.stage.StageContext;
import org.rankadaptor.model.LinearAdapter;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The first 25 documents of every task, and the piqa edge cases, score as reference/stories260K/tasks.json. */
class TasksReferenceTest {
    @RegisterExtension
    static final Stories260K STORIES = new Stories260K();
    private static JsonNode reference;
    private static Path dataDir;

    @BeforeAll
    static void load() {
        reference = TestData.referenceJson("tasks.json");
        dataDir = TestData.path("tasks");
    }

    @Test
    void first25DocumentsOfEveryTaskMatchTheReference() {
        int n = reference.get("n_docs_per_task").asInt();
        EvalSettings settings = new EvalSettings(n, 32, BosPolicy.PREPEND, reference.get("max_length").asInt());
        List<String> names = new ArrayList<>();
        reference.get("tasks").fieldNames().forEachRemaining(names::add);
        assertEquals(Tasks.names(), names);
        EvalResults results = new ZeroShotEvaluator(dataDir)
                .evaluate(STORIES.model(), LinearAdapter.NONE, STORIES.tokenizer(), names, settings, StageContext.none());
        int truncatedBoolq = 0;
        for (String name : names) {
            JsonNode expected = reference.get("tasks").get(name);
            List<DocResult> docs = results.docs(name);
            assertEquals(n, docs.size(), name);
            truncatedBoolq += compareDocs(name, expected.get("docs"), docs);
            TaskResult task = results.task(name);
            assertEquals(expected.get("acc").asDouble(), task.acc(), 1e-9, name + " acc");
            double accNorm = docs.stream().mapToDouble(DocResult::accNorm).average().orElseThrow();
            assertEquals(expected.get("acc_norm").asDouble(), accNorm, 1e-9, name + " acc_norm");
            assertEquals(Tasks.byName(name).reportsAccNorm(), task.accNorm().isPresent(), name);
        }
        assertEquals(12, truncatedBoolq, "left-truncated boolq requests (context + continuation > window)");
    }

    @Test
    void overLongPiqaContinuationsAreScoredInsideTheWindowAndTie() {
        JsonNode edge = reference.get("edge_cases").get("piqa");
        Task piqa = Tasks.byName("piqa");
        List<Doc> all = piqa.docs(dataDir, JsonRows.ALL);
        List<Doc> chosen = new ArrayList<>();
        for (JsonNode index : edge.get("doc_indices")) {
            chosen.add(all.get(index.asInt()));
        }
        List<DocResult> docs = ZeroShotEvaluator.scoreDocs(STORIES.model(), LinearAdapter.NONE, STORIES.tokenizer(), piqa, chosen,
                new EvalSettings(0, 4, BosPolicy.PREPEND, 512), StageContext.none());
        compareDocs("piqa edge", edge.get("docs"), docs);
        for (DocResult doc : docs) {
            assertEquals(doc.loglik().get(0), doc.loglik().get(1), 0.0, "identical windows tie exactly");
            assertEquals(0, doc.pred());
            assertEquals(List.of(512, 512), doc.scoredTokens());
        }
    }

    /** Compares per-request tokens, scored counts, loglik and greediness, and per-document predictions. */
    private static int compareDocs(String name, JsonNode expectedDocs, List<DocResult> docs) {
        int truncated = 0;
        for (int d = 0; d < docs.size(); d++) {
            JsonNode expected = expectedDocs.get(d);
            DocResult actual = docs.get(d);
            String where = name + " doc " + d;
            assertEquals(expected.get("gold").asInt(), actual.gold(), where + " gold");
            JsonNode requests = expected.get("requests");
            assertEquals(requests.size(), actual.loglik().size(), where + " choices");
            for (int c = 0; c < requests.size(); c++) {
                JsonNode r = requests.get(c);
                assertEquals(r.get("continuation_ids").size(), (int) actual.continuationTokens().get(c), where + " choice " + c + " tokens");
                assertEquals(r.get("scored_tokens").asInt(), (int) actual.scoredTokens().get(c), where + " choice " + c + " scored");
                assertEquals(r.get("loglik").asDouble(), actual.loglik().get(c), 1e-3, where + " choice " + c + " loglik");
                assertEquals(r.get("is_greedy").asBoolean(), actual.greedy().get(c), where + " choice " + c + " greedy");
                if (r.get("context_tokens").asInt() + r.get("continuation_ids").size() + 1 > 513) {
                    truncated++;
                }
            }
            assertEquals(expected.get("pred").asInt(), actual.pred(), where + " pred");
            assertEquals(expected.get("pred_norm").asInt(), actual.predNorm(), where + " pred_norm");
        }
        return truncated;
    }

    @Test
    void continuationIdsOfTheFirstDocumentsMatchTheReference() {
        TokenizedRequest.Encoder encoder = new TokenizedRequest.Encoder(STORIES.tokenizer());
        for (String name : Tasks.names()) {
            List<Doc> docs = Tasks.byName(name).docs(dataDir, 3);
            for (int d = 0; d < docs.size(); d++) {
                JsonNode expected = reference.get("tasks").get(name).get("docs").get(d);
                for (int c = 0; c < docs.get(d).requests().size(); c++) {
                    JsonNode r = expected.get("requests").get(c);
                    Request request = docs.get(d).requests().get(c);
                    assertEquals(r.get("context").asText(), request.context(), name + " doc " + d + " context");
                    assertEquals(r.get("continuation").asText(), request.continuation(), name + " doc " + d + " continuation");
                    TokenizedRequest tokens = encoder.encode(request);
                    assertEquals(r.get("context_tokens").asInt(), tokens.contextIds().length);
                    long[] ids = new long[r.get("continuation_ids").size()];
                    for (int i = 0; i < ids.length; i++) {
                        ids[i] = r.get("continuation_ids").get(i).asLong();
                    }
                    assertArrayEquals(ids, tokens.continuationIds(), name + " doc " + d + " choice " + c);
                }
            }
        }
    }
}
