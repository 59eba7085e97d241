package org.rankadaptor.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.h2.api.ErrorCode;

/**
 * Searches, their iterations and performance-model snapshots. Every iteration is committed on its own, so a
 * killed search resumes at {@link #nextIterationIndex(long)}.
 */
public final class SearchRepository extends RunRepository<Search> {
    private static final String COLUMNS = "id, model_id, space_json, constraints_json, objective, fidelity_json,"
            + " status, result_json, error, created, updated, heartbeat_at, owner_pid";

    SearchRepository(Workspace workspace) {
        super(workspace, RunKind.SEARCH, COLUMNS, SearchRepository::map);
    }

    /** Stores the search as QUEUED. */
    public Search create(NewSearch search) {
        Instant now = Instant.now();
        long id = jdbc.insert("queuing search for model " + search.modelId(),
                "INSERT INTO searches(model_id, space_json, constraints_json, objective, fidelity_json, status,"
                        + " created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                search.modelId(), search.spaceJson(), search.constraintsJson(), search.objective(),
                search.fidelityJson(), RunStatus.QUEUED, now, now);
        return get(id);
    }

    /** Commits one iteration. */
    public IterationRecord recordIteration(long searchId, NewSearchIteration iteration) {
        return jdbc.withConnection(describe(searchId, iteration), c -> insertIteration(c, searchId, iteration));
    }

    /** Commits one iteration together with the performance model it produced: both or neither. */
    public IterationRecord recordIteration(long searchId, NewSearchIteration iteration, String snapshotFormat,
                                           byte[] snapshotWeights) {
        return jdbc.inTransaction(describe(searchId, iteration), c -> {
            IterationRecord stored = insertIteration(c, searchId, iteration);
            insertSnapshot(c, searchId, iteration.iteration(), snapshotFormat, snapshotWeights);
            return stored;
        });
    }

    private static String describe(long searchId, NewSearchIteration iteration) {
        return "recording iteration " + iteration.iteration() + " of search " + searchId;
    }

