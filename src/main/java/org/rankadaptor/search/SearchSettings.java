package org.rankadaptor.search;

import java.util.function.Consumer;

/**
 * How the online RankAdaptor loop runs.
 *
 * @param initialSamples         random configurations measured before the model exists (the uniform baseline is
 *                               measured in addition)
 * @param candidatesPerIteration configurations sampled and predicted per iteration; when the feasible space is at
 *                               most this large it is enumerated instead
 * @param maxEvaluations         total measurements (baseline and initial samples included) before stopping
 * @param convergenceThreshold   |predicted - actual| at or below this counts as agreement, in the objective's units
 *                               (0.5 = half a percentage point for accuracy in percent)
 * @param convergenceStreak      consecutive agreeing search iterations that end the run
 * @param acquisition            how to pick the next configuration from the predictions
 * @param ucbKappa               exploration weight for {@link Acquisition#UPPER_CONFIDENCE_BOUND}
 * @param ensembleSize           performance models trained side by side (UCB needs at least 2)
 * @param seed                   all sampling; with a deterministic objective, the run repeats exactly
 * @param strategy               how configurations after the initial ones are chosen
 * @param repeats                measurements per configuration, each with its own seed (objective seed + repeat)
 * @param baselineRepeats        measurements of the uniform baseline (at least {@code repeats}); 2 by default so
 *                               every search knows its own seed noise
 * @param thresholdUnit          whether {@code convergenceThreshold} is in the objective's units or in multiples of
 *                               the measured noise of a configuration's mean score
 * @param gridLimit              {@link Strategy#GRID} refuses spaces with more feasible configurations than this
 */
