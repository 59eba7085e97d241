package org.rankadaptor.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.rankadaptor.search.SearchIteration;
import org.rankadaptor.search.SearchJournal;
import org.rankadaptor.store.NewSearchIteration;
import org.rankadaptor.store.SearchRepository;
import org.rankadaptor.store.IterationRecord;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The search journal in the H2 store: each iteration is committed before the next one starts, so a killed search
 * resumes from the store. The rank column holds {"kind": ..., "ranks": [...]}, plus "scores": [...] (one per
 * repeated measurement) when the configuration was measured more than once; the actual column is their mean.
 */
public final class StoreSearchJournal implements SearchJournal {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SNAPSHOT_FORMAT = "performance-ensemble-json";

    private final SearchRepository searches;
    private final long searchId;

    public StoreSearchJournal(SearchRepository searches, long searchId) {
        this.searches = searches;
        this.searchId = searchId;
    }

    @Override
    public List<SearchIteration> completedIterations() {
        List<SearchIteration> out = new ArrayList<>();
        for (IterationRecord row : searches.completedIterations(searchId)) {
            JsonNode node = parse(row.rankVectorJson(), row.iteration());
            JsonNode ranksNode = node.get("ranks");
            int[] ranks = new int[ranksNode.size()];
            for (int i = 0; i < ranks.length; i++) {
                ranks[i] = ranksNode.get(i).asInt();
            }
            out.add(new SearchIteration(row.iteration(), SearchIteration.Kind.valueOf(node.get("kind").asText()), ranks,
                    row.predicted() == null ? Double.NaN : row.predicted(), row.actual(), row.seconds(),
                    scoresOf(node, row.actual())));
        }
        return out;
    }

    @Override
    public void record(SearchIteration iteration) {
        searches.recordIteration(searchId, new NewSearchIteration(iteration.index(), rankJson(iteration),
                Double.isFinite(iteration.predicted()) ? iteration.predicted() : null, iteration.actual(),
                iteration.seconds()));
    }

    @Override
    public void saveModelSnapshot(int afterIteration, Supplier<byte[]> snapshot) {
        searches.saveSnapshot(searchId, afterIteration, SNAPSHOT_FORMAT, snapshot.get());
    }

    static String rankJson(SearchIteration iteration) {
        ObjectNode node = JSON.createObjectNode();
        node.put("kind", iteration.kind().name());
        ArrayNode ranks = node.putArray("ranks");
        for (int r : iteration.ranks()) {
            ranks.add(r);
        }
        if (iteration.repeats() > 1) {
            ArrayNode scores = node.putArray("scores");
            for (double v : iteration.scores()) {
                scores.add(v);
            }
        }
        return node.toString();
    }

    /** Repeated scores of a stored iteration row; {actual} for a single measurement. */
    public static double[] scoresOf(IterationRecord row) {
        return scoresOf(parse(row.rankVectorJson(), row.iteration()), row.actual() == null ? Double.NaN : row.actual());
    }

    private static double[] scoresOf(JsonNode node, double actual) {
        JsonNode scores = node.get("scores");
        if (scores == null || !scores.isArray() || scores.isEmpty()) {
            return new double[] {actual};
        }
        double[] out = new double[scores.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = scores.get(i).asDouble();
        }
        return out;
    }

    /** Ranks of a stored iteration row, for views and exports. */
    public static int[] ranksOf(IterationRecord row) {
        JsonNode ranksNode = parse(row.rankVectorJson(), row.iteration()).get("ranks");
        int[] ranks = new int[ranksNode.size()];
        for (int i = 0; i < ranks.length; i++) {
            ranks[i] = ranksNode.get(i).asInt();
        }
        return ranks;
    }

    private static JsonNode parse(String json, int iteration) {
        try {
            JsonNode node = JSON.readTree(json);
            if (node == null || !node.has("ranks") || !node.has("kind")) {
                throw new IllegalStateException("search iteration " + iteration + ": stored ranks lack 'ranks'/'kind': " + json);
            }
            return node;
        } catch (IOException e) {
            throw new IllegalStateException("search iteration " + iteration + ": stored ranks are not JSON: " + json, e);
        }
    }
}
