package org.rankadaptor.search;

import org.rankadaptor.stage.StageContext;

/**
 * Where {@link RankSearch} sends proposals to be measured: up to {@link #capacity()} at once. The sequential one
 * measures in the calling thread; a cluster one sends each proposal to a worker and hands back whichever finishes
 * first, so a slow worker never holds up the others.
 */
public interface MeasurementScheduler extends AutoCloseable {

    /** How many proposals may be in flight at once (K of {@code --parallel K}). */
    int capacity();

    /** Starts measuring {@code proposal}; returns at once unless measuring is synchronous. */
    void submit(Proposal proposal, StageContext ctx);

    /**
     * Blocks until one submitted proposal finishes: measured, or lost because whoever measured it vanished.
     * Polls {@code ctx} for cancellation while waiting; a task that failed for another reason throws.
     */
    Outcome awaitNext(StageContext ctx);

    /**
     * The search has durably recorded this measured proposal: a cluster scheduler may now forget its result.
     * Until then the result is kept, so a coordinator killed in between finds it again on resume.
     */
    default void acknowledge(Proposal proposal) {
    }

    /** Releases what the scheduler holds (a loaded model, a cluster connection, workers it started). */
    @Override
    default void close() {
    }

    /** How one proposal ended. */
    sealed interface Outcome permits Measured, Lost {
        Proposal proposal();
    }

    /**
     * The proposal was measured; {@code seconds} is the measurement's own wall time where it ran. {@code scores}
     * holds one score per repeated measurement (seed + r) and {@code score} their mean.
     */
    record Measured(Proposal proposal, double score, double seconds, String member, double[] scores)
            implements Outcome {
        public Measured {
            scores = scores.clone();
        }

        /** One measurement. */
        public Measured(Proposal proposal, double score, double seconds, String member) {
            this(proposal, score, seconds, member, new double[] {score});
        }

        @Override
        public double[] scores() {
            return scores.clone();
        }
    }

    /** The member measuring it left (killed, disconnected); the search sends it again. */
    record Lost(Proposal proposal, String reason) implements Outcome {
    }
}
