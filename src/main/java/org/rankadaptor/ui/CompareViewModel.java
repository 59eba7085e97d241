package org.rankadaptor.ui;

import org.rankadaptor.model.Placement;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.rankadaptor.job.PairedRunComparison;
import javafx.concurrent.Task;
import javafx.concurrent.WorkerStateEvent;
import org.jfree.data.category.DefaultCategoryDataset;
import org.rankadaptor.eval.EvalResults;
import org.rankadaptor.eval.EvalSettings;
import org.rankadaptor.eval.ZeroShotEvaluator;
import org.rankadaptor.job.EvaluationRecorder;
import org.rankadaptor.lora.LoraAdapter;
import org.rankadaptor.lora.PeftAdapter;
import org.rankadaptor.model.CheckpointLoader;
import org.rankadaptor.model.LinearAdapter;
import org.rankadaptor.model.LlamaModel;
import org.rankadaptor.model.TextTokenizer;
import org.rankadaptor.model.Tokenizers;
import org.rankadaptor.store.ComparisonMetric;
import org.rankadaptor.store.ComparisonTable;
import org.rankadaptor.store.ModelRecord;
import org.rankadaptor.store.PruningRun;
import org.rankadaptor.store.RecoveryRun;
import org.rankadaptor.store.RunStatus;
import org.rankadaptor.store.Workspace;
import org.rankadaptor.lora.ModuleRef;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * State and actions of the Compare screen: recovery runs from the store for a model (and optionally one pruning
 * run) in the paper's Table 2 layout, a grouped bar chart per task, two runs' rank plans side by side, and evaluating
 * a run's adapter (or its model without one) so the table fills from the GUI alone.
 */
public final class CompareViewModel {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A pruning-run filter entry; {@code id} null means every run of the model. */
    public record PruningChoice(Long id, String label) {
        static final PruningChoice ALL = new PruningChoice(null, "all runs of the model");

        @Override
        public String toString() {
            return label;
        }
    }

    private final WorkbenchContext context;
    private final ObservableList<ModelRecord> models = FXCollections.observableArrayList();
    private final ObjectProperty<ModelRecord> model = new SimpleObjectProperty<>(this, "model");
    private final ObservableList<PruningChoice> pruningRuns = FXCollections.observableArrayList(PruningChoice.ALL);
    private final ObjectProperty<PruningChoice> pruningRun = new SimpleObjectProperty<>(this, "pruningRun", PruningChoice.ALL);
    private final ObjectProperty<ComparisonMetric> metric = new SimpleObjectProperty<>(this, "metric", ComparisonMetric.ACC);
    private final ReadOnlyObjectWrapper<ComparisonTable> table = new ReadOnlyObjectWrapper<>(this, "table");
    private final DefaultCategoryDataset taskDataset = new DefaultCategoryDataset();
    private final ObservableList<RecoveryRun> runs = FXCollections.observableArrayList();
    private final ObjectProperty<RecoveryRun> runA = new SimpleObjectProperty<>(this, "runA");
    private final ObjectProperty<RecoveryRun> runB = new SimpleObjectProperty<>(this, "runB");
    private final DefaultCategoryDataset planDataset = new DefaultCategoryDataset();
    private final ObservableList<PairedRunComparison.TaskDifference> paired = FXCollections.observableArrayList();
    private final ObjectProperty<RecoveryRun> evaluationRun = new SimpleObjectProperty<>(this, "evaluationRun");
    private final StringProperty evaluationTasks = new SimpleStringProperty(this, "evaluationTasks", "boolq,piqa,arc_easy");
    private final ObjectProperty<Integer> evaluationLimit = new SimpleObjectProperty<>(this, "evaluationLimit", 20);
    private final StringProperty tasksDir = new SimpleStringProperty(this, "tasksDir", DefaultPaths.sharedData("tasks"));
    private final ReadOnlyBooleanWrapper running = new ReadOnlyBooleanWrapper(this, "running");
    private boolean refreshing;
    /** Per table row, per task: the evaluation its score comes from (for n and the standard error). */
    private List<Map<String, org.rankadaptor.store.Evaluation>> rowEvaluations = List.of();

