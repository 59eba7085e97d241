package org.rankadaptor.search;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class PerformanceModelCodecTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static SearchException loadEdited(Consumer<ObjectNode> edit) throws IOException {
        ObjectNode root = (ObjectNode) JSON.readTree(
                PerformanceModelPinnedTest.resource(PerformanceModelPinnedTest.MODEL_SNAPSHOT));
        edit.accept(root);
        byte[] bytes = JSON.writeValueAsBytes(root);
        return assertThrows(SearchException.class, () -> PerformanceModel.fromBytes(bytes));
    }

    private static void assertMentions(SearchException e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + part + "' missing from: " + e.getMessage());
        }
    }

    @Test
    void missingFieldsAreNamed() throws IOException {
        assertMentions(loadEdited(root -> root.remove("targetScale")), "targetScale");
        assertMentions(loadEdited(root -> ((ObjectNode) root.get("config")).remove("seed")), "seed", "config");
    }

    @Test
    void invalidConfigKeepsTheRecordsOwnMessage() throws IOException {
        assertMentions(loadEdited(root -> ((ObjectNode) root.get("config")).put("learningRate", -1)),
                "learningRate must be > 0", "config");
        assertMentions(loadEdited(root -> ((ObjectNode) root.get("config")).put("backend", "GPU")),
                "backend", "GPU");
    }

    @Test
    void wrongShapesAreNamed() throws IOException {
        assertMentions(loadEdited(root -> ((ArrayNode) root.get("layers")).remove(0)), "'layers' has 3 entries");
        assertMentions(loadEdited(root -> ((ArrayNode) root.get("layers").get(1).get("bias")).remove(0)),
                "layers[1].bias", "32");
        assertMentions(loadEdited(root -> ((ArrayNode) root.get("trainingSet").get(2).get("features")).add(1)),
                "trainingSet[2].features");
        assertMentions(loadEdited(root -> root.put("format", "rankadaptor-performance-model/0")), "format");
    }

    @Test
    void ensembleSnapshotMustBeAnArray() {
        SearchException e = assertThrows(SearchException.class,
                () -> PerformanceEnsemble.fromBytes("{\"format\":\"x\"}".getBytes()));
        assertMentions(e, "array");
        assertMentions(assertThrows(SearchException.class, () -> PerformanceEnsemble.fromBytes("[".getBytes())),
                "not JSON");
    }
}
