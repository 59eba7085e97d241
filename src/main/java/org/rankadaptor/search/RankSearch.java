package org.rankadaptor.search;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import org.rankadaptor.stage.StageContext;

/**
 * The online RankAdaptor loop.
 *
 * <ol>
 *   <li>Measure the uniform baseline (every layer at the budget's reference rank, 8 by default) and
 *       {@code initialSamples} distinct random feasible configurations; fit the performance model on them.</li>
 *   <li>Repeat: sample {@code candidatesPerIteration} feasible configurations (or enumerate the space when it is that
 *       small), predict them all, pick the best not yet measured (greedy mean, or UCB over the ensemble), measure it,
 *       record it in the journal, then update the model incrementally with the new point.</li>
 *   <li>Stop when |predicted - actual| &lt;= threshold on {@code convergenceStreak} consecutive search iterations,
 *       when {@code maxEvaluations} measurements exist, or when every feasible configuration was measured.</li>
 *   <li>Report the model's argmax over the space (or a final sample) and the best measured configuration.</li>
 * </ol>
 *
 * <p>Strategies ({@link SearchSettings.Strategy}): {@code RANDOM} measures the same baseline and initial points, then
 * distinct random feasible configurations (the model is still trained, so its predictions for random picks are a
 * held-out check); {@code GRID} measures the baseline and every other feasible configuration, refusing spaces above
 * the grid limit. Repeats: each configuration is measured {@link SearchSettings#repeatsFor} times with seeds
 * seed + r; the model trains on every repeat.
 *
 * <p>Parallel: {@link #run(MeasurementScheduler, SearchJournal, StageContext)} keeps up to K proposals in flight;
 * each pick treats the in-flight ones as measured at their predictions (kriging believer), so they differ. A lost
 * proposal (its worker died) is sent again, at most {@value #MAX_ATTEMPTS} times in all.
 *
 * <p>Resume: iterations already in the journal are not measured again; proposals still PENDING are sent again. The model is rebuilt by replaying exactly the
 * training sequence of the original run (fit on the initial points, then one incremental update per search point),
 * and each iteration's candidate sample comes from a random stream derived from (seed, index). So with a deterministic
 * objective a resumed run continues exactly as the uninterrupted run would have.
 */
public final class RankSearch {

    static final String STEP = "rank-search";
    /** Sends of one configuration before a search gives up on it (each lost send is retried once more). */
    static final int MAX_ATTEMPTS = 3;

    private final SearchSpace space;
    private final RankEncoder encoder;
    private final ModelFactory models;
    private final SearchSettings settings;
    private final RankSampler sampler;
    private final Optional<List<int[]>> enumerated;

    /** Overall progress of the running {@link #run}, for the reports made inside each measurement. */
    private MeasurementProgress progress = new MeasurementProgress(1);

    public RankSearch(SearchSpace space, RankEncoder encoder, ModelFactory models, SearchSettings settings) {
        if (encoder.layerCount() != space.layerCount()) {
            throw new SearchException("rank search: encoder covers " + encoder.layerCount()
                    + " layers but the search space has " + space.layerCount());
        }
        this.space = space;
        this.encoder = encoder;
        this.models = models;
        this.settings = settings;
        this.sampler = new RankSampler(space);
        this.enumerated = sampler.enumerateIfAtMost(settings.candidatesPerIteration());
    }

    public SearchSpace space() {
        return space;
    }

    public SearchSettings settings() {
        return settings;
    }

    /** The plain search: one measurement at a time in the calling thread. */
    public SearchResult run(Objective objective, SearchJournal journal, StageContext ctx) {
        return run(new SequentialMeasurements(objective, settings::repeatsFor), journal, ctx);
    }