    private IterationRecord insertIteration(Connection connection, long searchId, NewSearchIteration it)
            throws SQLException {
        Instant now = Instant.now();
        try {
            Jdbc.update(connection, "INSERT INTO search_iterations(search_id, iteration, rank_vector_json, predicted,"
                            + " actual, seconds, created) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    searchId, it.iteration(), it.rankVectorJson(), it.predicted(), it.actual(), it.seconds(), now);
        } catch (SQLException e) {
            if (e.getErrorCode() == ErrorCode.DUPLICATE_KEY_1) {
                throw new StoreException("iteration " + it.iteration() + " of search " + searchId
                        + " is already recorded; resume at " + nextIterationIndex(searchId), e);
            }
            if (e.getErrorCode() == ErrorCode.REFERENTIAL_INTEGRITY_VIOLATED_PARENT_MISSING_1) {
                throw missing(searchId);
            }
            throw e;
        }
        return new IterationRecord(searchId, it.iteration(), it.rankVectorJson(), it.predicted(), it.actual(),
                it.seconds(), now);
    }

    private static final String PROPOSAL_COLUMNS = "search_id, proposal_id, rank_vector_json, predicted, retry_of,"
            + " attempt, state, iteration, note, created, updated";

    /** Stores a proposal as PENDING before it is sent; a proposal id is used once per search. */
    public void recordProposal(long searchId, NewProposal proposal) {
        Instant now = Instant.now();
        jdbc.withConnection("recording proposal " + proposal.proposalId() + " of search " + searchId, c -> {
            try {
                return Jdbc.update(c, "INSERT INTO search_proposals(search_id, proposal_id, rank_vector_json,"
                                + " predicted, retry_of, attempt, state, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        searchId, proposal.proposalId(), proposal.rankVectorJson(), proposal.predicted(),
                        proposal.retryOf(), proposal.attempt(), ProposalState.PENDING, now, now);
            } catch (SQLException e) {
                if (e.getErrorCode() == ErrorCode.DUPLICATE_KEY_1) {
                    throw new StoreException("proposal " + proposal.proposalId() + " of search " + searchId
                            + " is already recorded", e);
                }
                if (e.getErrorCode() == ErrorCode.REFERENTIAL_INTEGRITY_VIOLATED_PARENT_MISSING_1) {
                    throw missing(searchId);
                }
                throw e;
            }
        });
    }

    /** PENDING -> LOST: the worker measuring it vanished. */
    public void markProposalLost(long searchId, int proposalId, String reason) {
        jdbc.withConnection("marking proposal " + proposalId + " of search " + searchId + " lost", c -> {
            requireOnePending(Jdbc.update(c, "UPDATE search_proposals SET state = ?, note = ?, updated = ?"
                            + " WHERE search_id = ? AND proposal_id = ? AND state = ?", ProposalState.LOST, reason,
                    Instant.now(), searchId, proposalId, ProposalState.PENDING), searchId, proposalId);
            return null;
        });
    }

    /**
     * PENDING -> DONE together with the iteration it measured: both or neither, so a result that arrives twice
     * (a resumed coordinator, a late worker) cannot be stored twice.
     */
    public IterationRecord completeProposal(long searchId, int proposalId, NewSearchIteration iteration) {
        return jdbc.inTransaction("completing proposal " + proposalId + " of search " + searchId, c -> {
            requireOnePending(Jdbc.update(c, "UPDATE search_proposals SET state = ?, iteration = ?, updated = ?"
                            + " WHERE search_id = ? AND proposal_id = ? AND state = ?", ProposalState.DONE,
                    iteration.iteration(), Instant.now(), searchId, proposalId, ProposalState.PENDING),
                    searchId, proposalId);
            return insertIteration(c, searchId, iteration);
        });
    }

    private static void requireOnePending(int changed, long searchId, int proposalId) {
        if (changed != 1) {
            throw new StoreException("proposal " + proposalId + " of search " + searchId
                    + " is not PENDING (unknown, or already finished)");
        }
    }

    /** Every proposal of the search, in id order. */
    public List<ProposalRecord> proposals(long searchId) {
        return jdbc.query("reading proposals of search " + searchId, "SELECT " + PROPOSAL_COLUMNS
                        + " FROM search_proposals WHERE search_id = ? ORDER BY proposal_id",
                rs -> new ProposalRecord(rs.getLong("search_id"), rs.getInt("proposal_id"),
                        rs.getString("rank_vector_json"), Jdbc.nullableDouble(rs, "predicted"),
                        (Integer) rs.getObject("retry_of"), rs.getInt("attempt"),
                        ProposalState.valueOf(rs.getString("state")), (Integer) rs.getObject("iteration"),
                        rs.getString("note"), Jdbc.instant(rs, "created"), Jdbc.instant(rs, "updated")),
                searchId);
    }

    /** Stores (or replaces) the performance model after {@code iteration}. */
    public void saveSnapshot(long searchId, int iteration, String format, byte[] weights) {
        jdbc.withConnection("saving performance model of search " + searchId + " iteration " + iteration,
                c -> {
                    insertSnapshot(c, searchId, iteration, format, weights);
                    return null;
                });
    }

    private static void insertSnapshot(Connection connection, long searchId, int iteration, String format,
                                       byte[] weights) throws SQLException {
        if (format == null || format.isBlank() || weights == null) {
            throw new StoreException("performance-model snapshot of search " + searchId + " iteration " + iteration
                    + " needs a format and weights");
        }
        Jdbc.update(connection, "MERGE INTO perf_model_snapshots(search_id, iteration, format, weights, created)"
                + " KEY(search_id, iteration) VALUES (?, ?, ?, ?, ?)", searchId, iteration, format, weights, Instant.now());
    }

    public Optional<PerfModelSnapshot> latestSnapshot(long searchId) {
        return jdbc.queryOne("reading performance model of search " + searchId,
                "SELECT search_id, iteration, format, weights, created FROM perf_model_snapshots"
                        + " WHERE search_id = ? ORDER BY iteration DESC LIMIT 1",
                rs -> new PerfModelSnapshot(rs.getLong("search_id"), rs.getInt("iteration"), rs.getString("format"),
                        rs.getBytes("weights"), Jdbc.instant(rs, "created")), searchId);
    }

    /** Every committed iteration, in index order. */
    public List<IterationRecord> completedIterations(long searchId) {
        return jdbc.query("reading iterations of search " + searchId,
                "SELECT search_id, iteration, rank_vector_json, predicted, actual, seconds, created"
                        + " FROM search_iterations WHERE search_id = ? ORDER BY iteration",
                rs -> new IterationRecord(rs.getLong("search_id"), rs.getInt("iteration"),
                        rs.getString("rank_vector_json"), Jdbc.nullableDouble(rs, "predicted"),
                        Jdbc.nullableDouble(rs, "actual"), rs.getDouble("seconds"), Jdbc.instant(rs, "created")),
                searchId);
    }

    /** Where a resumed search continues: one past the highest committed iteration, 0 for none. */
    public int nextIterationIndex(long searchId) {
        return jdbc.queryOne("reading iterations of search " + searchId,
                "SELECT COALESCE(MAX(iteration) + 1, 0) AS next FROM search_iterations WHERE search_id = ?",
                rs -> rs.getInt("next"), searchId).orElse(0);
    }

    public void recordResult(long searchId, String resultJson) {
        int changed = jdbc.update("recording result of search " + searchId,
                "UPDATE searches SET result_json = ?, updated = ? WHERE id = ?", resultJson, Instant.now(), searchId);
        if (changed == 0) {
            throw missing(searchId);
        }
    }

    public List<Search> listResumable() {
        return listWhere("listing resumable searches", "status = ?", RunStatus.INTERRUPTED);
    }

    private static Search map(ResultSet rs) throws SQLException {
        long id = rs.getLong("id");
        return new Search(id, rs.getLong("model_id"), rs.getString("space_json"), rs.getString("constraints_json"),
                rs.getString("objective"), rs.getString("fidelity_json"),
                RunStatus.parse(rs.getString("status"), "search " + id), rs.getString("result_json"),
                rs.getString("error"), Jdbc.instant(rs, "created"), Jdbc.instant(rs, "updated"),
                Jdbc.instant(rs, "heartbeat_at"), Jdbc.nullableLong(rs, "owner_pid"));
    }
}
