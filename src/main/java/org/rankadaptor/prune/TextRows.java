package org.rankadaptor.prune;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.rankadaptor.model.TextTokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Text rows for calibration and perplexity: a JSONL file's "text" fields, or a plain text file's non-blank lines. */
public final class TextRows {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TextRows() {
    }

    public static List<String> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read text rows from " + file + ": " + e.getMessage(), e);
        }
        boolean jsonl = file.getFileName().toString().endsWith(".jsonl");
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            if (!jsonl) {
                rows.add(line);
                continue;
            }
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (IOException e) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": not JSON: " + e.getMessage(), e);
            }
            JsonNode text = node == null ? null : node.get("text");
            if (text == null || !text.isTextual()) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": missing string field 'text'");
            }
            rows.add(text.asText());
        }
        return rows;
    }

    /** BOS + encode(text): the model always sees BOS first, as in the references. */
    public static long[] withBos(TextTokenizer tokenizer, String text) {
        long[] ids = tokenizer.encode(text);
        long[] out = new long[ids.length + 1];
        out[0] = tokenizer.bosId();
        System.arraycopy(ids, 0, out, 1, ids.length);
        return out;
    }
}
