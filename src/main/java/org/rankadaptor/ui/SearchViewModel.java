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
import org.rankadaptor.store.Search;

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
    public static final String BEST_PREDICTED = "final model's top pick";
    /** What the score is, on the axes and in the hints: the search maximises it. */
    static final String PERPLEXITY_SCORE = "score (-perplexity)";
    static final String TASKS_SCORE = "score (mean accuracy)";
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
    private final SearchCharts.ErrorData errors = SearchCharts.ErrorData.create();
    private final SweepCharts.History optimisationHistory = SweepCharts.History.createDataset();
    private final SweepCharts.Parallel rankVectors = SweepCharts.Parallel.createDataset();
    private final DefaultCategoryDataset layerImportance = new DefaultCategoryDataset();
    private final ReadOnlyStringWrapper progress = new ReadOnlyStringWrapper(this, "progress", "");
    private final ReadOnlyStringWrapper usedSettings = new ReadOnlyStringWrapper(this, "usedSettings", "");
    private final ReadOnlyStringWrapper exportMessage = new ReadOnlyStringWrapper(this, "exportMessage", "");
    private final ReadOnlyStringWrapper shownSearch = new ReadOnlyStringWrapper(this, "shownSearch", "");
    private final ReadOnlyStringWrapper scoreName = new ReadOnlyStringWrapper(this, "scoreName", PERPLEXITY_SCORE);
    private final ReadOnlyBooleanWrapper hasResult = new ReadOnlyBooleanWrapper(this, "hasResult");
    private final ReadOnlyObjectWrapper<Path> resultRankFile = new ReadOnlyObjectWrapper<>(this, "resultRankFile");
    /** The rank JSON summary of the search on show (just finished, or stored): what exports start from. */
    private JsonNode resultSummary;
    private int plannedMeasurements;
    private final StringProperty checkFile = new SimpleStringProperty(this, "checkFile", "");
    private final SearchCharts.ScatterData checkScatter = SearchCharts.ScatterData.create();
    private final ReadOnlyStringWrapper checkReport = new ReadOnlyStringWrapper(this, "checkReport", "");
    private final ReadOnlyObjectWrapper<PerformanceModelCheck.Report> checkResult = new ReadOnlyObjectWrapper<>(this, "checkResult");
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
        objectiveKind.addListener((obs, old, kind) -> {
            if (!running.get()) {
                scoreName.set(kind == ObjectiveKind.TASKS ? TASKS_SCORE : PERPLEXITY_SCORE);
            }
        });
        WorkbenchSettings settings = context.store().settings();
        settings.trackText("search.rankCandidates", rankCandidates);
        settings.trackChoice("search.budget", budget, Budget.class);
        settings.trackReal("search.budgetPercent", budgetPercent);
        settings.trackInteger("search.measurements", iterations);
        settings.trackInteger("search.initialSamples", initialSamples);
        settings.trackInteger("search.candidates", candidates);
        settings.trackReal("search.threshold", threshold);
        settings.trackInteger("search.steps", steps);
        settings.trackInteger("search.batch", batch);
        settings.trackInteger("search.microBatch", microBatch);
        settings.trackInteger("search.trainRows", trainRows);
        settings.trackInteger("search.evalLimit", evalLimit);
        settings.trackReal("search.learningRate", learningRate);
        settings.trackInteger("search.cutoff", cutoff);
        settings.trackInteger("search.seed", seed);
        settings.trackInteger("search.parallel", parallel);
        settings.trackInteger("search.localWorkers", localWorkers);
        settings.trackChoice("search.objective", objectiveKind, ObjectiveKind.class);
        settings.trackText("search.objectiveFile", objectiveFile);
        settings.trackText("search.objectiveTasks", objectiveTasks);
        settings.trackText("search.tasksDir", tasksDir);
        settings.trackText("search.dataFile", dataFile);
    }

    /** "= 1 baseline + 4 initial + 15 model-guided": what the measurement count is made of. */
    public static String measurementParts(int measurements, int initial, SearchSettings.Strategy strategy) {
        if (strategy == SearchSettings.Strategy.GRID) {
            return "= the baseline, then every feasible configuration (this count is not used)";
        }
        int baseline = Math.min(1, measurements);
        int random = Math.max(0, Math.min(initial, measurements - baseline));
        String rest = strategy == SearchSettings.Strategy.RANDOM ? " more random" : " model-guided";
        return "= " + baseline + " baseline + " + random + " initial + " + Math.max(0, measurements - baseline - random)
                + rest;
    }

    /** How a search ended, in words. */
    static String stopReason(String reason) {
        return switch (reason) {
            case "CONVERGED" -> "converged (prediction error within the threshold on consecutive measurements)";
            case "BUDGET_EXHAUSTED" -> "all planned measurements done";
            case "SPACE_EXHAUSTED" -> "every configuration in the space measured";
            default -> reason.toLowerCase(Locale.ROOT).replace('_', ' ');
        };
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
        clearResults();
        runThreshold.set(request.settings().convergenceThreshold());
        errors.setThreshold(request.settings().convergenceThreshold());
        plannedMeasurements = request.settings().maxEvaluations();
        scoreName.set(objectiveKind.get() == ObjectiveKind.TASKS ? TASKS_SCORE : PERPLEXITY_SCORE);
        usedSettings.set(describe(request));
        status.set("searching: " + request.objective());
        progress.set("measurement 1 of " + plannedMeasurements);
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

    private void clearResults() {
        history.clear();
        scatter.clear();
        errors.clear();
        optimisationHistory.clear();
        rankVectors.clear();
        layerImportance.clear();
        bestRanks.clear();
        outcome.set(null);
        hasResult.set(false);
        resultRankFile.set(null);
        resultSummary = null;
        exportMessage.set("");
        shownSearch.set("");
        progress.set("");
        usedSettings.set("");
    }

    /** The settings a search runs with, shown while it runs (the form is locked meanwhile) and after. */
    String describe(SearchRequest request) {
        SearchSettings s = request.settings();
        org.rankadaptor.job.Fidelity f = request.fidelity();
        return String.format(Locale.ROOT, "ranks %s, budget %s, %d measurements (%s), threshold %s, %d candidates,"
                        + " seed %d; fidelity %d steps, batch %d / micro-batch %d, %d rows, eval limit %d, lr %s,"
                        + " cutoff %d; objective %s; data %s -> %s",
                Arrays.toString(request.rankCandidates()), budget.get(), s.maxEvaluations(),
                measurementParts(s.maxEvaluations(), s.initialSamples(), s.strategy()).substring(2),
                Formats.number(s.convergenceThreshold()), s.candidatesPerIteration(), s.seed(), f.steps(),
                f.batchSize(), f.microBatchSize(), f.trainRows(), f.evalLimit(), Formats.number(f.learningRate()),
                f.cutoff(), request.objective(), request.trainData().getFileName(), request.outDir());
    }

    private void addIterations(List<SearchIteration> batchOfIterations) {
        for (SearchIteration it : batchOfIterations) {
            if (history.stream().anyMatch(h -> h.index() == it.index())) {
                continue; // resumed iterations are replayed once
            }
            history.add(it);
            optimisationHistory.add(it);
            rankVectors.add(it);
            if (Double.isFinite(it.predicted())) {
                scatter.addPoint(it, runThreshold.get());
                errors.add(it, runThreshold.get());
            }
        }
        if (history.isEmpty()) {
            return;
        }
        SearchIteration best = bestMeasured();
        bestRanks.clear();
        LayerRankChart.addSeries(bestRanks, BEST_MEASURED, LayerRankChart.toDoubles(best.ranks()));
        status.set(String.format(Locale.ROOT, "%d measured; best so far %.4f at measurement %d %s", history.size(),
                best.actual(), best.index() + 1, Arrays.toString(best.ranks())));
        if (running.get() && plannedMeasurements > 0) {
            double seconds = history.stream().mapToDouble(SearchIteration::seconds).sum();
            int done = history.size();
            progress.set(done >= plannedMeasurements ? "measurement " + done + " of " + plannedMeasurements + " done"
                    : String.format(Locale.ROOT, "measurement %d of %d, about %s left", done + 1, plannedMeasurements,
                    duration(seconds / done * (plannedMeasurements - done))));
        }
    }

    private SearchIteration bestMeasured() {
        return history.stream().max((a, b) -> Double.compare(a.actual(), b.actual())).orElseThrow();
    }

    static String duration(double seconds) {
        long t = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d", t / 60, t % 60);
    }

    private void finished(SearchJob.Outcome result) {
        outcome.set(result);
        SearchResult r = result.result();
        Path summaryFile = result.outDir().resolve(SUMMARY_FILE);
        try {
            resultSummary = new ObjectMapper().readTree(summaryFile.toFile());
        } catch (IOException e) {
            context.log().append("cannot read " + summaryFile + ": " + e.getMessage());
        }
        resultRankFile.set(Files.exists(summaryFile) ? summaryFile : null);
        hasResult.set(true);
        SweepCharts.fillImportance(layerImportance, result.layerImportance());
        progress.set(r.evaluations() + " measurements in " + duration(r.measurementSeconds()));
        showSummary(r.stopReason().name(), r.bestPredictedRanks(), r.bestPredictedScore(),
                "Exported the best measured configuration to " + result.outDir()
                        + (result.searchId() == null ? "" : " (search #" + result.searchId() + ")")
                        + ". The pick " + BaselineVerdict.of(r).sentence());
    }

    /**
     * The status after a search: the best measured configuration with the score the model had predicted for it
     * (the table's and the exported JSON's "predicted"), and apart from it the final model's own top pick.
     */
    private void showSummary(String stop, int[] topPick, double topPickScore, String where) {
        SearchIteration best = bestMeasured();
        long guided = history.stream().filter(h -> h.kind() == SearchIteration.Kind.SEARCH).count();
        if (topPick != null) {
            LayerRankChart.addSeries(bestRanks, BEST_PREDICTED, LayerRankChart.toDoubles(topPick));
        }
        status.set(String.format(Locale.ROOT, "Stopped: %s after %d measurements (%d model-guided). Best measured: %s,"
                        + " score %.4f (predicted %s when it was picked). The final model's top pick (not measured): %s,"
                        + " predicted %s. %s",
                stopReason(stop), history.size(), guided, Arrays.toString(best.ranks()), best.actual(),
                Double.isFinite(best.predicted()) ? String.format(Locale.ROOT, "%.4f", best.predicted())
                        : "nothing: a baseline or initial point",
                topPick == null ? "-" : Arrays.toString(topPick),
                Double.isFinite(topPickScore) ? String.format(Locale.ROOT, "%.4f", topPickScore) : "-", where));
    }

    /** Writes the best measured configuration as rank JSON and PEFT adapter_config.json into {@code dir}. */
    public void exportBest(Path dir) {
        if (history.isEmpty()) {
            context.errors().showError("Export best ranks",
                    new IllegalArgumentException("no measured configuration to export; run a search first"));
            return;
        }
        exportIteration(bestMeasured(), dir);
    }

    /** Writes one measured configuration as rank JSON and PEFT adapter_config.json into {@code dir}, and says so. */
    public void exportIteration(SearchIteration iteration, Path dir) {
        try {
            RankExport.Request request;
            if (resultSummary != null) {
                request = RankExport.requestFromSummary(resultSummary, iteration.ranks(), iteration.actual(),
                        iteration.predicted());
            } else if (lastRequest != null) {
                List<String> targets = lastRequest.lora().targets().stream().map(Projection::shortName).sorted().toList();
                int searchIterations = (int) history.stream().filter(h -> h.kind() == SearchIteration.Kind.SEARCH).count();
                double seconds = history.stream().mapToDouble(SearchIteration::seconds).sum();
                request = new RankExport.Request(lastRequest.modelDir().toAbsolutePath().toString(), null,
                        iteration.ranks(), AlphaForRank.of(lastRequest.lora()), targets, lastRequest.objective().toString(),
                        iteration.actual(), iteration.predicted(), searchIterations, history.size(), seconds, false);
            } else {
                throw new IllegalArgumentException("no search to export from");
            }
            RankExport.write(request, dir);
            exportMessage.set("Exported measurement " + (iteration.index() + 1) + " " + Arrays.toString(iteration.ranks())
                    + " to " + dir + ": " + SUMMARY_FILE + " (layers counted from 1) and " + PEFT_FILE
                    + " (PEFT rank_pattern; keys model.layers.N count from 0)");
            context.log().append(exportMessage.get());
        } catch (RuntimeException e) {
            context.errors().showError("Export ranks", e);
        }
    }

    /**
     * Shows a stored search (History screen, or the newest one after a restart): its measurements, charts, summary and
     * layer importance, ready to export. Reads the store on the FX thread: a few small rows.
     */
    public void showStored(Workspace ws, Search search) {
        if (running.get()) {
            return; // the running search owns the charts
        }
        clearResults();
        lastRequest = null;
        ObjectMapper json = new ObjectMapper();
        double storedThreshold = SearchRequestBuilder.THRESHOLD;
        try {
            JsonNode space = json.readTree(search.spaceJson());
            storedThreshold = space.path("settings").path("convergenceThreshold").asDouble(storedThreshold);
            plannedMeasurements = space.path("settings").path("maxEvaluations").asInt(0);
        } catch (IOException e) {
            context.log().append("search " + search.id() + ": settings unreadable: " + e.getMessage());
        }
        runThreshold.set(storedThreshold);
        errors.setThreshold(storedThreshold);
        scoreName.set(search.objective().startsWith("tasks") ? TASKS_SCORE : PERPLEXITY_SCORE);
        List<SearchIteration> stored;
        try {
            stored = new org.rankadaptor.job.StoreSearchJournal(ws.searches(), search.id()).completedIterations();
        } catch (RuntimeException e) {
            context.errors().showError("Show search #" + search.id(), e);
            return;
        }
        addIterations(stored);
        String where = "Search #" + search.id() + " (" + search.status().name().toLowerCase(Locale.ROOT) + ", "
                + search.created().atZone(java.time.ZoneId.systemDefault()).toLocalDateTime().withNano(0) + ")";
        shownSearch.set("Showing stored " + where + ": " + search.objective());
        if (search.resultJson() != null) {
            try {
                JsonNode result = json.readTree(search.resultJson());
                resultSummary = result;
                int[] topPick = result.has("bestPredictedRanks")
                        ? json.treeToValue(result.get("bestPredictedRanks"), int[].class) : null;
                if (result.has("layerImportance")) {
                    SweepCharts.fillImportance(layerImportance, json.treeToValue(result.get("layerImportance"), double[].class));
                }
                ws.exports().listForSource(search.ref()).stream().map(e -> e.path()).filter(java.util.Objects::nonNull)
                        .map(p -> Path.of(p).resolve(SUMMARY_FILE)).filter(Files::exists).reduce((a, b) -> b)
                        .ifPresent(resultRankFile::set);
                if (!history.isEmpty()) {
                    showSummary(result.path("stopReason").asText("BUDGET_EXHAUSTED"), topPick,
                            result.path("bestPredictedScore").asDouble(Double.NaN),
                            resultRankFile.get() == null ? "" : "Its rank JSON: " + resultRankFile.get());
                }
            } catch (IOException e) {
                context.log().append("search " + search.id() + ": result unreadable: " + e.getMessage());
            }
        } else if (!history.isEmpty()) {
            status.set(history.size() + " measurements stored; the search did not finish (" + search.status() + ")");
        }
        hasResult.set(!history.isEmpty());
        progress.set(history.size() + " measurements stored");
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

    public SearchCharts.ErrorData errors() {
        return errors;
    }

    public SweepCharts.History optimisationHistory() {
        return optimisationHistory;
    }

    /** The measured rank vectors, for the parallel-coordinates chart. */
    public SweepCharts.Parallel rankVectors() {
        return rankVectors;
    }

    public DefaultCategoryDataset layerImportance() {
        return layerImportance;
    }

    /** "measurement 3 of 20, about 1:40 left" while a search runs. */
    public ReadOnlyStringProperty progressProperty() {
        return progress.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty usedSettingsProperty() {
        return usedSettings.getReadOnlyProperty();
    }

    /** What the last export wrote, and where. */
    public ReadOnlyStringProperty exportMessageProperty() {
        return exportMessage.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty shownSearchProperty() {
        return shownSearch.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty scoreNameProperty() {
        return scoreName.getReadOnlyProperty();
    }

    /** True when measured configurations are shown (a finished or stored search) and can be exported. */
    public ReadOnlyBooleanProperty hasResultProperty() {
        return hasResult.getReadOnlyProperty();
    }

    /** The shown search's rank JSON on disk, for "Recover with best ranks"; null when there is none. */
    public ReadOnlyObjectProperty<Path> resultRankFileProperty() {
        return resultRankFile.getReadOnlyProperty();
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
