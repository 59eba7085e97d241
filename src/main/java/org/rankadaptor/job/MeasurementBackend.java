package org.rankadaptor.job;

import org.rankadaptor.model.ModelWithTokenizer;
import org.rankadaptor.model.Placement;
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

    /** Loads the model here and measures one candidate at a time, once. */
    static MeasurementBackend inProcess(Placement placement) {
        return inProcess(placement, kind -> 1);
    }

    /** As {@link #inProcess(Placement)}, measuring a configuration of each kind {@code repeats} times (seed + r). */
    static MeasurementBackend inProcess(Placement placement,
                                        java.util.function.ToIntFunction<org.rankadaptor.search.SearchIteration.Kind> repeats) {
        return (setup, searchKey, ctx) -> InProcess.open(setup, placement, repeats);
    }

    /** The sequential scheduler, owning the model and tokenizer it measures with. */
    final class InProcess implements MeasurementScheduler {
        private final ModelWithTokenizer loaded;
        private final SequentialMeasurements measurements;

        private InProcess(ModelWithTokenizer loaded, SequentialMeasurements measurements) {
            this.loaded = loaded;
            this.measurements = measurements;
        }

        static InProcess open(MeasurementSetup setup, Placement placement,
                              java.util.function.ToIntFunction<org.rankadaptor.search.SearchIteration.Kind> repeats) {
            ModelWithTokenizer loaded = ModelWithTokenizer.open(setup.modelDir(), placement);
            try {
                RecoveryObjective objective = setup.objective(loaded.model(), loaded.tokenizer(),
                        setup.trainingData(loaded.tokenizer()));
                return new InProcess(loaded, new SequentialMeasurements(objective, repeats));
            } catch (RuntimeException e) {
                loaded.close();
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
            try (loaded) {
                measurements.close();
            }
        }
    }
}
