package org.rankadaptor.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.rankadaptor.search.Proposal;
import org.rankadaptor.search.SearchIteration;
import org.rankadaptor.search.SearchJournal;
import org.rankadaptor.store.NewProposal;
import org.rankadaptor.store.NewSearchIteration;
import org.rankadaptor.store.ProposalRecord;
import org.rankadaptor.store.ProposalState;
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
 * Proposals are stored PENDING before they are sent and turn DONE in the same transaction that stores their
 * iteration, so a resumed search re-sends exactly what was in flight and a result cannot be stored twice.
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
            out.add(new SearchIteration(row.iteration(), SearchIteration.Kind.valueOf(node.get("kind").asText()), ranks(node),
                    row.predicted() == null ? Double.NaN : row.predicted(), row.actual(), row.seconds(),
                    scoresOf(node, row.actual())));
        }
        return out;
    }

    @Override
    public void record(SearchIteration iteration) {
        searches.recordIteration(searchId, newIteration(iteration));
    }

    private static NewSearchIteration newIteration(SearchIteration iteration) {
        return new NewSearchIteration(iteration.index(), rankJson(iteration),
                Double.isFinite(iteration.predicted()) ? iteration.predicted() : null, iteration.actual(),
                iteration.seconds());
    }

    @Override
    public List<Proposal> pendingProposals() {
        List<Proposal> out = new ArrayList<>();
        for (ProposalRecord row : searches.proposals(searchId)) {
            if (row.state() == ProposalState.PENDING) {
                JsonNode node = parse(row.rankVectorJson(), row.proposalId());
                out.add(new Proposal(row.proposalId(), SearchIteration.Kind.valueOf(node.get("kind").asText()),
                        ranks(node), row.predicted() == null ? Double.NaN : row.predicted(),
                        row.retryOf() == null ? -1 : row.retryOf(), row.attempt()));
            }
        }
        return out;
    }

    @Override
    public int nextProposalId() {
        int next = searches.nextIterationIndex(searchId);
        for (ProposalRecord row : searches.proposals(searchId)) {
            next = Math.max(next, row.proposalId() + 1);
        }
        return next;
    }

    @Override
    public void proposed(Proposal proposal) {
        searches.recordProposal(searchId, new NewProposal(proposal.id(), rankJson(proposal.kind(), proposal.ranks()),
                Double.isFinite(proposal.predicted()) ? proposal.predicted() : null,
                proposal.retryOf() < 0 ? null : proposal.retryOf(), proposal.attempt()));
    }

    @Override
    public void lost(Proposal proposal, String reason) {
        searches.markProposalLost(searchId, proposal.id(), reason);
    }

    @Override
    public void completed(Proposal proposal, SearchIteration iteration) {
        searches.completeProposal(searchId, proposal.id(), newIteration(iteration));
    }

    /** Every proposal of the search with its state, for views and tests. */
    public List<ProposalRecord> proposals() {
        return searches.proposals(searchId);
    }

    @Override
    public void saveModelSnapshot(int afterIteration, Supplier<byte[]> snapshot) {
        searches.saveSnapshot(searchId, afterIteration, SNAPSHOT_FORMAT, snapshot.get());
    }

    static String rankJson(SearchIteration iteration) {
        ObjectNode node = rankNode(iteration.kind(), iteration.ranks());
        if (iteration.repeats() > 1) {
            ArrayNode scores = node.putArray("scores");
            for (double v : iteration.scores()) {
                scores.add(v);
            }
        }
        return node.toString();
    }

    private static String rankJson(SearchIteration.Kind kind, int[] rankVector) {
        return rankNode(kind, rankVector).toString();
    }

    private static ObjectNode rankNode(SearchIteration.Kind kind, int[] rankVector) {
        ObjectNode node = JSON.createObjectNode();
        node.put("kind", kind.name());
        ArrayNode ranks = node.putArray("ranks");
        for (int r : rankVector) {
            ranks.add(r);
        }
        return node;
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

    private static int[] ranks(JsonNode node) {
        JsonNode ranksNode = node.get("ranks");
        int[] ranks = new int[ranksNode.size()];
        for (int i = 0; i < ranks.length; i++) {
            ranks[i] = ranksNode.get(i).asInt();
        }
        return ranks;
    }

    /** Ranks of a stored iteration row, for views and exports. */
    public static int[] ranksOf(IterationRecord row) {
        return ranks(parse(row.rankVectorJson(), row.iteration()));
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
