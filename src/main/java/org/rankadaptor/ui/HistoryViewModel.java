package org.rankadaptor.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.rankadaptor.store.CurveRecord;
import org.rankadaptor.store.Evaluation;
import org.rankadaptor.store.ModelRecord;
import org.rankadaptor.store.RecoveryRun;
import org.rankadaptor.store.Search;
import org.rankadaptor.store.Workspace;

import java.io.IOException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * State of the History screen: every stored search, recovery run and evaluation of the workspace, newest first, read
 * again when the workspace opens and whenever a job ends. A selected run's loss curve previews here; "show" hands a
 * search or run to its own screen, where its charts and exports work as after a live run.
 */
public final class HistoryViewModel {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.systemDefault());
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One stored search as the table shows it. */
    public record SearchRow(Search search, String model, int measurements, String best, String when) {
    }

    /** One stored recovery run as the table shows it. */
    public record RunRow(RecoveryRun run, String model, int steps, String finalLoss, String when) {
    }

    /** One stored evaluation: what was scored, on which task, with n and the standard error. */
    public record EvaluationRow(Evaluation evaluation, String subject, String score, String when) {
    }

    private final WorkbenchContext context;
    private final ObservableList<SearchRow> searches = FXCollections.observableArrayList();
    private final ObservableList<RunRow> runs = FXCollections.observableArrayList();
    private final ObservableList<EvaluationRow> evaluations = FXCollections.observableArrayList();
    private final ObjectProperty<RunRow> selectedRun = new SimpleObjectProperty<>(this, "selectedRun");
    private final XYSeriesCollection lossPreview = new XYSeriesCollection();

    public HistoryViewModel(WorkbenchContext context) {
        this.context = context;
        lossPreview.addSeries(new XYSeries(RecoverViewModel.TRAIN_SERIES));
        lossPreview.addSeries(new XYSeries(RecoverViewModel.VALIDATION_SERIES));
        context.store().workspaceProperty().addListener((obs, old, ws) -> refresh());
        context.jobs().busyProperty().addListener((obs, was, busy) -> {
            if (!busy) {
                refresh();
            }
        });
        selectedRun.addListener((obs, old, row) -> previewCurve(row));
    }

    /** Reads the store again (small queries, on the FX thread like the Compare screen's). */
    public void refresh() {
        Workspace ws = context.store().orNull();
        if (ws == null) {
            return;
        }
        try {
            Map<Long, String> models = new HashMap<>();
            for (ModelRecord m : ws.models().list()) {
                models.put(m.id(), m.name());
            }
            searches.setAll(ws.searches().list().stream().sorted((a, b) -> Long.compare(b.id(), a.id()))
                    .map(s -> searchRow(ws, s, models)).toList());
            RunRow previous = selectedRun.get();
            runs.setAll(ws.recoveryRuns().list().stream().sorted((a, b) -> Long.compare(b.id(), a.id()))
                    .map(r -> runRow(ws, r, models)).toList());
            if (previous != null) {
                selectedRun.set(runs.stream().filter(r -> r.run().id() == previous.run().id()).findFirst().orElse(null));
            }
            evaluations.setAll(ws.evaluations().list().stream().map(e -> evaluationRow(e, models)).toList());
        } catch (RuntimeException e) {
            context.errors().showError("Read the history", e);
        }
    }

    private static SearchRow searchRow(Workspace ws, Search s, Map<Long, String> models) {
        int measured = ws.searches().completedIterations(s.id()).size();
        String best = "-";
        if (s.resultJson() != null) {
            try {
                JsonNode result = JSON.readTree(s.resultJson());
                if (result.path("measuredScore").isNumber()) {
                    best = String.format(Locale.ROOT, "%.4f", result.get("measuredScore").asDouble());
                }
            } catch (IOException e) {
                best = "unreadable";
            }
        }
        return new SearchRow(s, models.getOrDefault(s.modelId(), "#" + s.modelId()), measured, best, when(s.created()));
    }

    private static RunRow runRow(Workspace ws, RecoveryRun r, Map<Long, String> models) {
        List<CurveRecord> curve = ws.recoveryRuns().curve(r.id());
        String last = curve.isEmpty() ? "-" : String.format(Locale.ROOT, "%.4f", curve.get(curve.size() - 1).trainLoss());
        return new RunRow(r, models.getOrDefault(r.modelId(), "#" + r.modelId()), curve.size(), last, when(r.created()));
    }

    private static EvaluationRow evaluationRow(Evaluation e, Map<Long, String> models) {
        String subject = (e.runId() == null ? "model without adapter: " : "run #" + e.runId() + " on ")
                + models.getOrDefault(e.modelId(), "#" + e.modelId());
        String score = e.acc() != null
                ? String.format(Locale.ROOT, "acc %.2f%% ± %.2f (n = %d)", 100 * e.acc(),
                e.accStderr() == null ? Double.NaN : 100 * e.accStderr(), e.n())
                : e.perplexity() != null ? String.format(Locale.ROOT, "perplexity %.3f (n = %d)", e.perplexity(), e.n())
                : "-";
        return new EvaluationRow(e, subject, score, when(e.created()));
    }

    private static String when(Instant instant) {
        return instant == null ? "" : WHEN.format(instant);
    }

    private void previewCurve(RunRow row) {
        XYSeries train = lossPreview.getSeries(0);
        XYSeries validation = lossPreview.getSeries(1);
        train.clear();
        validation.clear();
        Workspace ws = context.store().orNull();
        if (row == null || ws == null) {
            return;
        }
        train.setNotify(false);
        validation.setNotify(false);
        for (CurveRecord c : ws.recoveryRuns().curve(row.run().id())) {
            train.add(c.step(), c.trainLoss(), false);
            if (c.valLoss() != null) {
                validation.add(c.step(), c.valLoss(), false);
            }
        }
        train.setNotify(true);
        validation.setNotify(true);
    }

    /** The run's curve for the Recover screen. */
    List<CurveRecord> curve(RecoveryRun run) {
        return context.store().require("read the loss curve").recoveryRuns().curve(run.id());
    }

    public ObservableList<SearchRow> searches() {
        return searches;
    }

    public ObservableList<RunRow> runs() {
        return runs;
    }

    public ObservableList<EvaluationRow> evaluations() {
        return evaluations;
    }

    public ObjectProperty<RunRow> selectedRunProperty() {
        return selectedRun;
    }

    /** Training and validation loss of the selected run. */
    public XYSeriesCollection lossPreview() {
        return lossPreview;
    }
}
