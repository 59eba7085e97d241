package org.rankadaptor.eval;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Documents for perplexity. A {@code .jsonl}/{@code .json} file gives the "text" field of each row (JSON Lines or
 * an array of objects). Any other file is plain text read the way the Hugging Face wikitext loader reads its raw
 * files (what LLM-Pruner's wikitext2 perplexity sees): every line, with its "\n", is a document, and a
 * whitespace-only line is an empty document.
 */
public final class TextDocuments {
    /** LLM-Pruner (and lm-eval's wikitext preparation) joins documents with a blank line. */
    public static final String SEPARATOR = "\n\n";

    private TextDocuments() {
    }

    public static List<String> read(Path file) {
        String name = file.getFileName().toString().toLowerCase();
        if (name.endsWith(".jsonl") || name.endsWith(".json")) {
            List<String> texts = new ArrayList<>();
            for (TaskRow row : JsonRows.read(file, JsonRows.ALL)) {
                texts.add(row.string("text"));
            }
            return texts;
        }
        if (!Files.isRegularFile(file)) {
            throw new EvalDataException("text file " + file + " does not exist");
        }
        String content;
        try {
            content = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new EvalDataException("cannot read " + file + ": " + e.getMessage(), e);
        }
        List<String> lines = new ArrayList<>();
        int start = 0;
        while (start < content.length()) {
            int newline = content.indexOf('\n', start);
            int end = newline < 0 ? content.length() : newline + 1;
            String line = content.substring(start, end);
            lines.add(PyText.strip(line).isEmpty() ? "" : line);
            start = end;
        }
        return lines;
    }

    /** The documents joined with {@link #SEPARATOR}, the text that is tokenised once. */
    public static String joined(Path file) {
        return String.join(SEPARATOR, read(file));
    }
}
