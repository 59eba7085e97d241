package org.rankadaptor.eval;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** One JSON row of a task file, with field accessors whose errors name the file, line and field. */
public record TaskRow(Path file, int line, int index, JsonNode json) {

    public String string(String field) {
        JsonNode node = json.get(field);
        if (node == null || !node.isTextual()) {
            throw error("field '" + field + "' must be a string" + found(node));
        }
        return node.asText();
    }

    public int integer(String field) {
        JsonNode node = json.get(field);
        if (node == null || !node.canConvertToInt() || !node.isIntegralNumber()) {
            throw error("field '" + field + "' must be an integer" + found(node));
        }
        return node.asInt();
    }

    /** A list of strings at {@code field}, or at {@code field.sub} when sub is given (e.g. choices.text). */
    public List<String> strings(String field, String sub) {
        JsonNode parent = json.get(field);
        JsonNode node = sub == null || parent == null ? parent : parent.get(sub);
        String name = sub == null ? field : field + "." + sub;
        if (node == null || !node.isArray()) {
            throw error("field '" + name + "' must be a list of strings" + found(node));
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : node) {
            if (!item.isTextual()) {
                throw error("field '" + name + "' must hold only strings, found " + item);
            }
            out.add(item.asText());
        }
        return out;
    }

    public EvalDataException error(String what) {
        return new EvalDataException(file + ":" + line + ": " + what);
    }

    private static String found(JsonNode node) {
        return node == null ? " (missing)" : ", found " + node.getNodeType().name().toLowerCase() + " " + abbreviate(node.toString());
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
