package org.rankadaptor.model;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rankadaptor.TestData;
import org.rankadaptor.TinyModels;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A SentencePiece tokenizer.model built from stories260K's llama2.c tokenizer (tok512.bin: the same pieces and
 * scores) encodes as llama2.c's run.c does.
 */
class SentencePieceTokenizerTest {
    @TempDir
    Path tmp;

    @Test
    void encodesLikeTheLlama2cReference() throws Exception {
        Path model = TestData.stories260K();
        Path dir = tmp.resolve("sp");
        Files.createDirectories(dir);
        Files.copy(model.resolve("config.json"), dir.resolve("config.json"));
        Files.copy(model.resolve("tokenizer_config.json"), dir.resolve("tokenizer_config.json"));
        Files.write(dir.resolve("tokenizer.model"), protobufFromLlama2c(model.resolve("llama2c/tok512.bin"), 512));
        JsonNode cases = TestData.referenceJson("tokenization.json").get("cases");
        int compared = 0;
        try (TextTokenizer tokenizer = Tokenizers.load(dir)) {
            assertEquals(SentencePieceTokenizer.class, tokenizer.getClass());
            for (JsonNode c : cases) {
                if (!c.get("llama2c_match").asBoolean()) {
                    continue; // documented differences: empty string and literal "<unk>"
                }
                long[] expected = Stories260KReferenceTest.longs(c.get("llama2c_encode_ids"));
                assertArrayEquals(expected, tokenizer.encodePrompt(c.get("text").asText()), c.get("text").asText());
                assertEquals(c.get("decoded").asText(), tokenizer.decode(expected));
                compared++;
            }
        }
        assertEquals(12, compared);
    }

    @Test
    void garbageModelFileIsAReadableError() throws Exception {
        Path dir = tmp.resolve("bad");
        RandomCheckpoint.write(dir, TinyModels.groupedTied(), 1, TensorDType.F32);
        Files.write(dir.resolve("tokenizer.model"), new byte[] {0x0a, (byte) 0xff, (byte) 0xff, 0x01});
        CheckpointException e = assertThrows(CheckpointException.class, () -> Tokenizers.load(dir));
        assertEquals(true, e.getMessage().contains("tokenizer.model"), e.getMessage());
    }

    /** Writes ModelProto { repeated SentencePiece pieces = 1 { piece = 1; score = 2; type = 3 } }. */
    static byte[] protobufFromLlama2c(Path tokBin, int vocab) throws Exception {
        ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(tokBin)).order(ByteOrder.LITTLE_ENDIAN);
        in.getInt(); // max token length
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int id = 0; id < vocab; id++) {
            float score = in.getFloat();
            byte[] raw = new byte[in.getInt()];
            in.get(raw);
            String piece = new String(raw, StandardCharsets.UTF_8).strip();
            int type = id == 0 ? 2 : id <= 2 ? 3 : id <= 258 ? 6 : 1;
            if (type == 1) {
                piece = new String(raw, StandardCharsets.UTF_8).replace(" ", "\u2581");
            }
            ByteArrayOutputStream msg = new ByteArrayOutputStream();
            byte[] text = piece.getBytes(StandardCharsets.UTF_8);
            msg.write(0x0a);
            writeVarint(msg, text.length);
            msg.write(text);
            msg.write(0x15);
            int bits = Float.floatToIntBits(score);
            for (int k = 0; k < 4; k++) {
                msg.write(bits >> (8 * k));
            }
            msg.write(0x18);
            writeVarint(msg, type);
            out.write(0x0a);
            writeVarint(out, msg.size());
            msg.writeTo(out);
        }
        return out.toByteArray();
    }

    private static void writeVarint(ByteArrayOutputStream out, int value) {
        while ((value & ~0x7f) != 0) {
            out.write((value & 0x7f) | 0x80);
            value >>>= 7;
        }
        out.write(value);
    }
}