    /**
     * The search with up to {@code scheduler.capacity()} measurements in flight. Completions are recorded in the
     * order they arrive. With a capacity of 1 this is exactly the sequential loop.
     */
    public SearchResult run(MeasurementScheduler scheduler, SearchJournal journal, StageContext ctx) {
        long wallStart = System.nanoTime();
        progress = new MeasurementProgress(settings.maxEvaluations());
        List<SearchIteration> completed = checkedJournal(journal.completedIterations());
        Loop loop = new Loop(scheduler, journal, journal.nextProposalId());
        for (SearchIteration it : completed) {
            loop.history.add(it);
            loop.measured.add(key(it.ranks()));
        }
        // What a killed run had in flight goes out again first (a cluster scheduler may find it already finished).
        for (Proposal p : journal.pendingProposals()) {
            loop.resend(p, ctx);
        }

        boolean grid = settings.strategy() == SearchSettings.Strategy.GRID;
        List<int[]> initial = grid ? gridConfigurations() : initialConfigurations();
        // a grid measures every feasible configuration; the iteration budget does not apply to it
        int planned = grid ? initial.size() : settings.maxEvaluations();
        int initialCount = Math.min(initial.size(), planned);
        int nextInitial = 0;
        while (loop.countOf(false) < initialCount) {
            while (loop.inFlight.size() < scheduler.capacity() && nextInitial < initialCount) {
                ctx.checkCancelled(STEP);
                int[] ranks = initial.get(nextInitial);
                SearchIteration.Kind kind = nextInitial == 0 ? SearchIteration.Kind.BASELINE
                        : grid ? SearchIteration.Kind.GRID : SearchIteration.Kind.INITIAL;
                nextInitial++;
                if (!loop.measured.contains(key(ranks)) && !loop.inFlightKeys().contains(key(ranks))) {
                    loop.propose(kind, ranks, Double.NaN, ctx);
                }
            }
            if (loop.inFlight.isEmpty()) {
                break;
            }
            loop.finishNext(ctx);
        }

        PerformanceEnsemble ensemble = PerformanceEnsemble.create(models, settings.ensembleSize());
        if (ensemble.inputSize() != encoder.featureCount()) {
            throw new SearchException("rank search: performance model takes " + ensemble.inputSize()
                    + " inputs but the encoder produces " + encoder.featureCount());
        }
        List<SearchIteration> initialHistory = loop.history.stream().filter(it -> isInitial(it.kind())).toList();
        ctx.report(STEP, initialHistory.size(), settings.maxEvaluations(), "fitting performance model on "
                + initialHistory.size() + " initial points");
        ensemble.fit(samplesOf(initialHistory), ctx);
        if (loop.history.size() > completed.size()) {
            journal.saveModelSnapshot(loop.history.size() - 1, ensemble::toBytes);
        }
        // Replay: one incremental update per search iteration already in the journal, in completion order.
        int streak = 0;
        boolean converged = false;
        for (SearchIteration it : loop.history) {
            if (!isInitial(it.kind())) {
                ensemble.update(samplesOf(List.of(it)), ctx);
                streak = nextStreak(streak, it, loop.history);
                converged |= converges(streak);
            }
        }
        loop.updatedThrough = loop.history.size();

        boolean spaceExhausted = false;
        while (true) {
            while (!converged && !spaceExhausted && loop.inFlight.size() < scheduler.capacity()
                    && loop.history.size() + loop.inFlight.size() < planned) {
                ctx.checkCancelled(STEP);
                boolean random = settings.strategy() == SearchSettings.Strategy.RANDOM;
                Optional<Pick> pick = random ? randomPick(ensemble, loop) : pickNext(ensemble, loop, ctx);
                if (pick.isEmpty()) {
                    spaceExhausted = true;
                    break;
                }
                loop.propose(random ? SearchIteration.Kind.RANDOM : SearchIteration.Kind.SEARCH, pick.get().ranks(),
                        pick.get().predicted(), ctx);
            }
            if (loop.inFlight.isEmpty()) {
                break;
            }
            loop.finishNext(ctx);
            // Search points update the model as they arrive (an initial point re-sent on resume was fitted above
            // only if it had finished; a late one joins the model like a search point).
            for (; loop.updatedThrough < loop.history.size(); loop.updatedThrough++) {
                SearchIteration it = loop.history.get(loop.updatedThrough);
                ensemble.update(samplesOf(List.of(it)), ctx);
                streak = nextStreak(streak, it, loop.history);
                converged |= converges(streak);
                journal.saveModelSnapshot(it.index(), ensemble::toBytes);
            }
        }
        SearchResult.StopReason stop = SearchResult.StopReason.BUDGET_EXHAUSTED;
        if (converged) {
            stop = SearchResult.StopReason.CONVERGED;
        } else if (grid || spaceExhausted || enumerated.isPresent() && measuredAll(loop.measured)) {
            stop = SearchResult.StopReason.SPACE_EXHAUSTED;
        }
        return result(ensemble, loop.history, Math.min(completed.size(), loop.history.size()), stop, wallStart, ctx);
    }

