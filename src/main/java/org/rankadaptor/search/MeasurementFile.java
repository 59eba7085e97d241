package org.rankadaptor.search;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Imported measurements for meta-learning, one JSON object per line:
 * <pre>{"model": "llama-7b", "pruning": {"ratio": 0.2, "keptFraction": [...]}, "ranks": [8, 4, ...],
 *  "scores": {"boolq": 63.1, "piqa": 75.2}}</pre>
 * Blank lines and lines starting with '#' are skipped. Any other bad line fails the whole read with a
 * {@link MeasurementFormatException} naming file and line.
 */
public final class MeasurementFile {

    private static final ObjectMapper JSON = new ObjectMapper();

    private MeasurementFile() {
    }

    public static List<Measurement> read(Path file) {
        List<Measurement> rows = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                String trimmed = line.strip();
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    continue;
                }
                rows.add(parse(trimmed, file.getFileName() + ":" + number));
            }
        } catch (IOException e) {
            throw new MeasurementFormatException(file + ": cannot read measurement file: " + e.getMessage(), e);
        }
        return rows;
    }

    /** Parses one row; {@code source} (e.g. "file.jsonl:7") prefixes every error. */
    public static Measurement parse(String line, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new MeasurementFormatException(source + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new MeasurementFormatException(source + ": expected a JSON object");
        }
        JsonNode model = root.get("model");
        if (model == null || !model.isTextual() || model.asText().isBlank()) {
            throw new MeasurementFormatException(source + ": field 'model' must be a non-empty string");
        }
        JsonNode pruning = root.get("pruning");
        if (pruning == null || pruning.isNull()) {
            pruning = JSON.createObjectNode();
        } else if (!pruning.isObject()) {
            throw new MeasurementFormatException(source + ": field 'pruning' must be an object");
        }
        JsonNode ranksNode = root.get("ranks");
        if (ranksNode == null || !ranksNode.isArray() || ranksNode.isEmpty()) {
            throw new MeasurementFormatException(source + ": field 'ranks' must be a non-empty array of integers");
        }
        int[] ranks = new int[ranksNode.size()];
        for (int i = 0; i < ranks.length; i++) {
            JsonNode r = ranksNode.get(i);
            if (!r.canConvertToInt() || !r.isIntegralNumber() || r.asInt() <= 0) {
                throw new MeasurementFormatException(source + ": ranks[" + i + "] must be a positive integer, got "
                        + r);
            }
            ranks[i] = r.asInt();
        }
        JsonNode scoresNode = root.get("scores");
        if (scoresNode == null || !scoresNode.isObject() || scoresNode.isEmpty()) {
            throw new MeasurementFormatException(source + ": field 'scores' must be a non-empty object of"
                    + " task -> number");
        }
        Map<String, Double> scores = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = scoresNode.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> e = fields.next();
            if (!e.getValue().isNumber() || !Double.isFinite(e.getValue().asDouble())) {
                throw new MeasurementFormatException(source + ": scores." + e.getKey() + " must be a finite number,"
                        + " got " + e.getValue());
            }
            scores.put(e.getKey(), e.getValue().asDouble());
        }
        return new Measurement(source, model.asText(), pruning, ranks, scores);
    }

    /** Writes rows in the same format (used to export measurements and by tests). */
    public static void write(Path file, List<Measurement> rows) {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (Measurement m : rows) {
                ObjectNode node = JSON.createObjectNode();
                node.put("model", m.model());
                node.set("pruning", m.pruning());
                ArrayNode ranks = node.putArray("ranks");
                for (int r : m.ranks()) {
                    ranks.add(r);
                }
                ObjectNode scores = node.putObject("scores");
                m.scores().forEach(scores::put);
                out.write(JSON.writeValueAsString(node));
                out.newLine();
            }
        } catch (IOException e) {
            throw new MeasurementFormatException(file + ": cannot write measurement file: " + e.getMessage(), e);
        }
    }
}
