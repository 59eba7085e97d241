package org.rankadaptor.search;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
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
 * <p>Resume: iterations already in the journal are not measured again. The model is rebuilt by replaying exactly the
 * training sequence of the original run (fit on the initial points, then one incremental update per search point),
 * and each iteration's candidate sample comes from a random stream derived from (seed, index). So with a deterministic
 * objective a resumed run continues exactly as the uninterrupted run would have.
 */
public final class RankSearch {

    static final String STEP = "rank-search";

    private final SearchSpace space;
    private final RankEncoder encoder;
    private final ModelFactory models;
    private final SearchSettings settings;
    private final RankSampler sampler;
    private final Optional<List<int[]>> enumerated;

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

    public SearchResult run(Objective objective, SearchJournal journal, StageContext ctx) {
        long wallStart = System.nanoTime();
        List<SearchIteration> completed = checkedJournal(journal.completedIterations());
        List<SearchIteration> history = new ArrayList<>();
        Set<String> measured = new HashSet<>();

        List<int[]> initial = settings.strategy() == SearchSettings.Strategy.GRID ? gridConfigurations()
                : initialConfigurations();
        int planned = plannedEvaluations(initial);
        for (int i = 0; i < initial.size() && history.size() < planned; i++) {
            SearchIteration.Kind kind = i == 0 ? SearchIteration.Kind.BASELINE : initialKind();
            SearchIteration it = i < completed.size() ? completed.get(i)
                    : measure(objective, journal, ctx, i, kind, initial.get(i), Double.NaN, System.nanoTime());
            history.add(it);
            measured.add(key(it.ranks()));
        }

        PerformanceEnsemble ensemble = PerformanceEnsemble.create(models, settings.ensembleSize());
        if (ensemble.inputSize() != encoder.featureCount()) {
            throw new SearchException("rank search: performance model takes " + ensemble.inputSize()
                    + " inputs but the encoder produces " + encoder.featureCount());
        }
        ctx.report(STEP, history.size(), planned, "fitting performance model on "
                + history.size() + " initial points");
        ensemble.fit(samplesOf(history), ctx);
        if (history.size() > completed.size()) {
            journal.saveModelSnapshot(history.size() - 1, ensemble::toBytes);
        }

        int streak = 0;
        SearchResult.StopReason stop = settings.strategy() == SearchSettings.Strategy.GRID
                ? SearchResult.StopReason.SPACE_EXHAUSTED : SearchResult.StopReason.BUDGET_EXHAUSTED;
        while (history.size() < planned || history.size() < completed.size()) {
            int index = history.size();
            SearchIteration it;
            if (index < completed.size()) {
                it = completed.get(index);
            } else {
                if (settings.strategy() == SearchSettings.Strategy.RANKADAPTOR
                        && streak >= settings.convergenceStreak()) {
                    break;
                }
                ctx.checkCancelled(STEP);
                long start = System.nanoTime();
                Optional<Pick> pick = settings.strategy() == SearchSettings.Strategy.RANDOM
                        ? randomPick(ensemble, measured, index)
                        : pickNext(ensemble, measured, index, ctx);
                if (pick.isEmpty()) {
                    stop = SearchResult.StopReason.SPACE_EXHAUSTED;
                    break;
                }
                SearchIteration.Kind kind = settings.strategy() == SearchSettings.Strategy.RANDOM
                        ? SearchIteration.Kind.RANDOM : SearchIteration.Kind.SEARCH;
                it = measure(objective, journal, ctx, index, kind, pick.get().ranks(), pick.get().predicted(), start);
            }
            history.add(it);
            measured.add(key(it.ranks()));
            streak = it.kind() == SearchIteration.Kind.SEARCH
                    && it.absoluteError() <= convergenceThreshold(history) ? streak + 1 : 0;
            ensemble.update(samplesOf(List.of(it)), ctx);
            if (index >= completed.size()) {
                journal.saveModelSnapshot(index, ensemble::toBytes);
            }
        }
        if (settings.strategy() == SearchSettings.Strategy.RANKADAPTOR && streak >= settings.convergenceStreak()) {
            stop = SearchResult.StopReason.CONVERGED;
        } else if (stop != SearchResult.StopReason.SPACE_EXHAUSTED && enumerated.isPresent()
                && measuredAll(measured)) {
            stop = SearchResult.StopReason.SPACE_EXHAUSTED;
        }
        return result(ensemble, history, Math.min(completed.size(), history.size()), stop, wallStart, ctx);
    }