    /** Agreeing model picks in a row; random and grid points neither count nor break it. */
    private int nextStreak(int streak, SearchIteration it, List<SearchIteration> history) {
        if (it.kind() != SearchIteration.Kind.SEARCH) {
            return streak;
        }
        return it.absoluteError() <= convergenceThreshold(history) ? streak + 1 : 0;
    }

    /** Only RankAdaptor stops on agreement; random and grid run their whole budget. */
    private boolean converges(int streak) {
        return settings.strategy() == SearchSettings.Strategy.RANKADAPTOR && streak >= settings.convergenceStreak();
    }

    /** Measured before the model exists (baseline, initial, grid) rather than picked after it. */
    private static boolean isInitial(SearchIteration.Kind kind) {
        return kind == SearchIteration.Kind.BASELINE || kind == SearchIteration.Kind.INITIAL
                || kind == SearchIteration.Kind.GRID;
    }

    /**
     * The agreement threshold for the convergence rule: as given, or k standard errors of a configuration's mean
     * score, the standard deviation pooled over every configuration measured more than once so far.
     */
    double convergenceThreshold(List<SearchIteration> history) {
        if (settings.thresholdUnit() == SearchSettings.ThresholdUnit.OBJECTIVE) {
            return settings.convergenceThreshold();
        }
        double sigma = SeedNoise.of(history).pooledStd();
        return Double.isNaN(sigma) ? 0 : settings.convergenceThreshold() * sigma / Math.sqrt(settings.repeats());
    }

    /** Baseline first, then every other feasible configuration in enumeration order; refuses large spaces. */
    List<int[]> gridConfigurations() {
        List<int[]> all = sampler.enumerateIfAtMost(settings.gridLimit()).orElseThrow(() -> new SearchException(
                "grid search: the space has more than " + settings.gridLimit() + " feasible configurations ("
                        + String.format(Locale.ROOT, "%.0f", space.unconstrainedSize())
                        + " before the budget); raise the grid limit (--grid-limit) or narrow the space"));
        List<int[]> out = new ArrayList<>();
        int[] baseline = space.uniformBaseline();
        out.add(baseline);
        for (int[] c : all) {
            if (!Arrays.equals(c, baseline)) {
                out.add(c);
            }
        }
        return out;
    }

    /**
     * A feasible configuration neither measured nor in flight, uniformly at random from a stream derived from
     * (seed, proposal id), so a resumed run draws what the original would have.
     */
    private Optional<Pick> randomPick(PerformanceEnsemble ensemble, Loop loop) {
        SplittableRandom random = new SplittableRandom(mix(settings.seed(), loop.nextId));
        Set<String> taken = new HashSet<>(loop.measured);
        taken.addAll(loop.inFlightKeys());
        int[] pick = null;
        if (enumerated.isPresent()) {
            List<int[]> open = new ArrayList<>();
            for (int[] c : enumerated.get()) {
                if (!taken.contains(key(c))) {
                    open.add(c);
                }
            }
            pick = open.isEmpty() ? null : open.get(random.nextInt(open.size()));
        } else {
            for (int attempt = 0; attempt < 100_000 && pick == null; attempt++) {
                int[] c = sampler.sample(random);
                pick = taken.contains(key(c)) ? null : c;
            }
        }
        if (pick == null) {
            return Optional.empty();
        }
        // the model still predicts it: the random strategy's predictions are an honest held-out check
        return Optional.of(new Pick(pick, ensemble.predictMean(encoder.encode(pick))));
    }

    /** The run's moving parts: what is measured, what is in flight, and how proposals go out and come back. */
    private final class Loop {
        final MeasurementScheduler scheduler;
        final SearchJournal journal;
        final List<SearchIteration> history = new ArrayList<>();
        final Set<String> measured = new HashSet<>();
        final Map<Integer, InFlight> inFlight = new LinkedHashMap<>();
        int nextId;
        int updatedThrough;

        Loop(MeasurementScheduler scheduler, SearchJournal journal, int nextId) {
            this.scheduler = scheduler;
            this.journal = journal;
            this.nextId = nextId;
        }

        int countOf(boolean picked) {
            int n = 0;
            for (SearchIteration it : history) {
                n += !isInitial(it.kind()) == picked ? 1 : 0;
            }
            return n;
        }

        Set<String> inFlightKeys() {
            Set<String> keys = new HashSet<>();
            inFlight.values().forEach(f -> keys.add(key(f.proposal().ranks())));
            return keys;
        }

