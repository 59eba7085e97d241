package org.rankadaptor.search;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Locale;
import org.rankadaptor.stage.StageContext;

/** One proposal at a time, measured by an {@link Objective} in the calling thread: the plain search. */
public final class SequentialMeasurements implements MeasurementScheduler {
    private final Objective objective;
    private final Deque<Proposal> queued = new ArrayDeque<>();

    public SequentialMeasurements(Objective objective) {
        this.objective = objective;
    }

    @Override
    public int capacity() {
        return 1;
    }

    @Override
    public void submit(Proposal proposal, StageContext ctx) {
        queued.add(proposal);
    }

    @Override
    public Outcome awaitNext(StageContext ctx) {
        Proposal p = queued.poll();
        if (p == null) {
            throw new SearchException("sequential measurements: nothing was submitted");
        }
        ctx.checkCancelled(RankSearch.STEP);
        ctx.report(RankSearch.STEP, p.id(), p.id() + 1, "measuring " + p.kind().name().toLowerCase(Locale.ROOT)
                + " configuration " + Arrays.toString(p.ranks()));
        long start = System.nanoTime();
        double score = objective.measure(p.ranks(), ctx);
        return new Measured(p, score, (System.nanoTime() - start) / 1e9, "local");
    }
}
