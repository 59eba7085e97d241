package org.rankadaptor.model;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The fixed mmap threshold returns freed libtorch buffers to the system; glibc's default keeps them. */
class NativeHeapTest {
    @Test
    void freedBuffersLeaveTheProcessWithTheFixedThreshold() throws Exception {
        assumeTrue(System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux"), "glibc's mallopt is Linux only");
        long tuned = grownBytes("tuned");
        long untuned = grownBytes("default");
        // 256 buffers of 2-5 MiB were freed; the 128 KiB of small buffers stay, as does some allocator slack
        assertTrue(tuned < (24L << 20), "resident memory after freeing, fixed threshold: " + (tuned >> 20) + " MiB");
        // the scenario is real: without the setting glibc keeps about one round of freed buffers (112 MiB)
        assertTrue(untuned > (64L << 20), "resident memory after freeing, glibc defaults: " + (untuned >> 20) + " MiB");
    }

    private static long grownBytes(String mode) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder builder = new ProcessBuilder(List.of(java.toString(), "-Xmx64m", "-cp",
                System.getProperty("java.class.path"), NativeHeapProbe.class.getName(), mode)).redirectErrorStream(true);
        builder.environment().remove("MALLOC_MMAP_THRESHOLD_");   // the probe decides
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "probe finished");
        assertEquals(0, process.exitValue(), "probe failed:\n" + output);
        String line = output.lines().filter(l -> l.startsWith("grown ")).reduce((a, b) -> b).orElseThrow(
                () -> new AssertionError("no figure from the probe:\n" + output));
        return Long.parseLong(line.substring("grown ".length()).trim());
    }
}