public record SearchSettings(int initialSamples, int candidatesPerIteration, int maxEvaluations,
                             double convergenceThreshold, int convergenceStreak, Acquisition acquisition,
                             double ucbKappa, int ensembleSize, long seed, Strategy strategy, int repeats,
                             int baselineRepeats, ThresholdUnit thresholdUnit, int gridLimit) {

    /** Default upper bound on a grid search's size; the user can raise it. */
    public static final int DEFAULT_GRID_LIMIT = 500;

    /** Which configuration is measured next. All strategies share the baseline, the journal and the store. */
    public enum Strategy {
        /** The performance model's pick (greedy or UCB), stopping when it agrees with the measurements. */
        RANKADAPTOR,
        /** Distinct feasible configurations drawn uniformly at random, same budget, baseline and initial points. */
        RANDOM,
        /** Every feasible configuration of a small space, the baseline first; ignores the iteration budget. */
        GRID;

        /** "rankadaptor" | "random" | "grid", case-insensitive. */
        public static Strategy parse(String text) {
            for (Strategy s : values()) {
                if (s.name().equalsIgnoreCase(text.trim())) {
                    return s;
                }
            }
            throw new SearchException("search strategy must be rankadaptor, random or grid, got '" + text + "'");
        }

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Units of {@link #convergenceThreshold()}. */
    public enum ThresholdUnit {
        /** The objective's own units (ppl, accuracy points). */
        OBJECTIVE,
        /** Standard errors of a configuration's mean score, estimated from the repeated measurements. */
        NOISE_SIGMA
    }

    /** The settings before strategies and repeats existed: RankAdaptor, one measurement, the baseline twice. */
    public SearchSettings(int initialSamples, int candidatesPerIteration, int maxEvaluations,
                          double convergenceThreshold, int convergenceStreak, Acquisition acquisition,
                          double ucbKappa, int ensembleSize, long seed) {
        this(initialSamples, candidatesPerIteration, maxEvaluations, convergenceThreshold, convergenceStreak,
                acquisition, ucbKappa, ensembleSize, seed, Strategy.RANKADAPTOR, 1, 2, ThresholdUnit.OBJECTIVE,
                DEFAULT_GRID_LIMIT);
    }

    public enum Acquisition {
        /** Highest mean prediction among configurations not measured yet. */
        GREEDY,
        /** Highest mean + kappa * std over the ensemble among configurations not measured yet. */
        UPPER_CONFIDENCE_BOUND
    }

    public SearchSettings {
        if (initialSamples < 0) {
            throw new SearchException("search settings: initialSamples must be >= 0, got " + initialSamples);
        }
        if (candidatesPerIteration <= 0) {
            throw new SearchException("search settings: candidatesPerIteration must be > 0, got "
                    + candidatesPerIteration);
        }
        if (maxEvaluations < 1) {
            throw new SearchException("search settings: maxEvaluations must be >= 1, got " + maxEvaluations);
        }
        if (!(convergenceThreshold >= 0)) {
            throw new SearchException("search settings: convergenceThreshold must be >= 0, got "
                    + convergenceThreshold);
        }
        if (convergenceStreak < 1) {
            throw new SearchException("search settings: convergenceStreak must be >= 1, got " + convergenceStreak);
        }
        if (acquisition == null) {
            throw new SearchException("search settings: acquisition is null");
        }
        if (ensembleSize < 1) {
            throw new SearchException("search settings: ensembleSize must be >= 1, got " + ensembleSize);
        }
        if (acquisition == Acquisition.UPPER_CONFIDENCE_BOUND && ensembleSize < 2) {
            throw new SearchException("search settings: UPPER_CONFIDENCE_BOUND needs ensembleSize >= 2, got "
                    + ensembleSize);
        }
        if (strategy == null || thresholdUnit == null) {
            throw new SearchException("search settings: strategy and thresholdUnit must be set");
        }
        if (repeats < 1) {
            throw new SearchException("search settings: repeats must be >= 1, got " + repeats);
        }
        if (baselineRepeats < repeats) {
            throw new SearchException("search settings: baselineRepeats (" + baselineRepeats
                    + ") must be at least repeats (" + repeats + ")");
        }
        if (thresholdUnit == ThresholdUnit.NOISE_SIGMA && baselineRepeats < 2) {
            throw new SearchException("search settings: a threshold in noise units needs the baseline measured at"
                    + " least twice (baselineRepeats >= 2) to know the noise");
        }
        if (gridLimit < 1) {
            throw new SearchException("search settings: gridLimit must be >= 1, got " + gridLimit);
        }
    }

    /** Measurements of a configuration of this kind. */
    public int repeatsFor(SearchIteration.Kind kind) {
        return kind == SearchIteration.Kind.BASELINE ? baselineRepeats : repeats;
    }

    /**
     * Paper-like defaults: 4 initial samples + baseline, 100,000 candidates, 20 evaluations, threshold 0.5 x2,
     * greedy on the mean of a 5-model ensemble (on the synthetic benchmark a single MLP fitted to a handful of points
     * was no better than random search, the 5-model mean found a top-1% configuration in 9 of 10 seeds; see
     * docs/RANKADAPTOR_METHOD.md).
     */
    public static SearchSettings defaults() {
        return new SearchSettings(4, 100_000, 20, 0.5, 2, Acquisition.GREEDY, 1.0, 5, 42L);
    }

    public SearchSettings withSeed(long newSeed) {
        return with(b -> b.seed = newSeed);
    }

    public SearchSettings withMaxEvaluations(int evaluations) {
        return with(b -> b.maxEvaluations = evaluations);
    }

    /** Threshold in the objective's units. */
    public SearchSettings withConvergenceThreshold(double threshold) {
        return with(b -> {
            b.convergenceThreshold = threshold;
            b.thresholdUnit = ThresholdUnit.OBJECTIVE;
        });
    }

    /** Threshold in multiples of the measured standard error of a configuration's mean ("1sigma"). */
    public SearchSettings withThresholdInSigmas(double sigmas) {
        return with(b -> {
            b.convergenceThreshold = sigmas;
            b.thresholdUnit = ThresholdUnit.NOISE_SIGMA;
        });
    }

    /** "0.5" in the objective's units, or "1sigma" / "1.5sigma" in noise units. */
    public SearchSettings withThreshold(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            return t.endsWith("sigma") ? withThresholdInSigmas(Double.parseDouble(t.substring(0, t.length() - 5)))
                    : withConvergenceThreshold(Double.parseDouble(t));
        } catch (NumberFormatException e) {
            throw new SearchException("threshold must be a number (objective units) or a number followed by"
                    + " 'sigma' (noise units), got '" + text + "'");
        }
    }

    public SearchSettings withStrategy(Strategy newStrategy) {
        return with(b -> b.strategy = newStrategy);
    }

    /** R measurements per configuration, the baseline max(R, baselineMeasurements) times. */
    public SearchSettings withRepeats(int measurements, int baselineMeasurements) {
        return with(b -> {
            b.repeats = measurements;
            b.baselineRepeats = Math.max(measurements, baselineMeasurements);
        });
    }

    public SearchSettings withGridLimit(int limit) {
        return with(b -> b.gridLimit = limit);
    }

    public SearchSettings withUpperConfidenceBound(int members, double kappa) {
        return with(b -> {
            b.acquisition = Acquisition.UPPER_CONFIDENCE_BOUND;
            b.ucbKappa = kappa;
            b.ensembleSize = members;
        });
    }

    public SearchSettings withEnsembleSize(int members) {
        return with(b -> b.ensembleSize = members);
    }

    public SearchSettings withCandidatesPerIteration(int candidates) {
        return with(b -> b.candidatesPerIteration = candidates);
    }

    /** A copy with the fields {@code change} sets; the canonical constructor validates the result. */
    private SearchSettings with(Consumer<Fields> change) {
        Fields f = new Fields(this);
        change.accept(f);
        return new SearchSettings(f.initialSamples, f.candidatesPerIteration, f.maxEvaluations,
                f.convergenceThreshold, f.convergenceStreak, f.acquisition, f.ucbKappa, f.ensembleSize, f.seed,
                f.strategy, f.repeats, f.baselineRepeats, f.thresholdUnit, f.gridLimit);
    }

    /** The record's fields, mutable, for {@link #with}. */
    private static final class Fields {
        int initialSamples;
        int candidatesPerIteration;
        int maxEvaluations;
        double convergenceThreshold;
        int convergenceStreak;
        Acquisition acquisition;
        double ucbKappa;
        int ensembleSize;
        long seed;
        Strategy strategy;
        int repeats;
        int baselineRepeats;
        ThresholdUnit thresholdUnit;
        int gridLimit;

        Fields(SearchSettings s) {
            initialSamples = s.initialSamples;
            candidatesPerIteration = s.candidatesPerIteration;
            maxEvaluations = s.maxEvaluations;
            convergenceThreshold = s.convergenceThreshold;
            convergenceStreak = s.convergenceStreak;
            acquisition = s.acquisition;
            ucbKappa = s.ucbKappa;
            ensembleSize = s.ensembleSize;
            seed = s.seed;
            strategy = s.strategy;
            repeats = s.repeats;
            baselineRepeats = s.baselineRepeats;
            thresholdUnit = s.thresholdUnit;
            gridLimit = s.gridLimit;
        }
    }
}