        void propose(SearchIteration.Kind kind, int[] ranks, double predicted, StageContext ctx) {
            Proposal p = Proposal.first(nextId++, kind, ranks, predicted);
            journal.proposed(p);
            send(p, ctx);
        }

        void resend(Proposal p, StageContext ctx) {
            nextId = Math.max(nextId, p.id() + 1);
            send(p, ctx);
        }

        private void send(Proposal p, StageContext ctx) {
            inFlight.put(p.id(), new InFlight(p, System.nanoTime()));
            scheduler.submit(p, ctx);
        }

        void finishNext(StageContext ctx) {
            // reports made while measuring carry "measurement k of N, about m:ss left"
            MeasurementScheduler.Outcome outcome = scheduler.awaitNext(progress.around(ctx, history.size()));
            InFlight f = inFlight.remove(outcome.proposal().id());
            if (f == null) {
                throw new SearchException("rank search: the scheduler finished proposal " + outcome.proposal().id()
                        + ", which is not in flight");
            }
            Proposal p = f.proposal();
            if (outcome instanceof MeasurementScheduler.Lost lost) {
                journal.lost(p, lost.reason());
                if (p.attempt() >= MAX_ATTEMPTS) {
                    throw new SearchException("rank search: configuration " + Arrays.toString(p.ranks())
                            + " was lost " + p.attempt() + " times (last: " + lost.reason() + "); giving up");
                }
                ctx.report(STEP, history.size(), settings.maxEvaluations(), "proposal " + p.id() + " lost ("
                        + lost.reason() + "), sending it again");
                Proposal retry = p.retry(nextId++);
                journal.proposed(retry);
                send(retry, ctx);
                return;
            }
            double[] scores = ((MeasurementScheduler.Measured) outcome).scores();
            for (double score : scores) {
                if (Double.isNaN(score) || Double.isInfinite(score)) {
                    throw new SearchException("rank search: objective returned " + score + " for iteration "
                            + history.size() + " (proposal " + p.id() + ") ranks " + Arrays.toString(p.ranks()));
                }
            }
            SearchIteration it = SearchIteration.ofRepeats(history.size(), p.kind(), p.ranks(), p.predicted(), scores,
                    (System.nanoTime() - f.sentNanos()) / 1e9);
            double actual = it.actual();
            journal.completed(p, it);
            scheduler.acknowledge(p);
            history.add(it);
            measured.add(key(it.ranks()));
            progress.measured();
            // random and grid searches predict nothing: say only what was measured
            ctx.report(STEP, history.size(), settings.maxEvaluations(), Double.isFinite(it.predicted())
                    ? String.format(Locale.ROOT, "iteration %d: predicted %.3f, measured %.3f", it.index(), it.predicted(), actual)
                    : String.format(Locale.ROOT, "iteration %d: measured %.3f", it.index(), actual));
        }
    }

    private record InFlight(Proposal proposal, long sentNanos) {
    }

    private record Pick(int[] ranks, double predicted) {
    }

