package org.rankadaptor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rankadaptor.TestData;
import org.rankadaptor.model.LinearAdapter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EvalCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void evalWritesJsonTablePerDocAndUsesTheAdapterHook(@TempDir Path dir) throws IOException {
        String model = TestData.stories260K().toString();
        String tasks = TestData.path("tasks").toString();
        List<Path> loaded = new ArrayList<>();
        AdapterLoader recording = (adapterDir, m) -> {
            loaded.add(adapterDir);
            return LinearAdapter.NONE;
        };
        Path out = dir.resolve("results.json");
        Path perDoc = dir.resolve("docs.jsonl");
        CliRun run = CliRun.of(new EvalCommand(recording), model, "--data-dir", tasks, "--tasks", "winogrande,arc_easy",
                "--limit", "3", "--batch-size", "4", "--adapter", dir.toString(), "--out", out.toString(),
                "--per-doc", perDoc.toString());
        assertEquals(0, run.code(), run.err());
        assertEquals(List.of(dir), loaded);
        assertTrue(run.out().contains("winogrande") && run.out().contains("arc_easy"), run.out());
        JsonNode results = JSON.readTree(out.toFile()).get("results");
        assertEquals(3, results.get("winogrande").get("n").asInt());
        assertTrue(results.get("winogrande").has("acc_stderr"));
        assertTrue(!results.get("winogrande").has("acc_norm") && results.get("arc_easy").has("acc_norm"));
        List<String> lines = Files.readAllLines(perDoc);
        assertEquals(6, lines.size());
        JsonNode first = JSON.readTree(lines.get(0));
        assertEquals("winogrande", first.get("task").asText());
        assertEquals(2, first.get("loglik").size());
        // same first document as reference/stories260K/tasks.json
        assertEquals(-41.2006866985, first.get("loglik").get(0).asDouble(), 1e-3);
    }

    @Test
    void jsonFlagPrintsJson() throws IOException {
        CliRun run = CliRun.of(new EvalCommand(AdapterLoader.PEFT), TestData.stories260K().toString(),
                "--data-dir", TestData.path("tasks").toString(), "--tasks", "boolq", "--limit", "2", "--json", "--no-bos");
        assertEquals(0, run.code(), run.err());
        JsonNode root = JSON.readTree(run.out());
        assertEquals(2, root.get("results").get("boolq").get("n").asInt());
        assertEquals(false, root.get("settings").get("bos").asBoolean());
    }

    @Test
    void unknownTaskAndMissingLoaderAreClearErrors(@TempDir Path dir) {
        CliRun unknown = CliRun.of(new EvalCommand(AdapterLoader.PEFT), dir.toString(), "--data-dir", dir.toString(),
                "--tasks", "boolq,mmlu");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("unknown task 'mmlu'"), unknown.err());

        CliRun noLoader = CliRun.of(new EvalCommand(AdapterLoader.PEFT), TestData.stories260K().toString(),
                "--data-dir", dir.toString(), "--tasks", "boolq", "--adapter", dir.toString());
        assertEquals(2, noLoader.code());
        assertTrue(noLoader.err().contains("adapter_config.json"), noLoader.err());

        CliRun missingFile = CliRun.of(new EvalCommand(AdapterLoader.PEFT), TestData.stories260K().toString(),
                "--data-dir", dir.toString(), "--tasks", "piqa");
        assertEquals(2, missingFile.code());
        assertTrue(missingFile.err().contains("piqa/validation.jsonl") && missingFile.err().contains("does not exist"), missingFile.err());
    }

    @Test
    void pplPrintsPerplexity() throws IOException {
        CliRun run = CliRun.of(new PplCommand(AdapterLoader.PEFT), TestData.stories260K().toString(),
                "--text", TestData.path("text/tinystories-gen/valid.jsonl").toString(), "--window", "64", "--limit", "2", "--json");
        assertEquals(0, run.code(), run.err());
        JsonNode root = JSON.readTree(run.out());
        assertEquals(2, root.get("windows").asInt());
        assertEquals(126, root.get("predicted_tokens").asInt());
        assertTrue(root.get("perplexity").asDouble() > 1);
    }
}
