package org.rankadaptor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.rankadaptor.TestData;
import org.rankadaptor.model.TextTokenizer;
import org.rankadaptor.model.Tokenizers;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CoreCommandsTest {
    static String run(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            int code = Main.commandLine().execute(args);
            assertEquals(0, code, "exit code of " + String.join(" ", args));
        } finally {
            System.setOut(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Test
    void generatePrintsTheReferenceGreedyContinuation() throws Exception {
        String model = TestData.stories260K().toString();
        String out = run("generate", model, "--prompt", "Once upon a time", "--max-tokens", "60", "--temperature", "0");
        JsonNode greedy = TestData.referenceJson("greedy.json");
        long[] ids = new long[greedy.get("ids").size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = greedy.get("ids").get(i).asLong();
        }
        // The prompt is the first 4 tokens of the greedy sample from BOS, so the continuation is the next 60.
        try (TextTokenizer tokenizer = Tokenizers.load(TestData.stories260K())) {
            String expected = tokenizer.decode(Arrays.copyOfRange(ids, 0, 64));
            assertEquals(expected, out.strip());
        }
    }

    @Test
    void infoShowsTheArchitecture() {
        String out = run("info", TestData.stories260K().toString());
        assertTrue(out.contains("layers       5"), out);
        assertTrue(out.contains("heads        8  kv heads 4  ffn 172"), out);
        assertTrue(out.contains("260,032"), out);
        JsonNode json = assertJson(run("info", TestData.stories260K().toString(), "--json"));
        assertEquals(260032, json.get("totalParameters").asLong());
    }

    @Test
    void everyCommandHasHelp() {
        CommandLine cli = Main.commandLine();
        for (String name : cli.getSubcommands().keySet()) {
            assertTrue(run(name, "--help").contains("Usage: rankadaptor " + name), name);
        }
    }

    @Test
    void progressFormatsRateAndEta() {
        String line = TerminalProgress.format("finetune", 50, 200, "loss 2.1", 10);
        assertTrue(line.contains("50/200"), line);
        assertTrue(line.contains("eta 0:30"), line);
        assertTrue(line.contains("5.00/s"), line);
    }

    private static JsonNode assertJson(String text) {
        try {
            return new ObjectMapper().readTree(text);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }
}