    /**
     * Best candidate not measured and not in flight. With proposals in flight the model first "believes" them at
     * their predicted values (kriging believer) on a copy, so K parallel picks spread out instead of crowding the
     * same peak.
     */
    private Optional<Pick> pickNext(PerformanceEnsemble ensemble, Loop loop, StageContext ctx) {
        int index = loop.nextId;
        List<int[]> candidates = candidatesFor(index);
        ctx.report(STEP, loop.history.size(), settings.maxEvaluations(), "predicting " + candidates.size()
                + " candidates");
        PerformanceEnsemble believer = ensemble;
        List<Sample> believed = new ArrayList<>();
        for (InFlight f : loop.inFlight.values()) {
            if (Double.isFinite(f.proposal().predicted())) {
                believed.add(new Sample(encoder.encode(f.proposal().ranks()), f.proposal().predicted()));
            }
        }
        if (!believed.isEmpty()) {
            believer = PerformanceEnsemble.fromBytes(ensemble.toBytes());
            believer.update(believed, ctx);
        }
        int[][] rows = candidates.toArray(new int[0][]);
        PerformanceEnsemble.Prediction prediction = believer.predict(encoder.encodeAll(rows));
        ctx.checkCancelled(STEP);
        double kappa = settings.acquisition() == SearchSettings.Acquisition.UPPER_CONFIDENCE_BOUND
                ? settings.ucbKappa() : 0;
        Set<String> taken = new HashSet<>(loop.measured);
        taken.addAll(loop.inFlightKeys());
        int best = -1;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < rows.length; c++) {
            double score = prediction.mean()[c] + kappa * prediction.std()[c];
            if (score > bestScore && !taken.contains(key(rows[c]))) {
                best = c;
                bestScore = score;
            }
        }
        if (best < 0) {
            return Optional.empty();
        }
        return Optional.of(new Pick(rows[best], prediction.mean()[best]));
    }

    /** Baseline first, then distinct random feasible configurations (as many as exist, up to initialSamples). */
    List<int[]> initialConfigurations() {
        List<int[]> out = new ArrayList<>();
        int[] baseline = space.uniformBaseline();
        out.add(baseline);
        Set<String> seen = new HashSet<>();
        seen.add(key(baseline));
        SplittableRandom random = new SplittableRandom(mix(settings.seed(), -1));
        int attempts = 0;
        while (out.size() < settings.initialSamples() + 1 && attempts < 1000 + 100 * settings.initialSamples()) {
            attempts++;
            int[] c = sampler.sample(random);
            if (seen.add(key(c))) {
                out.add(c);
            }
        }
        return out;
    }

    private List<int[]> candidatesFor(int index) {
        if (enumerated.isPresent()) {
            return enumerated.get();
        }
        SplittableRandom random = new SplittableRandom(mix(settings.seed(), index));
        return Arrays.asList(sampler.sample(random, settings.candidatesPerIteration()));
    }

    private SearchResult result(PerformanceEnsemble ensemble, List<SearchIteration> history, int resumed,
                                SearchResult.StopReason stop, long wallStart, StageContext ctx) {
        List<int[]> finalCandidates = new ArrayList<>(candidatesFor(Integer.MAX_VALUE));
        for (SearchIteration it : history) {
            finalCandidates.add(it.ranks());
        }
        int[][] rows = finalCandidates.toArray(new int[0][]);
        float[] mean = ensemble.predict(encoder.encodeAll(rows)).mean();
        int bestPredicted = 0;
        for (int c = 1; c < rows.length; c++) {
            if (mean[c] > mean[bestPredicted]) {
                bestPredicted = c;
            }
        }
        SearchIteration bestMeasured = history.get(0);
        double seconds = 0;
        for (SearchIteration it : history) {
            seconds += it.seconds();
            if (it.actual() > bestMeasured.actual()) {
                bestMeasured = it;
            }
        }
        ctx.report(STEP, history.size(), history.size(), "done: " + stop.name().toLowerCase(Locale.ROOT));
        return new SearchResult(rows[bestPredicted], mean[bestPredicted], bestMeasured.ranks(),
                bestMeasured.actual(), bestMeasured.predicted(), history, resumed, stop, seconds,
                (System.nanoTime() - wallStart) / 1e9, ensemble.toBytes());
    }

    private List<SearchIteration> checkedJournal(List<SearchIteration> iterations) {
        List<SearchIteration> sorted = new ArrayList<>(iterations);
        sorted.sort((a, b) -> Integer.compare(a.index(), b.index()));
        for (int i = 0; i < sorted.size(); i++) {
            SearchIteration it = sorted.get(i);
            if (it.index() != i) {
                throw new SearchException("search journal: iterations must be numbered 0.." + (sorted.size() - 1)
                        + " without gaps, found index " + it.index() + " at position " + i);
            }
            if (it.ranks().length != space.layerCount()) {
                throw new SearchException("search journal: iteration " + i + " has " + it.ranks().length
                        + " ranks, the search space has " + space.layerCount() + " layers");
            }
        }
        return sorted;
    }

    private boolean measuredAll(Set<String> measured) {
        for (int[] c : enumerated.orElseThrow()) {
            if (!measured.contains(key(c))) {
                return false;
            }
        }
        return true;
    }

    /** One training point per repeated measurement, so the model sees the noise instead of a hidden mean. */
    private List<Sample> samplesOf(List<SearchIteration> iterations) {
        List<Sample> out = new ArrayList<>();
        for (SearchIteration it : iterations) {
            float[] features = encoder.encode(it.ranks());
            for (double score : it.scores()) {
                out.add(new Sample(features, score));
            }
        }
        return out;
    }

    private static String key(int[] ranks) {
        return Arrays.toString(ranks);
    }

    /** Independent stream per (seed, iteration) so a resumed run draws what the original would have. */
    private static long mix(long seed, long index) {
        long z = seed * 0x9E3779B97F4A7C15L + index * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
