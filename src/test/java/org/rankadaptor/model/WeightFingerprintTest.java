package org.rankadaptor.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WeightFingerprintTest {
    @TempDir
    Path dir;

    @Test
    void weightFingerprintDependsOnContentNotLocation() throws Exception {
        Path a = Files.createDirectories(dir.resolve("a"));
        Path b = Files.createDirectories(dir.resolve("b"));
        Files.write(a.resolve("model.safetensors"), new byte[] {1, 2, 3});
        Files.write(b.resolve("model.safetensors"), new byte[] {1, 2, 3});
        Files.writeString(a.resolve("config.json"), "{}");
        assertEquals(WeightFingerprint.sha256(a), WeightFingerprint.sha256(b));
        Files.write(b.resolve("model.safetensors"), new byte[] {1, 2, 4});
        assertTrue(!WeightFingerprint.sha256(a).equals(WeightFingerprint.sha256(b)));
        assertThrows(CheckpointException.class, () -> WeightFingerprint.sha256(Files.createDirectories(dir.resolve("c"))));
    }
}
