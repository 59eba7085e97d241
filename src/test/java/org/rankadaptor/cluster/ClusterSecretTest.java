package org.rankadaptor.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cluster name is a secret: read from a file or the environment, never from argv, never shown. */
class ClusterSecretTest {
    @TempDir
    Path dir;

    @Test
    void readsTheFirstLineOfAFileOrAnEnvironmentVariable() throws Exception {
        Path file = dir.resolve("cluster");
        Files.writeString(file, "  lab-cluster-0123456789  \nsecond line\n");
        assertEquals("lab-cluster-0123456789", ClusterSecret.read("file:" + file, Map.of()).value());
        assertEquals("from-the-environment", ClusterSecret.read("env:X", Map.of("X", "from-the-environment")).value());
        assertEquals("the-default-variable", ClusterSecret.read(null,
                Map.of(ClusterSecret.DEFAULT_ENV, "the-default-variable")).value());
    }

    @Test
    void refusesLiteralsShortSecretsAndMissingSources() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ClusterSecret.read("lab-cluster-0123456789",
                Map.of())).getMessage().contains("not a literal name"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ClusterSecret.read("env:X", Map.of("X", "short")))
                .getMessage().contains("at least 12"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ClusterSecret.read("env:NOPE", Map.of()))
                .getMessage().contains("NOPE"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ClusterSecret.read("file:" + dir.resolve("none"),
                Map.of())).getMessage().contains("cannot read the cluster secret file"));
    }

    @Test
    void neverShowsItselfAndTravelsToChildrenOnlyThroughTheEnvironment() {
        ClusterSecret secret = ClusterSecret.random();
        assertFalse(secret.toString().contains(secret.value()));
        Map<String, String> child = new HashMap<>();
        secret.exportTo(child);
        assertEquals(secret.value(), child.get(ClusterSecret.DEFAULT_ENV));
        RedactingLoggerFactory.redact(secret.value());
        assertEquals("Cluster name: ***", RedactingLoggerFactory.scrub("Cluster name: " + secret.value()));
    }

    @Test
    void procNetAddressesDecodeAsSsShowsThem() {
        assertEquals("127.0.0.1:5701", LoopbackSockets.address("0100007F:1645"));
        assertEquals("127.0.0.1:5701", LoopbackSockets.address("0000000000000000FFFF00000100007F:1645"));
        assertEquals("0.0.0.0:5701", LoopbackSockets.address("00000000:1645"));
    }
}