    /** Grid: every feasible configuration (the iteration budget does not apply); otherwise maxEvaluations. */
    private int plannedEvaluations(List<int[]> initial) {
        return settings.strategy() == SearchSettings.Strategy.GRID ? initial.size() : settings.maxEvaluations();
    }

    private SearchIteration.Kind initialKind() {
        return settings.strategy() == SearchSettings.Strategy.GRID ? SearchIteration.Kind.GRID
                : SearchIteration.Kind.INITIAL;
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

    /** A feasible configuration not measured yet, uniformly at random from a stream derived from (seed, index). */
    private Optional<Pick> randomPick(PerformanceEnsemble ensemble, Set<String> measured, int index) {
        SplittableRandom random = new SplittableRandom(mix(settings.seed(), index));
        int[] pick = null;
        if (enumerated.isPresent()) {
            List<int[]> open = new ArrayList<>();
            for (int[] c : enumerated.get()) {
                if (!measured.contains(key(c))) {
                    open.add(c);
                }
            }
            pick = open.isEmpty() ? null : open.get(random.nextInt(open.size()));
        } else {
            for (int attempt = 0; attempt < 100_000 && pick == null; attempt++) {
                int[] c = sampler.sample(random);
                pick = measured.contains(key(c)) ? null : c;
            }
        }
        if (pick == null) {
            return Optional.empty();
        }
        // the model still predicts it: the random strategy's predictions are an honest held-out check
        return Optional.of(new Pick(pick, ensemble.predictMean(encoder.encode(pick))));
    }

    private record Pick(int[] ranks, double predicted) {
    }

    private Optional<Pick> pickNext(PerformanceEnsemble ensemble, Set<String> measured, int index, StageContext ctx) {
        List<int[]> candidates = candidatesFor(index);
        ctx.report(STEP, index, settings.maxEvaluations(), "predicting " + candidates.size() + " candidates");
        int[][] rows = candidates.toArray(new int[0][]);
        PerformanceEnsemble.Prediction prediction = ensemble.predict(encoder.encodeAll(rows));
        ctx.checkCancelled(STEP);
        double kappa = settings.acquisition() == SearchSettings.Acquisition.UPPER_CONFIDENCE_BOUND
                ? settings.ucbKappa() : 0;
        int best = -1;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < rows.length; c++) {
            double score = prediction.mean()[c] + kappa * prediction.std()[c];
            if (score > bestScore && !measured.contains(key(rows[c]))) {
                best = c;
                bestScore = score;
            }
        }
        if (best < 0) {
            return Optional.empty();
        }
        return Optional.of(new Pick(rows[best], prediction.mean()[best]));
    }

    private SearchIteration measure(Objective objective, SearchJournal journal, StageContext ctx, int index,
                                    SearchIteration.Kind kind, int[] ranks, double predicted, long startNanos) {
        int repeats = settings.repeatsFor(kind);
        double[] scores = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            ctx.checkCancelled(STEP);
            ctx.report(STEP, index, settings.maxEvaluations(), "measuring " + kind.name().toLowerCase(Locale.ROOT)
                    + " configuration " + Arrays.toString(ranks) + (repeats > 1 ? " (repeat " + (r + 1) + " of "
                    + repeats + ")" : ""));
            scores[r] = objective.measure(ranks.clone(), r, ctx);
            if (Double.isNaN(scores[r]) || Double.isInfinite(scores[r])) {
                throw new SearchException("rank search: objective returned " + scores[r] + " for iteration " + index
                        + " ranks " + Arrays.toString(ranks) + " repeat " + r);
            }
        }
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        SearchIteration it = SearchIteration.ofRepeats(index, kind, ranks, predicted, scores, seconds);
        journal.record(it);
        ctx.report(STEP, index + 1, settings.maxEvaluations(), String.format(Locale.ROOT,
                "iteration %d: predicted %.3f, measured %.3f", index, predicted, it.actual()));
        return it;
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
