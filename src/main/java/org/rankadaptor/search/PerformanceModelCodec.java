package org.rankadaptor.search;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * JSON snapshots of {@link PerformanceModel}s, bound by Jackson to {@link Snapshot} (which embeds the
 * {@link ModelConfig} and {@link Sample} records as they are): config, weights, target scaling, training set.
 * Adam moments are not stored; a restored model starts its next update with fresh moments.
 *
 * <p>The JSON shape is format {@value #FORMAT}: the names and order of the record components below are that
 * format, and a test reads a file written by the code before this codec and checks it is written back byte for
 * byte. Unknown fields are ignored; missing ones are errors naming the field.
 */
final class PerformanceModelCodec {

    static final String FORMAT = "rankadaptor-performance-model/1";
    private static final String WHAT = "performance model snapshot";
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES,
                    DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES,
                    DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** One model as stored. */
    record Snapshot(String format, int inputSize, ModelConfig config, boolean pretrained, boolean scaleFixed,
                    double targetMean, double targetScale, List<Layer> layers, List<Sample> trainingSet) {
    }

    /** Row-major [in][out] weights and the biases of one layer. */
    record Layer(float[] weight, float[] bias) {
    }

    private PerformanceModelCodec() {
    }

    static byte[] toBytes(PerformanceModel model) {
        return write(snapshot(model), "performance model");
    }

    /** A JSON array of member snapshots. */
    static byte[] toBytes(List<PerformanceModel> models) {
        List<Snapshot> snapshots = new ArrayList<>();
        for (PerformanceModel m : models) {
            snapshots.add(snapshot(m));
        }
        return write(snapshots, "performance ensemble");
    }

    static PerformanceModel fromBytes(byte[] bytes) {
        try {
            return fromJson(JSON.readTree(bytes));
        } catch (IOException e) {
            throw new SearchException(WHAT + " is not JSON: " + e.getMessage(), e);
        }
    }

    /** Members of an ensemble snapshot ({@link #toBytes(List)}). */
    static List<PerformanceModel> listFromBytes(byte[] bytes) {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new SearchException("performance ensemble snapshot is not JSON: " + e.getMessage(), e);
        }
        if (!root.isArray()) {
            throw new SearchException("performance ensemble snapshot: expected a JSON array of models");
        }
        List<PerformanceModel> models = new ArrayList<>();
        for (JsonNode node : root) {
            models.add(fromJson(node));
        }
        return models;
    }

    private static PerformanceModel fromJson(JsonNode root) {
        if (!FORMAT.equals(root.path("format").asText())) {
            throw new SearchException(WHAT + ": field 'format' must be '" + FORMAT + "', got '"
                    + root.path("format").asText() + "'");
        }
        Snapshot s;
        try {
            s = JSON.treeToValue(root, Snapshot.class);
        } catch (JsonMappingException e) {
            throw invalidField(e);
        } catch (JsonProcessingException e) {
            throw new SearchException(WHAT + ": " + e.getOriginalMessage(), e);
        }
        Mlp net = new Mlp(s.inputSize(), s.config().hiddenSizes());
        if (s.layers().size() != net.layerCount()) {
            throw new SearchException(WHAT + ": 'layers' has " + s.layers().size() + " entries, config implies "
                    + net.layerCount());
        }
        for (int i = 0; i < net.layerCount(); i++) {
            copyChecked(s.layers().get(i).weight(), net.weights[i], "layers[" + i + "].weight");
            copyChecked(s.layers().get(i).bias(), net.biases[i], "layers[" + i + "].bias");
        }
        for (int i = 0; i < s.trainingSet().size(); i++) {
            if (s.trainingSet().get(i).featureCount() != s.inputSize()) {
                throw new SearchException(WHAT + ": 'trainingSet[" + i + "].features' has "
                        + s.trainingSet().get(i).featureCount() + " numbers, inputSize is " + s.inputSize());
            }
        }
        return PerformanceModel.restore(s.config(), net, new TargetScaling(s.targetMean(), s.targetScale()),
                s.scaleFixed(), s.pretrained(), s.trainingSet());
    }

    private static Snapshot snapshot(PerformanceModel model) {
        Mlp net = model.net();
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < net.layerCount(); i++) {
            layers.add(new Layer(net.weights[i], net.biases[i]));
        }
        return new Snapshot(FORMAT, model.inputSize(), model.config(), model.isPretrained(),
                model.isScaleFixed(), model.targetMean(), model.targetScale(), layers, model.trainingSet());
    }

    private static byte[] write(Object value, String what) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new SearchException(what + ": cannot serialise: " + e.getMessage(), e);
        }
    }

    /** A bad or missing field, named by its JSON path; a record's own validation message is kept. */
    private static SearchException invalidField(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                path.append(path.length() == 0 ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        String reason = e.getCause() instanceof SearchException cause ? cause.getMessage() : e.getOriginalMessage();
        String where = path.length() == 0 ? "" : " '" + path + "'";
        return new SearchException(WHAT + ": field" + where + ": " + reason, e);
    }

    private static void copyChecked(float[] from, float[] into, String field) {
        if (from.length != into.length) {
            throw new SearchException(WHAT + ": '" + field + "' must be an array of " + into.length
                    + " numbers, got " + from.length);
        }
        System.arraycopy(from, 0, into, 0, into.length);
    }
}
