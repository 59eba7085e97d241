package org.rankadaptor.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import javafx.beans.property.ObjectProperty;
import javafx.concurrent.ScheduledService;
import javafx.util.Duration;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.concurrent.Task;
import javafx.concurrent.WorkerStateEvent;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeriesCollection;
import org.rankadaptor.cluster.ClusterBackend;
import org.rankadaptor.cluster.ClusterView;
import org.rankadaptor.job.MeasurementBackend;
import org.rankadaptor.job.Parallelism;
import org.rankadaptor.job.SearchJob;
import org.rankadaptor.job.SearchObjective;
import org.rankadaptor.job.SearchRequest;
import org.rankadaptor.job.SearchRequestBuilder;
import org.rankadaptor.model.Projection;
import org.rankadaptor.search.AlphaForRank;
import org.rankadaptor.search.BudgetConstraint;
import org.rankadaptor.search.RankExport;
import org.rankadaptor.search.SearchIteration;
import org.rankadaptor.search.SearchResult;
import org.rankadaptor.job.PerformanceModelCheckJob;
import org.rankadaptor.search.BaselineVerdict;
import org.rankadaptor.search.PerformanceModelCheck;
import org.rankadaptor.store.Workspace;
import org.rankadaptor.search.SearchSettings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * State and actions of the Search screen: the RankAdaptor configuration (rank candidates, budget, iterations,
 * threshold, fidelity, objective), the live predicted-vs-measured scatter, iteration table, convergence and best
 * ranks, and exports of a configuration as rank JSON plus PEFT adapter_config.json.
 */
public final class SearchViewModel {
    public static final String BEST_MEASURED = "best measured";
    public static final String BEST_PREDICTED = "best predicted";
    static final String SUMMARY_FILE = "rankadaptor_ranks.json";
    static final String PEFT_FILE = "adapter_config.json";

    /** The parameter budget of a configuration, relative to uniform rank 8. */
    public enum Budget {
        NONE("no limit"), AT_MOST_UNIFORM("at most uniform rank 8"), WITHIN_PERCENT("within P% of uniform rank 8");

        private final String label;

        Budget(String label) {
            this.label = label;
        }

