package org.rankadaptor.ui;

import org.rankadaptor.model.Placement;
import javafx.beans.Observable;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.concurrent.Task;
import javafx.concurrent.WorkerStateEvent;
import org.rankadaptor.job.PruneJob;
import org.rankadaptor.job.PruneRequest;
import org.rankadaptor.stage.StageContext;
import org.rankadaptor.model.LayerDims;
import org.rankadaptor.model.LlamaConfig;
import org.rankadaptor.prune.CalibrationSet;
import org.rankadaptor.prune.Estimator;
import org.rankadaptor.prune.ImportanceMaps;
import org.rankadaptor.prune.LayerRange;
import org.rankadaptor.prune.PrunePlan;
import org.rankadaptor.prune.PrunePlanException;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * State and actions of the Prune screen: layer ranges (1-based, inclusive) with attention and MLP ratios, the
 * estimator and calibration text, the plan's live parameter reduction, importance heatmaps and the prune job.
 */
public final class PruneViewModel {
    /** Calibration text used when the data directory has it and nothing closer to the model's domain is known. */
    static final String DEFAULT_CALIBRATION = "text/c4_demo.jsonl";
    /** In-domain calibration text for models trained on TinyStories (stories260K and what is pruned from it). */
    static final String STORIES_CALIBRATION = "text/tinystories-gen/train.jsonl";

    private final WorkbenchContext context;
    private final Consumer<Path> modelOpener;
    private final ObservableList<RangeRow> ranges = FXCollections.observableArrayList(RangeRow::observables);
    private final ObjectProperty<Estimator> estimator = new SimpleObjectProperty<>(this, "estimator", Estimator.TAYLOR_ELEMENT1);
    private final StringProperty calibrationPath = new SimpleStringProperty(this, "calibrationPath", DefaultPaths.sharedData(DEFAULT_CALIBRATION));
    private final ObjectProperty<Integer> samples = new SimpleObjectProperty<>(this, "samples", CalibrationSet.DEFAULT_SAMPLES);
    private final ObjectProperty<Integer> seqLen = new SimpleObjectProperty<>(this, "seqLen", CalibrationSet.DEFAULT_SEQ_LEN);
    private final ObjectProperty<Integer> channelMultiple = new SimpleObjectProperty<>(this, "channelMultiple", 1);
    private final StringProperty outputDir = new SimpleStringProperty(this, "outputDir", "");
    private final ReadOnlyStringWrapper reduction = new ReadOnlyStringWrapper(this, "reduction", "");
    private final ReadOnlyStringWrapper planError = new ReadOnlyStringWrapper(this, "planError", "");
    private final ReadOnlyStringWrapper planWarning = new ReadOnlyStringWrapper(this, "planWarning", "");
    /** The ranges as "first-last:attention:mlp;..." (1-based), kept in the workspace settings. */
    private final StringProperty rangesText = new SimpleStringProperty(this, "rangesText", "");
    private final ReadOnlyObjectWrapper<List<LayerDims>> prunedDims = new ReadOnlyObjectWrapper<>(this, "prunedDims");
    private final ReadOnlyObjectWrapper<ImportanceMaps> importance = new ReadOnlyObjectWrapper<>(this, "importance");
    private final ReadOnlyObjectWrapper<PruneJob.Outcome> outcome = new ReadOnlyObjectWrapper<>(this, "outcome");
    private final ReadOnlyStringWrapper outcomeText = new ReadOnlyStringWrapper(this, "outcomeText", "");
    private final ReadOnlyBooleanWrapper running = new ReadOnlyBooleanWrapper(this, "running");

    /** One editable layer range; layers are 1-based and inclusive as on the command line. */
    public static final class RangeRow {
        private final IntegerProperty first;
        private final IntegerProperty last;
        private final DoubleProperty attentionRatio;
        private final DoubleProperty mlpRatio;

        public RangeRow(int first, int last, double attentionRatio, double mlpRatio) {
            this.first = new SimpleIntegerProperty(this, "first", first);
            this.last = new SimpleIntegerProperty(this, "last", last);
            this.attentionRatio = new SimpleDoubleProperty(this, "attentionRatio", attentionRatio);
            this.mlpRatio = new SimpleDoubleProperty(this, "mlpRatio", mlpRatio);
        }

        Observable[] observables() {
            return new Observable[] {first, last, attentionRatio, mlpRatio};
        }

        public IntegerProperty firstProperty() {
            return first;
        }

        public IntegerProperty lastProperty() {
            return last;
        }

