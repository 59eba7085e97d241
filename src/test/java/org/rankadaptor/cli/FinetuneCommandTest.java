package org.rankadaptor.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rankadaptor.TestData;
import org.rankadaptor.lora.PeftAdapter;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Uniform rank 8 and an equal-budget per-layer plan from the CLI, on stories260K (5 identical layers). */
class FinetuneCommandTest {
    @TempDir
    static Path dir;
    private static Path model;
    private static Path data;

    @BeforeAll
    static void setUp() throws Exception {
        model = TestData.stories260K();
        List<String> rows = Files.readAllLines(TestData.path("text/tinystories-gen/train.jsonl")).subList(0, 12);
        data = dir.resolve("small.jsonl");
        Files.write(data, rows);
    }

    private static CliRun run(String... args) {
        return CliRun.of(new FinetuneCommand(), args);
    }

    private static long trainable(String output) {
        Matcher m = Pattern.compile("trainable parameters: (\\d+)").matcher(output);
        assertTrue(m.find(), output);
        return Long.parseLong(m.group(1));
    }

    @Test
    void uniformRankAndAnEqualBudgetPerLayerPlanPrintTheSameTrainableCount() throws Exception {
        String[] common = {"--data", data.toString(), "--steps", "1", "--batch-size", "4", "--micro-batch", "4",
            "--val-size", "4", "--cutoff", "64", "--warmup", "0"};
        CliRun uniform = run(concat(new String[] {model.toString(), "--rank", "8", "--out", dir.resolve("u").toString()}, common));
        assertEquals(0, uniform.code(), uniform.err() + uniform.out());
        // per module r * (in + out): attention 4 x (64 + 64) except k/v (64 + 32), MLP 3 x (64 + 172)
        long perRank = 2 * 128 + 2 * 96 + 3 * 236;
        assertEquals(5 * 8 * perRank, trainable(uniform.out()));
        assertTrue(uniform.out().indexOf("trainable parameters") < uniform.out().indexOf("step 1/1"), uniform.out());
        assertTrue(Files.exists(dir.resolve("u").resolve("adapter").resolve(PeftAdapter.WEIGHTS_FILE)));

        Path plan = dir.resolve("plan.json");
        Files.writeString(plan, "{\"ranks\": {\"0\": 4, \"1\": 12, \"2\": 6, \"3\": 10, \"4\": 8}}");
        CliRun perLayer = run(concat(new String[] {model.toString(), "--rank-plan", plan.toString(), "--out",
            dir.resolve("p").toString()}, common));
        assertEquals(0, perLayer.code(), perLayer.err() + perLayer.out());
        assertEquals(trainable(uniform.out()), trainable(perLayer.out()));
        assertTrue(perLayer.out().contains("layer ranks [4, 12, 6, 10, 8]"), perLayer.out());
        String config = Files.readString(dir.resolve("p").resolve("adapter").resolve(PeftAdapter.CONFIG_FILE));
        assertTrue(config.contains("\"layers.1.self_attn.q_proj\" : 12"), config);
    }

    @Test
    void badInputsFailWithAClearMessage() throws Exception {
        Path plan = dir.resolve("short-plan.json");
        Files.writeString(plan, "{\"ranks\": [8, 8]}");
        CliRun r = run(model.toString(), "--data", data.toString(), "--rank-plan", plan.toString(), "--steps", "1",
                "--out", dir.resolve("bad").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("'ranks' has 2 entries but the model has 5 layers"), r.err());

        CliRun both = run(model.toString(), "--data", data.toString(), "--rank", "8", "--rank-plan", plan.toString(),
                "--out", dir.resolve("bad2").toString());
        assertEquals(2, both.code());
        assertTrue(both.err().contains("mutually exclusive"), both.err());
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
