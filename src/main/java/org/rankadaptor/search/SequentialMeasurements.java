package org.rankadaptor.search;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Locale;
import java.util.function.ToIntFunction;
import org.rankadaptor.stage.StageContext;

/**
 * One proposal at a time, measured by an {@link Objective} in the calling thread: the plain search. A configuration
 * of a kind that needs R repeats is measured R times, repeat r with the objective's seed + r.
 */
public final class SequentialMeasurements implements MeasurementScheduler {
    private final Objective objective;
    private final ToIntFunction<SearchIteration.Kind> repeats;
    private final Deque<Proposal> queued = new ArrayDeque<>();

    /** One measurement per configuration. */
    public SequentialMeasurements(Objective objective) {
        this(objective, kind -> 1);
    }

    public SequentialMeasurements(Objective objective, ToIntFunction<SearchIteration.Kind> repeats) {
        this.objective = objective;
        this.repeats = repeats;
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
        double[] scores = new double[Math.max(1, repeats.applyAsInt(p.kind()))];
        for (int r = 0; r < scores.length; r++) {
            if (r > 0) {
                ctx.checkCancelled(RankSearch.STEP);
                ctx.report(RankSearch.STEP, p.id(), p.id() + 1, "measuring " + Arrays.toString(p.ranks())
                        + " again (repeat " + (r + 1) + " of " + scores.length + ")");
            }
            scores[r] = objective.measure(p.ranks(), r, ctx);
        }
        return new Measured(p, Arrays.stream(scores).average().orElseThrow(), (System.nanoTime() - start) / 1e9,
                "local", scores);
    }
}