        public DoubleProperty attentionRatioProperty() {
            return attentionRatio;
        }

        public DoubleProperty mlpRatioProperty() {
            return mlpRatio;
        }

        /** The 0-based range the prune stage takes. */
        LayerRange toLayerRange() {
            return new LayerRange(first.get() - 1, last.get() - 1, attentionRatio.get(), mlpRatio.get());
        }
    }

    public PruneViewModel(WorkbenchContext context, Consumer<Path> modelOpener) {
        this.context = context;
        this.modelOpener = modelOpener;
        ranges.addListener((javafx.collections.ListChangeListener<RangeRow>) c -> {
            rangesText.set(String.join(";", ranges.stream().map(r -> r.firstProperty().get() + "-" + r.lastProperty().get()
                    + ":" + r.attentionRatioProperty().get() + ":" + r.mlpRatioProperty().get()).toList()));
            updatePlan();
        });
        rangesText.addListener((obs, old, text) -> restoreRanges(text));
        estimator.addListener((obs, old, e) -> updatePlan());
        channelMultiple.addListener((obs, old, m) -> updatePlan());
        context.state().currentModelProperty().addListener((obs, old, model) -> modelChanged(model));
        DefaultPaths.follow(outputDir, () -> {
            LoadedModel model = context.state().getCurrentModel();
            return model == null ? null : DefaultPaths.output(context, "models", prunedName(model.dir().getFileName().toString()));
        }, context.state().currentModelProperty());
        DefaultPaths.follow(calibrationPath, () -> calibrationFor(context.state().getCurrentModel()),
                context.state().currentModelProperty());
        modelChanged(context.state().getCurrentModel());
        WorkbenchSettings settings = context.store().settings();
        settings.trackChoice("prune.estimator", estimator, Estimator.class);
        settings.trackText("prune.calibration", calibrationPath);
        settings.trackInteger("prune.samples", samples);
        settings.trackInteger("prune.tokens", seqLen);
        settings.trackText("prune.ranges", rangesText);
    }