    public CompareViewModel(WorkbenchContext context) {
        this.context = context;
        model.addListener((obs, old, m) -> {
            if (!refreshing) {
                reloadModelScope();
            }
        });
        pruningRun.addListener((obs, old, p) -> {
            if (!refreshing) {
                reloadTable();
            }
        });
        metric.addListener((obs, old, m) -> reloadTable());
        runA.addListener((obs, old, r) -> updatePlans());
        runB.addListener((obs, old, r) -> updatePlans());
        context.store().workspaceProperty().addListener((obs, old, ws) -> refresh());
        // new runs and evaluations show up when a job ends
        context.jobs().busyProperty().addListener((obs, was, busy) -> {
            if (!busy) {
                refresh();
            }
        });
    }

    /** Re-reads models, runs and the table from the store, keeping the selections. FX thread. */
    public void refresh() {
        Workspace ws = context.store().orNull();
        if (ws == null) {
            return;
        }
        try {
            ModelRecord selected = model.get();
            refreshing = true;
            try {
                models.setAll(ws.models().list());
                ModelRecord keep = selected == null ? null
                        : models.stream().filter(m -> m.id() == selected.id()).findFirst().orElse(null);
                if (keep == null) {
                    keep = defaultModel(ws);
                }
                model.set(keep);
            } finally {
                refreshing = false;
            }
            reloadModelScope();
        } catch (RuntimeException e) {
            context.errors().showError("Read the workspace", e);
        }
    }

    /** The open model's record when the store has it, else the newest model with runs. */
    private ModelRecord defaultModel(Workspace ws) {
        LoadedModel open = context.state().getCurrentModel();
        if (open != null) {
            for (ModelRecord m : models) {
                if (Path.of(m.path()).toAbsolutePath().normalize().equals(open.dir())) {
                    return m;
                }
            }
        }
        List<RecoveryRun> all = ws.recoveryRuns().list();
        if (!all.isEmpty()) {
            long id = all.get(all.size() - 1).modelId();
            return models.stream().filter(m -> m.id() == id).findFirst().orElse(null);
        }
        return models.isEmpty() ? null : models.get(models.size() - 1);
    }

    private void reloadModelScope() {
        Workspace ws = context.store().orNull();
        ModelRecord m = model.get();
        PruningChoice previous = pruningRun.get();
        refreshing = true;
        try {
            List<PruningChoice> choices = new ArrayList<>();
            choices.add(PruningChoice.ALL);
            if (ws != null && m != null) {
                for (PruningRun p : ws.pruningRuns().list()) {
                    if (p.modelId() == m.id() || Objects.equals(p.outputModelId(), m.id())) {
                        choices.add(new PruningChoice(p.id(), "pruning run " + p.id() + " (" + p.estimator() + ", "
                                + (p.paramsAfter() == null ? "unfinished" : Formats.shortCount(p.paramsAfter()) + " params") + ")"));
                    }
                }
            }
            pruningRuns.setAll(choices);
            pruningRun.set(choices.stream().filter(c -> previous != null && Objects.equals(c.id(), previous.id()))
                    .findFirst().orElse(PruningChoice.ALL));
        } finally {
            refreshing = false;
        }
        reloadTable();
    }

    private void reloadTable() {
        Workspace ws = context.store().orNull();
        ModelRecord m = model.get();
        if (ws == null || m == null) {
            table.set(null);
            taskDataset.clear();
            return;
        }
        try {
            PruningChoice p = pruningRun.get();
            ComparisonTable t = ws.evaluations().compare(m.id(), p == null ? null : p.id(), metric.get());
            rowEvaluations = t.rows().stream().map(row -> newestPerTask(ws, row)).toList();
            table.set(t);
            taskDataset.clear();
            for (ComparisonTable.Row row : t.rows()) {
                for (String task : t.tasks()) {
                    Double score = row.scores().get(task);
                    if (score != null) {
                        taskDataset.addValue(100 * score, rowName(row), task);
                    }
                }
            }
            List<RecoveryRun> inScope = new ArrayList<>();
            for (RecoveryRun r : ws.recoveryRuns().list()) {
                if (p != null && p.id() != null) {
                    if (p.id().equals(r.pruningRunId())) {
                        inScope.add(r);
                    }
                } else if (r.modelId() == m.id() || (r.pruningRunId() != null
                        && ws.pruningRuns().find(r.pruningRunId()).map(pr -> pr.modelId() == m.id()).orElse(false))) {
                    inScope.add(r);
                }
            }
            RecoveryRun a = runA.get();
            RecoveryRun b = runB.get();
            RecoveryRun e = evaluationRun.get();
            // replacing the items under an open picker loses the click; only replace them when they changed
            if (!runs.equals(inScope)) {
                runs.setAll(inScope);
            }
            runA.set(sameRun(a, inScope, 0));
            runB.set(sameRun(b, inScope, 1));
            evaluationRun.set(sameRun(e, inScope, inScope.size() - 1));
            updatePlans();
        } catch (RuntimeException e) {
            context.errors().showError("Compare runs", e);
        }
    }