        /** The budget as {@code rankadaptor search --budget} writes it. */
        String spec(Double percent) {
            return switch (this) {
                case NONE -> "none";
                case AT_MOST_UNIFORM -> "uniform" + BudgetConstraint.DEFAULT_REFERENCE_RANK;
                case WITHIN_PERCENT -> "within:" + percent;
            };
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** What the search maximises. */
    public enum ObjectiveKind {
        PERPLEXITY("perplexity on a text file"), TASKS("zero-shot tasks (mean acc)");

        private final String label;

        ObjectiveKind(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    private final WorkbenchContext context;
    private final StringProperty rankCandidates = new SimpleStringProperty(this, "rankCandidates", SearchRequestBuilder.RANK_CANDIDATES);
    private final ObjectProperty<Budget> budget = new SimpleObjectProperty<>(this, "budget", Budget.NONE);
    private final ObjectProperty<Double> budgetPercent = new SimpleObjectProperty<>(this, "budgetPercent", 10.0);
    private final ObjectProperty<Integer> iterations = new SimpleObjectProperty<>(this, "iterations", SearchRequestBuilder.ITERATIONS);
    private final ObjectProperty<Integer> initialSamples = new SimpleObjectProperty<>(this, "initialSamples", SearchRequestBuilder.INITIAL_SAMPLES);
    private final ObjectProperty<Integer> candidates = new SimpleObjectProperty<>(this, "candidates", SearchRequestBuilder.CANDIDATES);
    private final ObjectProperty<Double> threshold = new SimpleObjectProperty<>(this, "threshold", SearchRequestBuilder.THRESHOLD);
    private final ObjectProperty<SearchSettings.ThresholdUnit> thresholdUnit = new SimpleObjectProperty<>(this, "thresholdUnit", SearchSettings.ThresholdUnit.OBJECTIVE);
    private final ObjectProperty<SearchSettings.Strategy> strategy = new SimpleObjectProperty<>(this, "strategy", SearchSettings.Strategy.RANKADAPTOR);
    private final ObjectProperty<Integer> repeats = new SimpleObjectProperty<>(this, "repeats", SearchRequestBuilder.REPEATS);
    private final ObjectProperty<Integer> baselineRepeats = new SimpleObjectProperty<>(this, "baselineRepeats", SearchRequestBuilder.BASELINE_REPEATS);
    private final ObjectProperty<Integer> gridLimit = new SimpleObjectProperty<>(this, "gridLimit", SearchRequestBuilder.GRID_LIMIT);
    private final ObjectProperty<Integer> steps = new SimpleObjectProperty<>(this, "steps", SearchRequestBuilder.STEPS);
    private final ObjectProperty<Integer> batch = new SimpleObjectProperty<>(this, "batch", SearchRequestBuilder.BATCH_SIZE);
    private final ObjectProperty<Integer> microBatch = new SimpleObjectProperty<>(this, "microBatch", SearchRequestBuilder.MICRO_BATCH);
    private final ObjectProperty<Integer> trainRows = new SimpleObjectProperty<>(this, "trainRows", SearchRequestBuilder.TRAIN_ROWS);
    private final ObjectProperty<Integer> evalLimit = new SimpleObjectProperty<>(this, "evalLimit", SearchRequestBuilder.EVAL_LIMIT);
    private final ObjectProperty<Double> learningRate = new SimpleObjectProperty<>(this, "learningRate", SearchRequestBuilder.LEARNING_RATE);
    private final ObjectProperty<Integer> cutoff = new SimpleObjectProperty<>(this, "cutoff", SearchRequestBuilder.CUTOFF);
    private final ObjectProperty<Integer> seed = new SimpleObjectProperty<>(this, "seed", SearchRequestBuilder.SEED);
    private final ObjectProperty<ObjectiveKind> objectiveKind = new SimpleObjectProperty<>(this, "objectiveKind", ObjectiveKind.PERPLEXITY);
    private final StringProperty objectiveFile = new SimpleStringProperty(this, "objectiveFile", DefaultPaths.sharedData("text/wikitext-2/valid.tokens.txt"));
    private final StringProperty objectiveTasks = new SimpleStringProperty(this, "objectiveTasks", "boolq,piqa");
    private final StringProperty tasksDir = new SimpleStringProperty(this, "tasksDir", DefaultPaths.sharedData("tasks"));
    private final StringProperty dataFile = new SimpleStringProperty(this, "dataFile", DefaultPaths.sharedData(RecoverViewModel.DEFAULT_DATA));
    private final StringProperty outputDir = new SimpleStringProperty(this, "outputDir", "");

    private final ObservableList<SearchIteration> history = FXCollections.observableArrayList();
    private final SearchCharts.ScatterData scatter = SearchCharts.ScatterData.create();
    private final StringProperty checkFile = new SimpleStringProperty(this, "checkFile", "");
    private final SearchCharts.ScatterData checkScatter = SearchCharts.ScatterData.create();
    private final ReadOnlyStringWrapper checkReport = new ReadOnlyStringWrapper(this, "checkReport", "");
    private final ReadOnlyObjectWrapper<PerformanceModelCheck.Report> checkResult = new ReadOnlyObjectWrapper<>(this, "checkResult");
    private final XYSeriesCollection errors = SearchCharts.createErrorDataset();
    private final DefaultCategoryDataset bestRanks = new DefaultCategoryDataset();
    private final FxBatcher<SearchIteration> incoming = new FxBatcher<>(this::addIterations);
    private final ReadOnlyBooleanWrapper running = new ReadOnlyBooleanWrapper(this, "running");
    private final ReadOnlyObjectWrapper<SearchJob.Outcome> outcome = new ReadOnlyObjectWrapper<>(this, "outcome");
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper(this, "status", "");
    private final ReadOnlyObjectWrapper<Double> runThreshold = new ReadOnlyObjectWrapper<>(this, "runThreshold", SearchRequestBuilder.THRESHOLD);
    private final ObjectProperty<Integer> parallel = new SimpleObjectProperty<>(this, "parallel", 1);
    private final ObjectProperty<Integer> localWorkers = new SimpleObjectProperty<>(this, "localWorkers", 0);
    private final ObservableList<ClusterView.WorkerStatus> workers = FXCollections.observableArrayList();
    private final ObservableList<ClusterView.InFlight> inFlight = FXCollections.observableArrayList();
    /** Polls the running parallel search's cluster view off the FX thread, about once a second. */
    private final ClusterPoller clusterPoller = new ClusterPoller();
    private SearchRequest lastRequest;
    private Parallelism lastParallelism = Parallelism.sequential();

    public SearchViewModel(WorkbenchContext context) {
        this.context = context;
        DefaultPaths.followOpenModel(context, outputDir, "searches", "-ranks");
    }

    /** Starts a search on the open model. */
    public Task<SearchJob.Outcome> search() {
        LoadedModel model;
        SearchRequest request;
        try {
            model = DefaultPaths.openModel(context, "the (pruned) model to search ranks for");
            request = request(model.dir());
        } catch (RuntimeException e) {
            context.errors().showError("Search", e);
            return null;
        }
        lastRequest = request;
        history.clear();
        scatter.clear();
        errors.getSeries(0).clear();
        bestRanks.clear();
        outcome.set(null);
        runThreshold.set(request.settings().convergenceThreshold());
        status.set("searching: " + request.objective());
        running.set(true);
        MeasurementBackend backend = ClusterBackend.forSearch(lastParallelism, request.placement(),
                request.outDir().resolve("workers"), request.settings()::repeatsFor);
        workers.clear();
        inFlight.clear();
        if (backend instanceof ClusterBackend cluster) {
            clusterPoller.watch(cluster);
        }
        Task<SearchJob.Outcome> task = context.jobs().submit("Search ranks for " + model.dir().getFileName(),
                ctx -> SearchJob.run(request, ctx, context.store().recording(), incoming::offer, backend), this::finished);
        task.addEventHandler(WorkerStateEvent.ANY, e -> {
            running.set(!task.isDone());
            if (task.isDone()) {
                clusterPoller.stop();
                workers.clear();
                inFlight.clear();
                scatter.setPending(List.of());
            }
        });
        return task;
    }

    /** Runs {@link ClusterBackend#view()} on a background thread and shows the result on the FX thread. */
    private final class ClusterPoller extends ScheduledService<Optional<ClusterView>> {
        private volatile ClusterBackend backend;

        ClusterPoller() {
            setPeriod(Duration.seconds(1));
            setOnSucceeded(e -> getValue().ifPresent(view -> {
                workers.setAll(view.workers());
                inFlight.setAll(view.inFlight());
                scatter.setPending(view.inFlight().stream().map(ClusterView.InFlight::predicted).toList());
            }));
        }

        void watch(ClusterBackend cluster) {
            backend = cluster;
            restart();
        }

        void stop() {
            cancel();
            backend = null;
        }

        @Override
        protected Task<Optional<ClusterView>> createTask() {
            ClusterBackend watched = backend;
            return new Task<>() {
                @Override
                protected Optional<ClusterView> call() {
                    return watched == null ? Optional.empty() : watched.view();
                }
            };
        }
    }

    SearchRequest request(Path modelDir) {
        int[] ranks = SearchRequestBuilder.parseRankCandidates(rankCandidates.get());
        SearchObjective objective = objectiveKind.get() == ObjectiveKind.PERPLEXITY
                ? SearchObjective.parse("ppl:" + FieldPaths.existingFile(objectiveFile.get(), "perplexity text file"))
                : SearchObjective.parse("tasks:" + objectiveTasks.get());
        Path tasks = objectiveKind.get() == ObjectiveKind.TASKS ? FieldPaths.existingDirectory(tasksDir.get(), "tasks directory") : null;
        Path data = FieldPaths.existingFile(dataFile.get(), "fine-tuning data file");
        if (outputDir.get() == null || outputDir.get().isBlank()) {
            throw new IllegalArgumentException("choose an output directory for the rank JSON");
        }
        SearchRequestBuilder builder = new SearchRequestBuilder(modelDir, data, objective, Path.of(outputDir.get().trim()))
                .tasksDir(tasks)
                .ranks(ranks, SearchRequestBuilder.FIXED_RANK,
                        SearchRequestBuilder.parseBudget(budget.get().spec(budgetPercent.get())))
                .fidelity(steps.get(), batch.get(), microBatch.get(), trainRows.get(), evalLimit.get(),
                        learningRate.get(), cutoff.get())
                .loop(initialSamples.get(), candidates.get(), iterations.get(), threshold.get(),
                        SearchSettings.Acquisition.GREEDY, seed.get())
                .threshold(threshold.get(), thresholdUnit.get())
                .strategy(strategy.get(), gridLimit.get())
                .repeats(repeats.get(), baselineRepeats.get())
                .placement(context.state().getPlacement())
                .parallel(parallel.get(), localWorkers.get(), List.of(), null, 0);
        lastParallelism = builder.parallelism();
        return builder.build();
    }

    private void addIterations(List<SearchIteration> batchOfIterations) {
        for (SearchIteration it : batchOfIterations) {
            if (history.stream().anyMatch(h -> h.index() == it.index())) {
                continue; // resumed iterations are replayed once
            }
            history.add(it);
            if (Double.isFinite(it.predicted())) {
                scatter.addPoint(it.predicted(), it.actual(), runThreshold.get());
                errors.getSeries(0).add(it.index(), it.absoluteError());
            }
        }
        SearchIteration best = history.stream().max((a, b) -> Double.compare(a.actual(), b.actual())).orElseThrow();
        bestRanks.clear();
        LayerRankChart.addSeries(bestRanks, BEST_MEASURED, LayerRankChart.toDoubles(best.ranks()));
        status.set(String.format(Locale.ROOT, "%d measured; best so far %.4f at iteration %d %s", history.size(),
                best.actual(), best.index(), Arrays.toString(best.ranks())));
    }

    private void finished(SearchJob.Outcome result) {
        outcome.set(result);
        SearchResult r = result.result();
        LayerRankChart.addSeries(bestRanks, BEST_PREDICTED, LayerRankChart.toDoubles(r.bestPredictedRanks()));
        status.set(String.format(Locale.ROOT, "Stopped: %s after %d measurements. Best measured %s = %.4f; best predicted %s = %.4f. Wrote %s%s",
                r.stopReason(), r.evaluations(), Arrays.toString(r.bestMeasuredRanks()), r.bestMeasuredScore(),
                Arrays.toString(r.bestPredictedRanks()), r.bestPredictedScore(), result.outDir(),
                result.searchId() == null ? "" : " (search " + result.searchId() + ")")
                + ". The pick " + BaselineVerdict.of(r).sentence());
    }

    /** Copies the best configuration's rank JSON and PEFT adapter_config.json (written by the job) into {@code dir}. */
    public void exportBest(Path dir) {
        SearchJob.Outcome done = outcome.get();
        try {
            if (done == null) {
                throw new IllegalArgumentException("no finished search to export; run one first");
            }
            Files.createDirectories(dir);
            for (String name : List.of(SUMMARY_FILE, PEFT_FILE)) {
                Files.copy(done.outDir().resolve(name), dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
            context.log().append("exported best ranks to " + dir);
        } catch (IOException | RuntimeException e) {
            context.errors().showError("Export best ranks", e);
        }
    }

    /** Writes one measured configuration as rank JSON and PEFT adapter_config.json into {@code dir}. */
    public void exportIteration(SearchIteration iteration, Path dir) {
        try {
            if (lastRequest == null) {
                throw new IllegalArgumentException("no search to export from");
            }
            JsonNode pruning = null;
            SearchJob.Outcome done = outcome.get();
            if (done != null && Files.exists(done.outDir().resolve(SUMMARY_FILE))) {
                pruning = new ObjectMapper().readTree(done.outDir().resolve(SUMMARY_FILE).toFile()).get("pruning");
            }
            List<String> targets = lastRequest.lora().targets().stream().map(Projection::shortName).sorted().toList();
            int searchIterations = (int) history.stream().filter(h -> h.kind() == SearchIteration.Kind.SEARCH).count();
            double seconds = history.stream().mapToDouble(SearchIteration::seconds).sum();
            RankExport.write(new RankExport.Request(lastRequest.modelDir().toAbsolutePath().toString(), pruning,
                    iteration.ranks(), AlphaForRank.of(lastRequest.lora()), targets, lastRequest.objective().toString(),
                    iteration.actual(), iteration.predicted(), searchIterations, history.size(), seconds,
                    done != null && done.result().converged()), dir);
            context.log().append("exported iteration " + iteration.index() + " ranks to " + dir);
        } catch (IOException | RuntimeException e) {
            context.errors().showError("Export ranks", e);
        }
    }

    /** Sets a fidelity small enough for tests and demos. */
    public void setFidelity(int stepCount, int batchSize, int microBatchSize, int rows, int limit) {
        steps.set(stepCount);
        batch.set(batchSize);
        microBatch.set(microBatchSize);
        trainRows.set(rows);
        evalLimit.set(limit);
    }

    public StringProperty rankCandidatesProperty() {
        return rankCandidates;
    }

    public ObjectProperty<Budget> budgetProperty() {
        return budget;
    }

    public ObjectProperty<Double> budgetPercentProperty() {
        return budgetPercent;
    }

    public ObjectProperty<Integer> iterationsProperty() {
        return iterations;
    }

    public ObjectProperty<Integer> initialSamplesProperty() {
        return initialSamples;
    }

    public ObjectProperty<Integer> candidatesProperty() {
        return candidates;
    }

    public ObjectProperty<SearchSettings.ThresholdUnit> thresholdUnitProperty() {
        return thresholdUnit;
    }

    public ObjectProperty<SearchSettings.Strategy> strategyProperty() {
        return strategy;
    }

    public ObjectProperty<Integer> repeatsProperty() {
        return repeats;
    }

    public ObjectProperty<Integer> baselineRepeatsProperty() {
        return baselineRepeats;
    }

    public ObjectProperty<Integer> gridLimitProperty() {
        return gridLimit;
    }

    public ObjectProperty<Double> thresholdProperty() {
        return threshold;
    }

    public ObjectProperty<Integer> stepsProperty() {
        return steps;
    }

    public ObjectProperty<Integer> batchProperty() {
        return batch;
    }

    public ObjectProperty<Integer> microBatchProperty() {
        return microBatch;
    }

    public ObjectProperty<Integer> trainRowsProperty() {
        return trainRows;
    }

    public ObjectProperty<Integer> evalLimitProperty() {
        return evalLimit;
    }

    public ObjectProperty<Double> learningRateProperty() {
        return learningRate;
    }

    public ObjectProperty<Integer> cutoffProperty() {
        return cutoff;
    }

    public ObjectProperty<Integer> seedProperty() {
        return seed;
    }

    public ObjectProperty<ObjectiveKind> objectiveKindProperty() {
        return objectiveKind;
    }

    public StringProperty objectiveFileProperty() {
        return objectiveFile;
    }

    public StringProperty objectiveTasksProperty() {
        return objectiveTasks;
    }

    public StringProperty tasksDirProperty() {
        return tasksDir;
    }

    public StringProperty dataFileProperty() {
        return dataFile;
    }

    public StringProperty outputDirProperty() {
        return outputDir;
    }

    /** K: candidates measured at once (1 = in this process, one at a time). */
    public ObjectProperty<Integer> parallelProperty() {
        return parallel;
    }

    /** Worker JVMs started on this machine for a parallel search; 0 = one per candidate in flight. */
    public ObjectProperty<Integer> localWorkersProperty() {
        return localWorkers;
    }

    /** The parallel search's workers with their devices and load; empty for a sequential search. */
    public ObservableList<ClusterView.WorkerStatus> workers() {
        return workers;
    }

    /** Candidates being measured now, with their member and elapsed time. */
    public ObservableList<ClusterView.InFlight> inFlight() {
        return inFlight;
    }

    public ObservableList<SearchIteration> history() {
        return history;
    }

    /**
     * {@code perf-model check} on the measurement file in {@link #checkFileProperty()} or, when it is empty, on the
     * last finished stored search: 5-fold held-out figures of every model, and the best model's held-out
     * predicted-vs-measured points in {@link #checkScatter()}.
     */
    public Task<PerformanceModelCheck.Report> checkPerformanceModel() {
        String file = checkFile.get() == null ? "" : checkFile.get().trim();
        SearchJob.Outcome done = outcome.get();
        Workspace ws = context.store().orNull();
        if (file.isEmpty() && (done == null || done.searchId() == null || ws == null)) {
            context.errors().showError("Check performance model", new IllegalArgumentException(
                    "choose a measurement file, or finish a search recorded in the workspace first"));
            return null;
        }
        Path measurements;
        try {
            measurements = file.isEmpty() ? null : FieldPaths.existingFile(file, "measurement file");
        } catch (IllegalArgumentException e) {
            context.errors().showError("Check performance model", e);
            return null;
        }
        PerformanceModelCheck.Protocol protocol = PerformanceModelCheck.Protocol.defaults();
        return context.jobs().submit("Check performance model", ctx -> measurements != null
                ? PerformanceModelCheckJob.onFile(measurements, null, protocol, ctx)
                : PerformanceModelCheckJob.onSearch(ws, done.searchId(), protocol, ctx), this::showCheck);
    }

    private void showCheck(PerformanceModelCheck.Report report) {
        checkResult.set(report);
        checkScatter.clear();
        PerformanceModelCheck.ModelScore best = report.best();
        double sigma = Double.isFinite(report.noise().pooledStd()) ? report.noise().pooledStd() : 0;
        for (PerformanceModelCheck.HeldOut h : best.heldOut()) {
            checkScatter.addPoint(h.predicted(), h.measured(), sigma);
        }
        checkReport.set(report.table() + "scatter: held-out points of " + best.model().label()
                + "; band = +- the seed noise sd");
    }

    public StringProperty checkFileProperty() {
        return checkFile;
    }

    public SearchCharts.ScatterData checkScatter() {
        return checkScatter;
    }

    public ReadOnlyStringProperty checkReportProperty() {
        return checkReport.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<PerformanceModelCheck.Report> checkResultProperty() {
        return checkResult.getReadOnlyProperty();
    }

    public SearchCharts.ScatterData scatter() {
        return scatter;
    }

    public XYSeriesCollection errors() {
        return errors;
    }

    public DefaultCategoryDataset bestRanks() {
        return bestRanks;
    }

    public ReadOnlyBooleanProperty runningProperty() {
        return running.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<SearchJob.Outcome> outcomeProperty() {
        return outcome.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    /** The threshold of the running (or last) search, for the convergence line. */
    public ReadOnlyObjectProperty<Double> runThresholdProperty() {
        return runThreshold.getReadOnlyProperty();
    }
}