    /** "m" -> "m-pruned", "m-pruned" -> "m-pruned-2", "m-pruned-2" -> "m-pruned-3": never "m-pruned-pruned". */
    static String prunedName(String model) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(.*pruned)(?:-(\\d+))?").matcher(model);
        if (!m.matches()) {
            return model + "-pruned";
        }
        return m.group(1) + "-" + (m.group(2) == null ? 2 : Integer.parseInt(m.group(2)) + 1);
    }

    /** In-domain calibration text when the model is a TinyStories one, else the general c4 sample. */
    private static String calibrationFor(LoadedModel model) {
        String stories = DefaultPaths.sharedData(STORIES_CALIBRATION);
        if (model != null && model.dir().getFileName().toString().toLowerCase(Locale.ROOT).contains("stories")
                && !stories.isEmpty()) {
            return stories;
        }
        return DefaultPaths.sharedData(DEFAULT_CALIBRATION);
    }

    private void restoreRanges(String text) {
        String current = String.join(";", ranges.stream().map(r -> r.firstProperty().get() + "-" + r.lastProperty().get()
                + ":" + r.attentionRatioProperty().get() + ":" + r.mlpRatioProperty().get()).toList());
        if (text == null || text.isBlank() || text.equals(current)) {
            return;
        }
        List<RangeRow> rows = new ArrayList<>();
        for (String part : text.split(";")) {
            String[] fields = part.split(":");
            String[] layers = fields[0].split("-");
            rows.add(new RangeRow(Integer.parseInt(layers[0].trim()), Integer.parseInt(layers[1].trim()),
                    Double.parseDouble(fields[1]), Double.parseDouble(fields[2])));
        }
        ranges.setAll(rows);
    }

    private void modelChanged(LoadedModel model) {
        importance.set(null);
        if (model != null) {
            if (ranges.isEmpty()) {
                int layers = model.summary().config().numLayers();
                // LLM-Pruner's habit: leave the first and last blocks alone
                ranges.add(new RangeRow(Math.min(2, layers), Math.max(Math.min(2, layers), layers - 1), 0.25, 0.25));
                return;
            }
        }
        updatePlan();
    }

    /** Appends a range (1-based, inclusive). */
    public RangeRow addRange(int first, int last, double attentionRatio, double mlpRatio) {
        RangeRow row = new RangeRow(first, last, attentionRatio, mlpRatio);
        ranges.add(row);
        return row;
    }

    public void removeRange(RangeRow row) {
        ranges.remove(row);
    }

    /** The plan as typed; throws {@link PrunePlanException} naming the bad range. */
    public PrunePlan plan() {
        List<LayerRange> parsed = new ArrayList<>();
        for (RangeRow row : ranges) {
            parsed.add(row.toLayerRange());
        }
        if (parsed.isEmpty()) {
            throw new PrunePlanException("add at least one layer range to prune");
        }
        return new PrunePlan(parsed, estimator.get(), channelMultiple.get() == null ? 1 : channelMultiple.get(), 0);
    }

    /** Recomputes the reduction label, the inline error and the kept fractions. */
    private void updatePlan() {
        LoadedModel model = context.state().getCurrentModel();
        if (model == null) {
            reduction.set("open a model on the Model screen");
            planError.set("");
            prunedDims.set(null);
            return;
        }
        LlamaConfig config = model.summary().config();
        try {
            PrunePlan plan = plan();
            List<LayerDims> dims = plan.prunedDims(config);
            long after = config.withLayers(dims).totalParameters();
            reduction.set(String.format(Locale.ROOT, "Parameters: %s -> %s (%s fewer)",
                    Formats.count(config.totalParameters()), Formats.count(after),
                    Formats.percent(plan.parameterReduction(config))));
            planError.set("");
            planWarning.set(roundingWarning(plan, config, dims));
            prunedDims.set(dims);
        } catch (PrunePlanException | IllegalArgumentException e) {
            reduction.set("");
            planError.set(e.getMessage());
            planWarning.set("");
            prunedDims.set(null);
        }
    }

    /**
     * Groups are removed whole, so a ratio rounds to what the layer's group count allows (0.3 of 4 KV groups removes
     * 2, i.e. 50%): says so for each range where the removed share is off the ratio by more than 2 points.
     */
    static String roundingWarning(PrunePlan plan, LlamaConfig config, List<LayerDims> dims) {
        List<String> notes = new ArrayList<>();
        for (LayerRange range : plan.ranges()) {
            int l = range.firstLayer();
            int kv = config.layer(l).numKvHeads();
            int keptKv = dims.get(l).numKvHeads();
            double removedAttention = 1 - keptKv / (double) kv;
            int ffn = config.layer(l).intermediateSize();
            double removedMlp = 1 - dims.get(l).intermediateSize() / (double) ffn;
            String layers = "layers " + (range.firstLayer() + 1) + "-" + (range.lastLayer() + 1);
            if (Math.abs(removedAttention - range.attentionRatio()) > 0.02) {
                notes.add(String.format(Locale.ROOT, "%s: attention ratio %s of %d KV groups removes %d of them (%s),"
                                + " since groups go whole", layers, Formats.number(range.attentionRatio()), kv, kv - keptKv,
                        Formats.percent(removedAttention)));
            }
            if (Math.abs(removedMlp - range.mlpRatio()) > 0.02) {
                notes.add(String.format(Locale.ROOT, "%s: MLP ratio %s of %d channels removes %s", layers,
                        Formats.number(range.mlpRatio()), ffn, Formats.percent(removedMlp)));
            }
        }
        return notes.isEmpty() ? "" : "Rounding: " + String.join("; ", notes) + ".";
    }

    /** Scores every group of the open model with the chosen estimator (no pruning); fills the heatmaps. */
    public Task<ImportanceMaps> scoreImportance() {
        LoadedModel model = requireModel("Score importance");
        if (model == null) {
            return null;
        }
        Estimator chosen = estimator.get();
        CalibrationInput calibration = calibrationInput(chosen, "Score importance");
        if (calibration == null && chosen.needsGradients()) {
            return null;
        }
        Placement placement = context.state().getPlacement();
        return track(context.jobs().submit("Score importance (" + chosen + ")", ctx -> PruneJob.score(model.dir(),
                placement, chosen, load(calibration, model, ctx), 0, ctx), importance::set));
    }

    /** Prunes the open model into the output directory, registers it in the store and offers to open it. */
    public Task<PruneJob.Outcome> prune() {
        LoadedModel model = requireModel("Prune");
        if (model == null) {
            return null;
        }
        PrunePlan plan;
        Path out;
        try {
            plan = plan();
            plan.validate(model.summary().config());
            out = Path.of(outputDir.get().trim());
            if (outputDir.get().isBlank()) {
                throw new IllegalArgumentException("choose an output directory for the pruned model");
            }
            if (out.toAbsolutePath().normalize().equals(model.dir())) {
                throw new IllegalArgumentException("the output directory is the open model's directory; choose another");
            }
        } catch (PrunePlanException | IllegalArgumentException e) { // InvalidPathException is one
            context.errors().showError("Prune", e);
            return null;
        }
        CalibrationInput calibration = calibrationInput(plan.estimator(), "Prune");
        if (calibration == null && plan.estimator().needsGradients()) {
            return null;
        }
        outcome.set(null);
        outcomeText.set("");
        Placement placement = context.state().getPlacement();
        return track(context.jobs().submit("Prune " + model.dir().getFileName(), ctx -> PruneJob.run(
                new PruneRequest(model.dir(), plan, null, load(calibration, model, ctx), 0, out, placement), ctx,
                context.store().recording()), result -> {
                    outcome.set(result);
                    long before = result.result().parametersBefore();
                    long after = result.result().parametersAfter();
                    outcomeText.set(String.format(Locale.ROOT, "Wrote %s: %s -> %s parameters (%s fewer)%s", result.outDir(),
                            Formats.count(before), Formats.count(after), Formats.percent((before - after) / (double) before),
                            result.pruningRunId() == null ? "" : "; pruning run " + result.pruningRunId() + " recorded"));
                    context.recentModels().add(result.outDir());
                }));
    }

    /** Opens the last pruned model as the current model (through the Model screen). */
    public void openPruned() {
        PruneJob.Outcome last = outcome.get();
        if (last != null) {
            modelOpener.accept(last.outDir());
        }
    }

    private record CalibrationInput(Path file, int samples, int seqLen) {
    }

    /** Null (after showing why) when the estimator needs calibration text and the field is unusable. */
    private CalibrationInput calibrationInput(Estimator chosen, String action) {
        if (!chosen.needsGradients()) {
            return null;
        }
        String text = calibrationPath.get() == null ? "" : calibrationPath.get().trim();
        try {
            if (text.isEmpty()) {
                throw new IllegalArgumentException("estimator " + chosen + " needs calibration text: choose a JSONL or text file");
            }
            Path file = Path.of(text);
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("calibration file " + file + " does not exist");
            }
            return new CalibrationInput(file, samples.get(), seqLen.get());
        } catch (InvalidPathException e) {
            context.errors().showError(action, new IllegalArgumentException("calibration file: not a valid path: " + text));
        } catch (IllegalArgumentException e) {
            context.errors().showError(action, e);
        }
        return null;
    }

    private static CalibrationSet load(CalibrationInput input, LoadedModel model, StageContext ctx) {
        if (input == null) {
            return null;
        }
        ctx.report("calibration", 0, 1, input.file().getFileName().toString());
        return CalibrationSet.load(input.file(), model.requireTokenizer(), input.samples(), input.seqLen(), null);
    }

    private LoadedModel requireModel(String action) {
        LoadedModel model = context.state().getCurrentModel();
        if (model == null) {
            context.errors().showError(action, new IllegalArgumentException("open a model on the Model screen first"));
        }
        return model;
    }

    private <T> Task<T> track(Task<T> task) {
        running.set(true);
        task.addEventHandler(WorkerStateEvent.ANY, e -> running.set(!task.isDone()));
        return task;
    }

    public ObservableList<RangeRow> ranges() {
        return ranges;
    }

    public ObjectProperty<Estimator> estimatorProperty() {
        return estimator;
    }

    public StringProperty calibrationPathProperty() {
        return calibrationPath;
    }

    public ObjectProperty<Integer> samplesProperty() {
        return samples;
    }

    public ObjectProperty<Integer> seqLenProperty() {
        return seqLen;
    }

    public ObjectProperty<Integer> channelMultipleProperty() {
        return channelMultiple;
    }

    public StringProperty outputDirProperty() {
        return outputDir;
    }

    public ReadOnlyStringProperty reductionProperty() {
        return reduction.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty planErrorProperty() {
        return planError.getReadOnlyProperty();
    }

    /** Where whole-group rounding makes the plan remove more or less than its ratios say; empty when it does not. */
    public ReadOnlyStringProperty planWarningProperty() {
        return planWarning.getReadOnlyProperty();
    }

    /** Per-layer dims after the plan, null while the plan is invalid or no model is open. */
    public ReadOnlyObjectProperty<List<LayerDims>> prunedDimsProperty() {
        return prunedDims.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<ImportanceMaps> importanceProperty() {
        return importance.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<PruneJob.Outcome> outcomeProperty() {
        return outcome.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty outcomeTextProperty() {
        return outcomeText.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty runningProperty() {
        return running.getReadOnlyProperty();
    }
}
