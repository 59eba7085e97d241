package org.rankadaptor.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * SHA-256 over a checkpoint's safetensors files, so the same weights are recognised under any path: the store keys
 * models by it, and a cluster worker checks it before measuring a candidate on its own copy of the files.
 */
public final class WeightFingerprint {
    private WeightFingerprint() {
    }

    /**
     * Hashes every {@code *.safetensors} file in {@code modelDir} (or the file itself), in name order,
     * with each file's name mixed in so renaming shards changes the fingerprint.
     */
    public static String sha256(Path modelDir) {
        List<Path> files;
        if (Files.isRegularFile(modelDir)) {
            files = List.of(modelDir);
        } else {
            try (Stream<Path> listing = Files.list(modelDir)) {
                files = listing.filter(p -> p.getFileName().toString().endsWith(".safetensors")).sorted().toList();
            } catch (IOException e) {
                throw new CheckpointException("cannot list model folder " + modelDir + ": " + e.getMessage(), e);
            }
        }
        if (files.isEmpty()) {
            throw new CheckpointException("no .safetensors files in " + modelDir + " to fingerprint");
        }
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
        byte[] buffer = new byte[1 << 16];
        for (Path file : files) {
            digest.update(file.getFileName().toString().getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            try (InputStream in = Files.newInputStream(file)) {
                int read;
                while ((read = in.read(buffer)) > 0) {
                    digest.update(buffer, 0, read);
                }
            } catch (IOException e) {
                throw new CheckpointException("cannot read weights file " + file + ": " + e.getMessage(), e);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