    /** The newest evaluation per task behind a row (the store's comparison picks the newest too). */
    private Map<String, org.rankadaptor.store.Evaluation> newestPerTask(Workspace ws, ComparisonTable.Row row) {
        List<org.rankadaptor.store.Evaluation> all = row.runId() != null ? ws.evaluations().listForRun(row.runId())
                : row.untunedModelId() != null ? ws.evaluations().listForUntunedModel(row.untunedModelId()) : List.of();
        Map<String, org.rankadaptor.store.Evaluation> newest = new java.util.HashMap<>();
        for (org.rankadaptor.store.Evaluation e : all) {
            if (metric.get().pick(e) != null) {
                newest.merge(e.task(), e, (a, b) -> a.id() > b.id() ? a : b);
            }
        }
        return newest;
    }

    /** The evaluation behind row {@code row}'s score on {@code task}, or null. */
    public org.rankadaptor.store.Evaluation evaluation(int row, String task) {
        return row >= 0 && row < rowEvaluations.size() ? rowEvaluations.get(row).get(task) : null;
    }

    /** The standard error of that score under the chosen metric, or null when the store has none. */
    public Double standardError(org.rankadaptor.store.Evaluation e) {
        return e == null ? null : metric.get() == ComparisonMetric.ACC_NORM && e.accNormStderr() != null
                ? e.accNormStderr() : e.accStderr();
    }

    /** The run with {@code previous}'s id in the new list, else the one at {@code fallback}. */
    private static RecoveryRun sameRun(RecoveryRun previous, List<RecoveryRun> list, int fallback) {
        if (previous != null) {
            for (RecoveryRun r : list) {
                if (r.id() == previous.id()) {
                    return r;
                }
            }
        }
        return fallback >= 0 && fallback < list.size() ? list.get(fallback) : null;
    }

    /** Series name of a table row in the chart: its label, and the run id when it has one. */
    public static String rowName(ComparisonTable.Row row) {
        return row.runId() == null ? row.label() : "#" + row.runId() + " " + row.name();
    }

    /** Run A against run B per task, on the same documents (paired bootstrap, McNemar, seed noise). */
    private void updatePaired() {
        paired.clear();
        Workspace ws = context.store().orNull();
        RecoveryRun a = runA.get();
        RecoveryRun b = runB.get();
        if (ws == null || a == null || b == null || a.id() == b.id()) {
            return;
        }
        try {
            paired.setAll(PairedRunComparison.compare(ws, new PairedRunComparison.Side(a.modelId(), a.id()),
                    new PairedRunComparison.Side(b.modelId(), b.id()), metric.get()));
        } catch (RuntimeException e) {
            context.log().append("paired comparison of runs " + a.id() + " and " + b.id() + " failed: "
                    + ErrorMessages.describe(e));
        }
    }

    private void updatePlans() {
        updatePaired();
        planDataset.clear();
        for (RecoveryRun r : Arrays.asList(runA.get(), runB.get())) {
            if (r == null || r.rankPlanJson() == null) {
                continue;
            }
            try {
                Map<String, Integer> plan = JSON.readValue(r.rankPlanJson(), new TypeReference<Map<String, Integer>>() { });
                int layers = plan.keySet().stream().mapToInt(k -> ModuleRef.parse(k).layer()).max().orElse(-1) + 1;
                String name = runName(r);
                if (planDataset.getRowKeys().contains(name)) {
                    continue; // the same run picked twice
                }
                LayerRankChart.addSeries(planDataset, name, LayerRankChart.meanPerLayer(plan, layers));
            } catch (IOException | RuntimeException e) {
                context.log().append("rank plan of run " + r.id() + " unreadable: " + ErrorMessages.describe(e));
            }
        }
    }

    /** How a run is named in choosers and legends. */
    public static String runName(RecoveryRun run) {
        return "#" + run.id() + " " + run.name() + (run.status() == RunStatus.DONE ? "" : " [" + run.status() + "]");
    }

    /** Evaluates the chosen run's adapter on the tasks and records the scores against the run. */
    public Task<EvalResults> evaluateRun() {
        return evaluate(true);
    }

