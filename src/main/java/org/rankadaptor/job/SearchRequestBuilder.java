package org.rankadaptor.job;

import org.rankadaptor.lora.LoraSettings;
import org.rankadaptor.lora.TrainingData;
import org.rankadaptor.model.Placement;
import org.rankadaptor.model.Projection;
import org.rankadaptor.search.BudgetConstraint;
import org.rankadaptor.search.SearchSettings;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The one place a RankAdaptor search's defaults and derived settings live: {@code rankadaptor search} and the Search
 * screen start from these constants, set what the person chose, and get the same {@link SearchRequest} (warm-up from
 * the steps, alpha = 2 x rank, the loop's fixed streak / ensemble, budgets relative to uniform rank 8).
 */
public final class SearchRequestBuilder {
    public static final String RANK_CANDIDATES = "2,4,6,8,10,12";
    public static final int FIXED_RANK = 8;
    public static final String BUDGET = "none";
    public static final int ITERATIONS = 20;
    public static final int INITIAL_SAMPLES = 4;
    public static final int CANDIDATES = 100_000;
    /** In score units (perplexity points): small next to the spread of the measured scores. */
    public static final double THRESHOLD = 0.1;
    public static final int STEPS = 20;
    public static final int BATCH_SIZE = 8;
    public static final int MICRO_BATCH = 4;
    public static final int TRAIN_ROWS = 400;
    public static final int EVAL_LIMIT = 20;
    public static final double LEARNING_RATE = 1e-3;
    public static final int CUTOFF = 128;
    public static final int SEED = 42;
    public static final String STRATEGY = "rankadaptor";
    public static final int REPEATS = 1;
    /** The baseline is measured twice by default, so every search knows its own seed noise. */
    public static final int BASELINE_REPEATS = 2;
    public static final int GRID_LIMIT = SearchSettings.DEFAULT_GRID_LIMIT;
    /** Agreeing iterations in a row that end a search. */
    private static final int CONVERGENCE_STREAK = 2;
    private static final double UCB_KAPPA = 1.0;
    private static final int ENSEMBLE_SIZE = 5;

    private final Path modelDir;
    private final Path trainData;
    private final SearchObjective objective;
    private final Path outDir;
    private Path tasksDir;
    private int[] rankCandidates = parseRankCandidates(RANK_CANDIDATES);
    private int fixedRank = FIXED_RANK;
    private BudgetConstraint budget = parseBudget(BUDGET);
    private Fidelity fidelity = measurement(STEPS, BATCH_SIZE, MICRO_BATCH, TRAIN_ROWS, EVAL_LIMIT, LEARNING_RATE, CUTOFF);
    private SearchSettings settings = loopSettings(INITIAL_SAMPLES, CANDIDATES, ITERATIONS, THRESHOLD,
            SearchSettings.Acquisition.GREEDY, SEED);
    private LoraSettings lora = lora(LoraSettings.ALL_TARGETS);
    private List<Integer> searchedLayers = List.of();
    private List<Path> metaFiles = List.of();
    private Placement placement = Placement.cpu();
    private Parallelism parallelism = Parallelism.sequential();

    public SearchRequestBuilder(Path modelDir, Path trainData, SearchObjective objective, Path outDir) {
        this.modelDir = modelDir;
        this.trainData = trainData;
        this.objective = objective;
        this.outDir = outDir;
    }

    /** Task files of a tasks objective; a perplexity objective needs none (null, the default). */
    public SearchRequestBuilder tasksDir(Path dir) {
        this.tasksDir = dir;
        return this;
    }

    /** The ranks a searched layer may take, the rank of the others, and the parameter limit. */
    public SearchRequestBuilder ranks(int[] candidates, int rankOfOtherLayers, BudgetConstraint limit) {
        this.rankCandidates = candidates.clone();
        this.fixedRank = rankOfOtherLayers;
        this.budget = limit;
        return this;
    }

    /** What one measurement costs; its warm-up follows from the steps ({@link Fidelity#warmupFor}). */
    public SearchRequestBuilder fidelity(int steps, int batchSize, int microBatch, int trainRows, int evalLimit,
                                         double learningRate, int cutoff) {
        this.fidelity = measurement(steps, batchSize, microBatch, trainRows, evalLimit, learningRate, cutoff);
        return this;
    }

    /** How the online loop samples, picks and stops. */
    public SearchRequestBuilder loop(int initialSamples, int candidates, int iterations, double threshold,
                                     SearchSettings.Acquisition acquisition, long seed) {
        SearchSettings before = settings;
        // strategy, repeats and threshold unit set before stay as they are
        this.settings = new SearchSettings(initialSamples, candidates, iterations, threshold, CONVERGENCE_STREAK,
                acquisition, UCB_KAPPA, ENSEMBLE_SIZE, seed, before.strategy(), before.repeats(),
                before.baselineRepeats(), before.thresholdUnit(), before.gridLimit());
        return this;
    }

    /** How configurations after the baseline are chosen; a grid refuses spaces above {@code gridLimit}. */
    public SearchRequestBuilder strategy(SearchSettings.Strategy strategy, int gridLimit) {
        this.settings = settings.withStrategy(strategy).withGridLimit(gridLimit);
        return this;
    }

    /** Measurements per configuration (own seed each) and of the baseline (at least {@value #BASELINE_REPEATS}). */
    public SearchRequestBuilder repeats(int perConfiguration, int baseline) {
        this.settings = settings.withRepeats(perConfiguration, baseline);
        return this;
    }

    /** The stopping threshold in the objective's units or in noise sigmas. */
    public SearchRequestBuilder threshold(double value, SearchSettings.ThresholdUnit unit) {
        this.settings = unit == SearchSettings.ThresholdUnit.NOISE_SIGMA ? settings.withThresholdInSigmas(value)
                : settings.withConvergenceThreshold(value);
        return this;
    }

    /** The stopping threshold as the person wrote it: "0.5" (objective units) or "1sigma" (noise units). */
    public SearchRequestBuilder threshold(String text) {
        this.settings = settings.withThreshold(text);
        return this;
    }

    /** LoRA target modules of every measurement (default all seven). */
    public SearchRequestBuilder targets(Set<Projection> modules) {
        this.lora = lora(modules);
        return this;
    }

    /** 0-based layers to search (default: the pruned ones) and measurement files to meta-learn from. */
    public SearchRequestBuilder scope(List<Integer> layers, List<Path> measurementFiles) {
        this.searchedLayers = List.copyOf(layers);
        this.metaFiles = List.copyOf(measurementFiles);
        return this;
    }

    public SearchRequestBuilder placement(Placement where) {
        this.placement = where;
        return this;
    }

    /**
     * K candidates in flight on {@code localWorkers} worker JVMs started here (0 = K of them), or on running
     * workers at {@code members} whose cluster secret {@code clusterSecret} names.
     */
    public SearchRequestBuilder parallel(int k, int localWorkers, List<String> members, String clusterSecret,
                                         int threadsPerWorker) {
        this.parallelism = new Parallelism(k, localWorkers, members, clusterSecret, threadsPerWorker);
        return this;
    }

    /** Who measures the built request's candidates (sequential unless {@link #parallel} was called). */
    public Parallelism parallelism() {
        return parallelism;
    }

    public SearchRequest build() {
        return new SearchRequest(modelDir, trainData, TrainingData.LossTokens.ALL, objective, tasksDir, fidelity,
                settings, rankCandidates, fixedRank, budget, lora, searchedLayers, metaFiles, outDir, placement);
    }

    /** The LoRA settings a search measures with: RankAdaptor's alpha = 2 x rank on the given modules. */
    public static LoraSettings lora(Set<Projection> modules) {
        return LoraSettings.defaults().withTargets(modules).withAlphaRule(LoraSettings.AlphaRule.TWICE_RANK);
    }

    /** "2,4,8" into rank candidates; says what is wrong with anything else. */
    public static int[] parseRankCandidates(String text) {
        int[] ranks;
        try {
            ranks = Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                    .mapToInt(Integer::parseInt).toArray();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("rank candidates must be whole numbers separated by commas, got '"
                    + text + "'");
        }
        if (ranks.length == 0) {
            throw new IllegalArgumentException("give at least one rank candidate");
        }
        return ranks;
    }

    /**
     * "none", "uniform8" (at most the trainable parameters of uniform rank
     * {@value BudgetConstraint#DEFAULT_REFERENCE_RANK}) or "within:P" (within P% of it).
     */
    public static BudgetConstraint parseBudget(String spec) {
        String b = spec.trim().toLowerCase(Locale.ROOT);
        if (b.equals("none")) {
            return BudgetConstraint.none();
        }
        if (b.equals("uniform" + BudgetConstraint.DEFAULT_REFERENCE_RANK)) {
            return BudgetConstraint.atMostUniform(BudgetConstraint.DEFAULT_REFERENCE_RANK);
        }
        if (b.startsWith("within:")) {
            double percent;
            try {
                percent = Double.parseDouble(b.substring("within:".length()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("budget within:P needs a number P, got '" + spec + "'");
            }
            return BudgetConstraint.withinPercentOfUniform(percent, BudgetConstraint.DEFAULT_REFERENCE_RANK);
        }
        throw new IllegalArgumentException("--budget must be none, uniform" + BudgetConstraint.DEFAULT_REFERENCE_RANK
                + " or within:P, got '" + spec + "'");
    }

    private static Fidelity measurement(int steps, int batchSize, int microBatch, int trainRows, int evalLimit,
                                        double learningRate, int cutoff) {
        return new Fidelity(steps, batchSize, microBatch, trainRows, evalLimit, learningRate, Fidelity.warmupFor(steps),
                cutoff);
    }

    private static SearchSettings loopSettings(int initialSamples, int candidates, int iterations, double threshold,
                                               SearchSettings.Acquisition acquisition, long seed) {
        return new SearchSettings(initialSamples, candidates, iterations, threshold, CONVERGENCE_STREAK, acquisition,
                UCB_KAPPA, ENSEMBLE_SIZE, seed);
    }
}
