package org.rankadaptor.job;

import org.rankadaptor.model.CheckpointLoader;
import org.rankadaptor.model.LlamaModel;
import org.rankadaptor.model.Placement;
import org.rankadaptor.model.TextTokenizer;
import org.rankadaptor.model.Tokenizers;
import org.rankadaptor.search.MeasurementScheduler;
import org.rankadaptor.search.Proposal;
import org.rankadaptor.search.SequentialMeasurements;
import org.rankadaptor.stage.StageContext;

/**
 * Where a search's candidates are measured: in this process one at a time, or on cluster workers (the cluster
 * package supplies that one, so job/ stays free of the cluster engine).
 */
@FunctionalInterface
public interface MeasurementBackend {

    /**
     * Opens the scheduler for one search. {@code searchKey} names the search on a cluster and stays the same when
     * it is resumed, so results finished while the coordinator was away are found again.
     */
    MeasurementScheduler open(MeasurementSetup setup, String searchKey, StageContext ctx);

    /** Loads the model here and measures one candidate at a time. */
    static MeasurementBackend inProcess(Placement placement) {
        return (setup, searchKey, ctx) -> InProcess.open(setup, placement);
    }

    /** The sequential scheduler, owning the model and tokenizer it measures with. */
    final class InProcess implements MeasurementScheduler {
        private final LlamaModel model;
        private final TextTokenizer tokenizer;
        private final SequentialMeasurements measurements;

        private InProcess(LlamaModel model, TextTokenizer tokenizer, SequentialMeasurements measurements) {
            this.model = model;
            this.tokenizer = tokenizer;
            this.measurements = measurements;
        }

        static InProcess open(MeasurementSetup setup, Placement placement) {
            LlamaModel model = CheckpointLoader.load(setup.modelDir(), placement);
            TextTokenizer tokenizer = null;
            try {
                tokenizer = Tokenizers.load(setup.modelDir(), model.config());
                RecoveryObjective objective = setup.objective(model, tokenizer, setup.trainingData(tokenizer));
                return new InProcess(model, tokenizer, new SequentialMeasurements(objective));
            } catch (RuntimeException e) {
                if (tokenizer != null) {
                    tokenizer.close();
                }
                model.close();
                throw e;
            }
        }

        @Override
        public int capacity() {
            return measurements.capacity();
        }

        @Override
        public void submit(Proposal proposal, StageContext ctx) {
            measurements.submit(proposal, ctx);
        }

        @Override
        public Outcome awaitNext(StageContext ctx) {
            return measurements.awaitNext(ctx);
        }

        @Override
        public void close() {
            try (model; tokenizer) {
                measurements.close();
            }
        }
    }
}
