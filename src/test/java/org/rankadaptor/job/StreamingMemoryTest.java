package org.rankadaptor.job;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.rankadaptor.model.CheckpointLoader;
import org.rankadaptor.model.LlamaConfig;
import org.rankadaptor.model.RandomCheckpoint;
import org.rankadaptor.model.TensorDType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Streaming, proven in a child JVM whose Java heap (96 MiB) and direct memory (32 MiB) are far below the model's
 * float32 size (230 MB from a 115 MB bf16 file): neither a Java copy of the model nor a native copy of a whole tensor
 * made through Java buffers can fit, and the resident set may grow by the weights only once.
 */
@EnabledOnOs(OS.LINUX)
class StreamingMemoryTest {
    /** 57.5M parameters: an embedding and head of 32,000 x 512 and eight GQA layers. */
    private static final LlamaConfig CONFIG = LlamaConfig.uniform(512, 8, 8, 2, 1536, 32000, false);

    /** Growth that is not weights: the Java heap expanding towards its cap, read chunks, JIT code, allocator slack. */
    private static final long ALLOWANCE = 64L << 20;

    @TempDir
    static Path tmp;
    static Path model;

    @BeforeAll
    static void writeModel() {
        model = tmp.resolve("model");
        RandomCheckpoint.writeSharded(model, CONFIG, 3, TensorDType.BF16, 2);
    }

    @Test
    void aBf16CheckpointLoadsIntoLibtorchMemoryOnceUnderASmallHeap() throws Exception {
        long[] rss = probe("load", model.toString());
        long weights = CONFIG.totalParameters() * 4;
        long grown = rss[2] - rss[0];
        assertTrue(rss[1] - rss[0] >= 0.9 * weights, "the weights are resident after loading: " + describe(rss, weights));
        assertTrue(grown <= weights + ALLOWANCE, "peak grows by the float32 weights once: " + describe(rss, weights));
    }

    @Test
    void aPrunedOutputIsWrittenWithoutASecondCopyOfTheModel() throws Exception {
        Path out = tmp.resolve("pruned");
        long[] rss = probe("prune", model.toString(), out.toString());
        long weights = CONFIG.totalParameters() * 4;
        // a pruned model built in memory before writing would add about 0.9x the weights (everything but half of four layers) on top of the input model
        assertTrue(rss[2] - rss[0] <= weights + ALLOWANCE, "prune peak: " + describe(rss, weights));
        LlamaConfig pruned = CheckpointLoader.readConfig(out);
        assertEquals(4, pruned.layer(0).numHeads());
        assertEquals(CONFIG.layer(7), pruned.layer(7));
    }

    private static String describe(long[] rss, long weights) {
        return String.format("baseline %d MB, after load %d MB, peak %d MB, float32 weights %d MB",
                rss[0] >> 20, rss[1] >> 20, rss[2] >> 20, weights >> 20);
    }

    private static long[] probe(String... args) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new java.util.ArrayList<>(List.of(java.toString(), "-Xmx96m", "-XX:MaxDirectMemorySize=32m",
                "-cp", System.getProperty("java.class.path"), StreamingMemoryProbe.class.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "probe finished");
        assertEquals(0, process.exitValue(), "probe failed:\n" + output);
        String line = output.lines().filter(l -> l.startsWith("baseline ")).reduce((a, b) -> b).orElseThrow(
                () -> new AssertionError("no figures from the probe:\n" + output));
        String[] f = line.split(" ");
        return new long[] {Long.parseLong(f[1]), Long.parseLong(f[3]), Long.parseLong(f[5])};
    }
}
