package org.rankadaptor.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import org.rankadaptor.TinyModels;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every bad checkpoint raises the loader's own readable error; nothing crashes or hangs. */
class CheckpointErrorsTest {
    @TempDir
    Path tmp;

    private Path validModel() {
        Path dir = tmp.resolve("model");
        RandomCheckpoint.write(dir, TinyModels.groupedTied(), 1, TensorDType.F32);
        return dir;
    }

    private static void assertLoadFails(Path dir, String... fragments) {
        CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointLoader.load(dir).close());
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "'" + e.getMessage() + "' should mention '" + fragment + "'");
        }
    }

    @Test
    void missingConfig() throws IOException {
        Path dir = validModel();
        Files.delete(dir.resolve("config.json"));
        assertLoadFails(dir, "missing config.json", dir.toString());
    }

    @Test
    void missingDirectory() {
        assertLoadFails(tmp.resolve("nowhere"), "not a checkpoint directory");
    }

    @Test
    void configWithMissingOrWrongField() throws IOException {
        Path dir = validModel();
        String config = Files.readString(dir.resolve("config.json"));
        Files.writeString(dir.resolve("config.json"), config.replace("\"hidden_size\"", "\"hidden_sizes\""));
        assertLoadFails(dir, "config.json", "hidden_size");
        Files.writeString(dir.resolve("config.json"), config.replace("\"vocab_size\" : 64", "\"vocab_size\" : \"big\""));
        assertLoadFails(dir, "vocab_size");
        Files.writeString(dir.resolve("config.json"), "{ not json");
        assertLoadFails(dir, "cannot parse", "config.json");
    }

    @Test
    void unknownRopeScalingIsRejected() throws IOException {
        Path dir = validModel();
        String config = Files.readString(dir.resolve("config.json"));
        Files.writeString(dir.resolve("config.json"), config.replaceFirst("\\{", "{\"rope_scaling\": {\"type\": \"yarn\", \"factor\": 4.0},"));
        assertLoadFails(dir, "rope_scaling", "yarn");
    }

    @Test
    void headerLengthBeyondTheFile() throws IOException {
        Path dir = validModel();
        Path weights = dir.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(weights);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(0, bytes.length * 2L);
        Files.write(weights, bytes);
        assertLoadFails(dir, "header length", "beyond the file");
    }

    @Test
    void malformedHeaderJson() throws IOException {
        Path dir = validModel();
        Path weights = dir.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(weights);
        bytes[8] = '[';
        bytes[9] = '}';
        Files.write(weights, bytes);
        assertLoadFails(dir, "malformed header JSON", "model.safetensors");
    }

    @Test
    void dataOffsetsOutsideTheFile() throws IOException {
        Path dir = validModel();
        rewriteHeader(dir, h -> h.replaceFirst("\"data_offsets\":\\[0,(\\d+)\\]", "\"data_offsets\":[0,99999999]"));
        assertLoadFails(dir, "data offsets", "outside");
    }

    @Test
    void missingTensor() throws IOException {
        Path dir = validModel();
        rewriteHeader(dir, h -> h.replace("model.layers.1.mlp.up_proj.weight", "model.layers.1.mlp.upp_proj.weight"));
        assertLoadFails(dir, "missing tensor", "model.layers.1.mlp.up_proj.weight");
    }

    @Test
    void shapeNotMatchingTheConfig() throws IOException {
        Path dir = validModel();
        String config = Files.readString(dir.resolve("config.json"));
        Files.writeString(dir.resolve("config.json"), config.replace("\"intermediate_size\" : 48", "\"intermediate_size\" : 40"));
        assertLoadFails(dir, "gate_proj", "shape", "config.json implies");
    }

    @Test
    void unsupportedDtype() throws IOException {
        Path dir = validModel();
        rewriteHeader(dir, h -> h.replaceFirst("\"F32\"", "\"I64\""));
        assertLoadFails(dir, "unsupported dtype", "I64");
    }

    /** Replaces the header text, keeping its length so data offsets stay valid. */
    private static void rewriteHeader(Path dir, java.util.function.UnaryOperator<String> edit) throws IOException {
        Path weights = dir.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(weights);
        int length = (int) ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        String header = new String(bytes, 8, length, StandardCharsets.UTF_8);
        String edited = edit.apply(header);
        byte[] newHeader = edited.getBytes(StandardCharsets.UTF_8);
        int padded = (newHeader.length + 7) / 8 * 8;
        ByteBuffer out = ByteBuffer.allocate(8 + padded + bytes.length - 8 - length).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(padded).put(newHeader);
        for (int i = newHeader.length; i < padded; i++) {
            out.put((byte) ' ');
        }
        out.put(bytes, 8 + length, bytes.length - 8 - length);
        Files.write(weights, out.array());
    }

    /** 10,000 mutated files: each loads or raises CheckpointException; no other exception, crash or hang. */
    @Test
    void fuzzedSafetensorsNeverEscapeTheLoadersError() throws IOException {
        Path source = tmp.resolve("fuzz-source.safetensors");
        new SafetensorsWriter()
                .put("a", new TensorData(new long[] {3, 4}, new float[12]))
                .put("b", new TensorData(new long[] {5}, new float[] {1, 2, 3, 4, 5}))
                .write(source, TensorDType.F32);
        new SafetensorsWriter().put("h", new TensorData(new long[] {2, 2}, new float[] {1, 2, 3, 4}))
                .write(tmp.resolve("fuzz-f16.safetensors"), TensorDType.F16);
        byte[][] seeds = {Files.readAllBytes(source), Files.readAllBytes(tmp.resolve("fuzz-f16.safetensors"))};
        Path target = tmp.resolve("fuzzed.safetensors");
        SplittableRandom random = new SplittableRandom(20261122);
        int[] outcome = new int[2];
        assertTimeoutPreemptively(Duration.ofMinutes(2), () -> {
            for (int i = 0; i < 10_000; i++) {
                byte[] mutated = mutate(seeds[i % 2], random);
                Files.write(target, mutated);
                try (SafetensorsReader reader = SafetensorsReader.open(target)) {
                    for (String name : reader.entries().keySet()) {
                        reader.read(name);
                    }
                    outcome[0]++;
                } catch (CheckpointException expected) {
                    outcome[1]++;
                }
            }
        });
        assertTrue(outcome[1] > 1000, "most mutations should be rejected: " + outcome[0] + " loaded, " + outcome[1] + " rejected");
    }

    private static byte[] mutate(byte[] seed, SplittableRandom random) {
        byte[] b = seed.clone();
        int headerLength = (int) ByteBuffer.wrap(seed).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        switch (random.nextInt(6)) {
            case 0: // flip bytes in the header
                for (int k = 0, n = 1 + random.nextInt(4); k < n; k++) {
                    b[8 + random.nextInt(headerLength)] = (byte) random.nextInt(256);
                }
                return b;
            case 1: // corrupt the length field
                ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, random.nextLong(-10, headerLength * 3L));
                return b;
            case 2: // truncate anywhere
                return java.util.Arrays.copyOf(b, random.nextInt(b.length));
            case 3: // rewrite a digit (offsets, shapes)
                return replaceInHeader(b, headerLength, random, "0123456789", "0123456789-");
            case 4: // swap a dtype
                String header = new String(b, 8, headerLength, StandardCharsets.ISO_8859_1);
                String[] types = {"F32", "F16", "BF16", "I64", "F64", "U8", "XX"};
                header = header.replaceFirst("F32|F16", types[random.nextInt(types.length)]);
                return withHeader(b, headerLength, header);
            default: // huge numbers in shapes/offsets
                String h = new String(b, 8, headerLength, StandardCharsets.ISO_8859_1)
                        .replaceFirst("\\d+", random.nextBoolean() ? "18446744073709551615" : "4294967296");
                return withHeader(b, headerLength, h);
        }
    }

    private static byte[] replaceInHeader(byte[] b, int headerLength, SplittableRandom random, String from, String to) {
        for (int tries = 0; tries < 20; tries++) {
            int at = 8 + random.nextInt(headerLength);
            if (from.indexOf(b[at]) >= 0) {
                b[at] = (byte) to.charAt(random.nextInt(to.length()));
                return b;
            }
        }
        return b;
    }

    private static byte[] withHeader(byte[] original, int headerLength, String header) {
        byte[] h = header.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer out = ByteBuffer.allocate(8 + h.length + original.length - 8 - headerLength).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(h.length).put(h).put(original, 8 + headerLength, original.length - 8 - headerLength);
        return out.array();
    }
}