    /** Evaluates the chosen run's model without an adapter ("w/o tuning"). */
    public Task<EvalResults> evaluateWithoutAdapter() {
        return evaluate(false);
    }

    private Task<EvalResults> evaluate(boolean withAdapter) {
        RecoveryRun run = evaluationRun.get();
        List<String> tasks;
        Path dataDir;
        Path modelDir;
        Workspace ws;
        try {
            ws = context.store().require("evaluate");
            if (run == null) {
                throw new IllegalArgumentException("pick a recovery run to evaluate");
            }
            if (withAdapter && (run.adapterPath() == null || !Files.isDirectory(Path.of(run.adapterPath())))) {
                throw new IllegalArgumentException("run #" + run.id() + " has no adapter on disk"
                        + (run.adapterPath() == null ? " (status " + run.status() + ")" : ": " + run.adapterPath()));
            }
            tasks = Arrays.stream(evaluationTasks.get().split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
            if (tasks.isEmpty()) {
                throw new IllegalArgumentException("name at least one task, e.g. boolq,piqa");
            }
            dataDir = Path.of(tasksDir.get().trim());
            if (!Files.isDirectory(dataDir)) {
                throw new IllegalArgumentException("tasks directory " + dataDir + " does not exist");
            }
            modelDir = Path.of(ws.models().get(run.modelId()).path());
        } catch (RuntimeException e) {
            context.errors().showError("Evaluate run", e);
            return null;
        }
        int limit = evaluationLimit.get();
        Long runId = withAdapter ? run.id() : null;
        String what = withAdapter ? "run #" + run.id() : modelDir.getFileName() + " without adapter";
        running.set(true);
        Placement placement = context.state().getPlacement();
        Task<EvalResults> task = context.jobs().submit("Evaluate " + what, ctx -> {
            try (LlamaModel loaded = CheckpointLoader.load(modelDir, placement);
                 TextTokenizer tokenizer = Tokenizers.load(modelDir)) {
                LoraAdapter adapter = withAdapter ? PeftAdapter.load(Path.of(run.adapterPath()), loaded) : null;
                try {
                    EvalResults results = new ZeroShotEvaluator(dataDir).evaluate(loaded,
                            adapter == null ? LinearAdapter.NONE : adapter, tokenizer, tasks,
                            EvalSettings.defaults().withLimit(limit), ctx);
                    EvaluationRecorder.record(ws, run.modelId(), runId, results);
                    return results;
                } finally {
                    if (adapter != null) {
                        adapter.close();
                    }
                }
            }
        }, results -> context.log().append("evaluated " + what + ":\n" + results.table()));
        task.addEventHandler(WorkerStateEvent.ANY, e -> running.set(!task.isDone()));
        return task;
    }

    public ObservableList<ModelRecord> models() {
        return models;
    }

    public ObjectProperty<ModelRecord> modelProperty() {
        return model;
    }

    public ObservableList<PruningChoice> pruningRuns() {
        return pruningRuns;
    }

    public ObjectProperty<PruningChoice> pruningRunProperty() {
        return pruningRun;
    }

    public ObjectProperty<ComparisonMetric> metricProperty() {
        return metric;
    }

    /** The comparison for the current filters, null without a workspace or model. */
    public ReadOnlyObjectProperty<ComparisonTable> tableProperty() {
        return table.getReadOnlyProperty();
    }

    public DefaultCategoryDataset taskDataset() {
        return taskDataset;
    }

    public ObservableList<RecoveryRun> runs() {
        return runs;
    }

    public ObjectProperty<RecoveryRun> runAProperty() {
        return runA;
    }

    public ObjectProperty<RecoveryRun> runBProperty() {
        return runB;
    }

    /** Per task: A - B with its 95% interval, significance, McNemar p and seed noise (empty until A and B differ). */
    public ObservableList<PairedRunComparison.TaskDifference> paired() {
        return paired;
    }

    public DefaultCategoryDataset planDataset() {
        return planDataset;
    }

    public ObjectProperty<RecoveryRun> evaluationRunProperty() {
        return evaluationRun;
    }

    public StringProperty evaluationTasksProperty() {
        return evaluationTasks;
    }

    public ObjectProperty<Integer> evaluationLimitProperty() {
        return evaluationLimit;
    }

    public StringProperty tasksDirProperty() {
        return tasksDir;
    }

    public ReadOnlyBooleanProperty runningProperty() {
        return running.getReadOnlyProperty();
    }
}
