package org.rankadaptor.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads JSON Lines (one object per line, blank lines skipped) or a single JSON array of objects.
 * Line numbers in errors are 1-based file lines; for an array they are the line where the element starts.
 */
public final class JsonRows {
    /** Read every row. */
    public static final int ALL = 0;
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonRows() {
    }

    /** @param limit at most this many rows, or {@link #ALL} */
    public static List<TaskRow> read(Path file, int limit) {
        if (!Files.isRegularFile(file)) {
            throw new EvalDataException("data file " + file + " does not exist");
        }
        try {
            String firstChar = firstNonBlank(file);
            return "[".equals(firstChar) ? readArray(file, limit) : readLines(file, limit);
        } catch (NoSuchFileException e) {
            throw new EvalDataException("data file " + file + " does not exist", e);
        } catch (IOException e) {
            throw new EvalDataException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static String firstNonBlank(Path file) throws IOException {
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int c;
            while ((c = reader.read()) != -1) {
                if (!Character.isWhitespace(c) && c != '\uFEFF') {
                    return String.valueOf((char) c);
                }
            }
        }
        return "";
    }

    private static List<TaskRow> readLines(Path file, int limit) throws IOException {
        List<TaskRow> rows = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int lineNumber = 0;
            while ((line = reader.readLine()) != null && (limit == ALL || rows.size() < limit)) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node;
                try {
                    node = JSON.readTree(line);
                } catch (JsonProcessingException e) {
                    throw new EvalDataException(file + ":" + lineNumber + ": not valid JSON: " + e.getOriginalMessage(), e);
                }
                if (!node.isObject()) {
                    throw new EvalDataException(file + ":" + lineNumber + ": expected a JSON object, found " + node.getNodeType());
                }
                rows.add(new TaskRow(file, lineNumber, rows.size(), node));
            }
        }
        return rows;
    }

    private static List<TaskRow> readArray(Path file, int limit) throws IOException {
        List<TaskRow> rows = new ArrayList<>();
        try (var parser = JSON.getFactory().createParser(file.toFile())) {
            try {
                parser.nextToken(); // START_ARRAY
                while (parser.nextToken() == com.fasterxml.jackson.core.JsonToken.START_OBJECT
                        && (limit == ALL || rows.size() < limit)) {
                    int line = parser.currentLocation().getLineNr();
                    JsonNode node = JSON.readTree(parser);
                    rows.add(new TaskRow(file, line, rows.size(), node));
                }
                var token = parser.currentToken();
                if (token != null && token != com.fasterxml.jackson.core.JsonToken.END_ARRAY
                        && token != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                    throw new EvalDataException(file + ":" + parser.currentLocation().getLineNr()
                            + ": expected a JSON object in the array, found " + token);
                }
            } catch (JsonProcessingException e) {
                throw new EvalDataException(file + ":" + e.getLocation().getLineNr() + ": not valid JSON: "
                        + e.getOriginalMessage(), e);
            }
        }
        return rows;
    }
}
