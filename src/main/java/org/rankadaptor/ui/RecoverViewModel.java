package org.rankadaptor.ui;

import javafx.beans.property.ObjectProperty;
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
import org.controlsfx.control.PropertySheet;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.rankadaptor.job.FinetuneJob;
import org.rankadaptor.job.FinetuneRequestBuilder;
import org.rankadaptor.lora.CurvePoint;
import org.rankadaptor.lora.FinetuneMethod;
import org.rankadaptor.lora.FinetuneRequest;
import org.rankadaptor.lora.LoraSettings;
import org.rankadaptor.lora.RankChoice;
import org.rankadaptor.lora.RankPlan;
import org.rankadaptor.lora.RunLength;
import org.rankadaptor.lora.TrainingData;
import org.rankadaptor.lora.ValidationSplit;
import org.rankadaptor.model.LlamaConfig;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * State and actions of the Recover screen: the recovery method (uniform LoRA, AdaLoRA, a RankAdaptor rank JSON or a
 * custom plan file), hyper-parameters, data and output, and the live loss curve and per-layer ranks of the run.
 */
public final class RecoverViewModel {
    public static final String TRAIN_SERIES = "training loss";
    public static final String VALIDATION_SERIES = "validation loss";
    public static final String PLANNED_SERIES = "planned rank";
    public static final String FINAL_SERIES = "final rank";
    static final String DEFAULT_DATA = "instructions/alpaca_en_demo.json";
    private static final String LORA = "LoRA";
    private static final String TRAINING = "Training";
    private static final String ADALORA = "AdaLoRA";
    /** Order of the settings sections; the first one starts expanded. */
    static final java.util.List<String> SECTIONS = java.util.List.of(LORA, TRAINING, ADALORA);

    private final WorkbenchContext context;
    private final ObjectProperty<FinetuneMethod> method = new SimpleObjectProperty<>(this, "method", FinetuneMethod.LORA);
    private final StringProperty rankFile = new SimpleStringProperty(this, "rankFile", "");
    private final StringProperty dataFile = new SimpleStringProperty(this, "dataFile", DefaultPaths.sharedData(DEFAULT_DATA));
    private final StringProperty outputDir = new SimpleStringProperty(this, "outputDir", "");
    private final ReadOnlyBooleanWrapper running = new ReadOnlyBooleanWrapper(this, "running");
    private final ReadOnlyStringWrapper outcomeText = new ReadOnlyStringWrapper(this, "outcomeText", "");
    private final ReadOnlyObjectWrapper<FinetuneJob.Outcome> outcome = new ReadOnlyObjectWrapper<>(this, "outcome");
    private final ReadOnlyStringWrapper usedSettings = new ReadOnlyStringWrapper(this, "usedSettings", "");
    private final ReadOnlyStringWrapper shownRun = new ReadOnlyStringWrapper(this, "shownRun", "");

    final SheetItem<Integer> rank = new SheetItem<>(Integer.class, LORA, "Rank", "LoRA rank r of every module (uniform LoRA)", FinetuneRequestBuilder.RANK).within(1, 4096);
    final SheetItem<Double> alpha = new SheetItem<>(Double.class, LORA, "Alpha", "lora_alpha (scale alpha / r)", FinetuneRequestBuilder.ALPHA).within(1e-6, 1e6);
    final SheetItem<Boolean> alphaTwiceRank = new SheetItem<>(Boolean.class, LORA, "Alpha = 2r",
            "set each module's alpha to twice its rank (RankAdaptor's rule)", false);
    final SheetItem<Double> dropout = new SheetItem<>(Double.class, LORA, "Dropout", "lora_dropout on the adapter input", FinetuneRequestBuilder.DROPOUT).within(0, 0.99);
    final SheetItem<String> targets = new SheetItem<>(String.class, LORA, "Targets",
            "adapted projections, e.g. q,k,v,o,gate,up,down", LoraSettings.ALL_TARGET_NAMES);
    final SheetItem<Double> learningRate = new SheetItem<>(Double.class, TRAINING, "Learning rate", "peak learning rate (e.g. 1e-4)", FinetuneRequestBuilder.LEARNING_RATE).within(1e-12, 10);
    final SheetItem<Integer> warmup = new SheetItem<>(Integer.class, TRAINING, "Warm-up steps", "linear warm-up steps", FinetuneRequestBuilder.WARMUP).within(0, 10_000_000);
    final SheetItem<Integer> steps = new SheetItem<>(Integer.class, TRAINING, "Steps", "optimizer steps", FinetuneRequestBuilder.STEPS).within(1, 10_000_000);
    final SheetItem<Integer> batch = new SheetItem<>(Integer.class, TRAINING, "Batch", "sequences per optimizer step", FinetuneRequestBuilder.BATCH_SIZE).within(1, 65_536);
    final SheetItem<Integer> microBatch = new SheetItem<>(Integer.class, TRAINING, "Micro-batch",
            "sequences per forward pass (batch must be a multiple)", FinetuneRequestBuilder.MICRO_BATCH).within(1, 65_536);
    final SheetItem<Integer> cutoff = new SheetItem<>(Integer.class, TRAINING, "Cutoff", "tokens per training sequence", FinetuneRequestBuilder.CUTOFF).within(2, 1_048_576);
    final SheetItem<Integer> seed = new SheetItem<>(Integer.class, TRAINING, "Seed", "data order, dropout and adapter init", FinetuneRequestBuilder.SEED).within(0, Integer.MAX_VALUE);
    final SheetItem<Integer> trainRows = new SheetItem<>(Integer.class, TRAINING, "Data rows",
            "use only the first N rows of the data file, validation rows included (0 = all)", 0).within(0, Integer.MAX_VALUE);
    final SheetItem<Integer> validationRows = new SheetItem<>(Integer.class, TRAINING, "Validation rows",
            "rows held out for the validation loss (0 = none)", 200).within(0, Integer.MAX_VALUE);
    final SheetItem<Integer> validateEvery = new SheetItem<>(Integer.class, TRAINING, "Validate every",
            "steps between validation losses (0 = only at the end)", 50).within(0, Integer.MAX_VALUE);
    final SheetItem<Integer> adaInitRank = new SheetItem<>(Integer.class, ADALORA, "Initial rank", "AdaLoRA init_r", FinetuneRequestBuilder.INIT_R).within(1, 4096);
    final SheetItem<Integer> adaTargetRank = new SheetItem<>(Integer.class, ADALORA, "Target rank", "AdaLoRA target_r (average final rank)", FinetuneRequestBuilder.TARGET_R).within(1, 4096);
    private final ObservableList<PropertySheet.Item> sheetItems = FXCollections.observableArrayList(rank, alpha,
            alphaTwiceRank, dropout, targets, learningRate, warmup, steps, batch, microBatch, cutoff, seed,
            trainRows, validationRows, validateEvery, adaInitRank, adaTargetRank);

    private final XYSeries trainLoss = new XYSeries(TRAIN_SERIES);
    private final XYSeries validationLoss = new XYSeries(VALIDATION_SERIES);
    private final XYSeriesCollection lossDataset = new XYSeriesCollection();
    private final DefaultCategoryDataset rankDataset = new DefaultCategoryDataset();
    private final FxBatcher<CurvePoint> curve = new FxBatcher<>(this::addPoints);

    public RecoverViewModel(WorkbenchContext context) {
        this.context = context;
        lossDataset.addSeries(trainLoss);
        lossDataset.addSeries(validationLoss);
        // the proposed folder names the model and the method, so LoRA, AdaLoRA and RankAdaptor runs never share one
        DefaultPaths.follow(outputDir, () -> {
            LoadedModel model = context.state().getCurrentModel();
            return model == null ? null : DefaultPaths.output(context, "adapters",
                    model.dir().getFileName() + "-" + methodFolder());
        }, context.state().currentModelProperty(), method, rank.property(), adaInitRank.property(),
                adaTargetRank.property(), rankFile);
        WorkbenchSettings settings = context.store().settings();
        settings.trackChoice("recover.method", method, FinetuneMethod.class);
        settings.trackText("recover.rankFile", rankFile);
        settings.trackText("recover.dataFile", dataFile);
        settings.trackSheet("recover.", sheetItems.stream().map(i -> (SheetItem<?>) i).toList());
    }

    /** The method part of the proposed output folder: "lora-r8", "adalora-r12-8", "rankadaptor-<rank file's folder>". */
    private String methodFolder() {
        return switch (method.get()) {
            case LORA -> "lora-r" + rank.get();
            case ADALORA -> "adalora-r" + adaInitRank.get() + "-" + adaTargetRank.get();
            case RANKADAPTOR, CUSTOM -> method.get().name().toLowerCase(Locale.ROOT) + rankFileFolder();
        };
    }

    private String rankFileFolder() {
        try {
            Path file = Path.of(rankFile.get().trim());
            Path parent = file.getParent();
            return parent == null || parent.getFileName() == null ? "" : "-" + parent.getFileName();
        } catch (RuntimeException e) { // no file yet, or not a path
            return "";
        }
    }

    /** Starts fine-tuning the open model; the curve and the ranks fill in as it runs. */
    public Task<FinetuneJob.Outcome> train() {
        LoadedModel model;
        FinetuneRequest request;
        double[] planned;
        try {
            model = DefaultPaths.openModel(context, "the model to recover (usually a pruned one)");
            request = request(model.dir());
            LlamaConfig config = model.summary().config();
            planned = request.trainsAdaLora() ? adaLoraPlanned(config, request)
                    : LayerRankChart.meanPerLayer(request.ranks().resolve(config, request.lora().targets()).ranks(),
                    config.numLayers());
        } catch (RuntimeException e) { // bad fields, unreadable rank file: say which
            context.errors().showError("Recover", e);
            return null;
        }
        clearCharts();
        LayerRankChart.addSeries(rankDataset, PLANNED_SERIES, planned);
        usedSettings.set(describe(request));
        running.set(true);
        int numLayers = model.summary().config().numLayers();
        Task<FinetuneJob.Outcome> task = context.jobs().submit("Recover " + model.dir().getFileName() + " ("
                + label(request.method()) + ")", ctx -> FinetuneJob.run(request, ctx, context.store().recording(),
                curve::offer), result -> {
                    LayerRankChart.addSeries(rankDataset, FINAL_SERIES,
                            LayerRankChart.meanPerLayer(result.finalRanks(), numLayers));
                    outcome.set(result);
                    outcomeText.set(String.format(Locale.ROOT,
                            "Adapter written to %s: %d steps, final training loss %.4f%s, %s trainable parameters%s",
                            result.adapterDir(), result.result().completedSteps(), result.result().finalTrainLoss(),
                            Double.isFinite(result.result().finalValLoss())
                                    ? String.format(Locale.ROOT, ", validation loss %.4f", result.result().finalValLoss()) : "",
                            Formats.count(result.trainableParameters()),
                            result.recoveryRunId() == null ? "" : "; recovery run " + result.recoveryRunId() + " recorded"));
                });
        task.addEventHandler(WorkerStateEvent.ANY, e -> running.set(!task.isDone()));
        return task;
    }

    /** The request the fields describe; throws with the field's name when one is unusable. */
    FinetuneRequest request(Path modelDir) {
        Path data = FieldPaths.existingFile(dataFile.get(), "training data file");
        if (outputDir.get() == null || outputDir.get().isBlank()) {
            throw new IllegalArgumentException("choose an output directory for the adapter");
        }
        Path out = Path.of(outputDir.get().trim());
        FinetuneMethod chosen = method.get();
        RankChoice ranks = switch (chosen) {
            case LORA, ADALORA -> RankChoice.uniform(positive(rank.get(), "rank"));
            case RANKADAPTOR, CUSTOM -> RankChoice.file(FieldPaths.existingFile(rankFile.get(),
                    chosen == FinetuneMethod.RANKADAPTOR ? "RankAdaptor rank JSON" : "custom rank plan"));
        };
        return new FinetuneRequestBuilder(modelDir, data, out)
                .method(chosen, ranks)
                .lora(LoraSettings.parseTargets(targets.get()), alpha.get(), Boolean.TRUE.equals(alphaTwiceRank.get())
                        ? LoraSettings.AlphaRule.TWICE_RANK : LoraSettings.AlphaRule.FIXED, dropout.get(),
                        LoraSettings.Scaling.STANDARD)
                .adalora(positive(adaInitRank.get(), "AdaLoRA initial rank"),
                        positive(adaTargetRank.get(), "AdaLoRA target rank"))
                .training(learningRate.get(), Math.max(0, warmup.get()), positive(batch.get(), "batch"),
                        positive(microBatch.get(), "micro-batch"), RunLength.steps(positive(steps.get(), "steps")),
                        Math.max(0, validateEvery.get()), 0, seed.get())
                .data(TrainingData.LossTokens.ALL, ValidationSplit.rows(Math.max(0, validationRows.get())),
                        positive(cutoff.get(), "cutoff"), Math.max(0, trainRows.get()))
                .placement(context.state().getPlacement())
                .build();
    }

    /** What a run uses, shown while it runs and after (the form is locked meanwhile). */
    static String describe(FinetuneRequest request) {
        return String.format(Locale.ROOT, "%s, ranks %s, lr %s, %d steps (warm-up %d), batch %d / micro-batch %d,"
                        + " cutoff %d, seed %d, data %s -> %s", label(request.method()), request.ranks(),
                Formats.number(request.training().learningRate()), request.training().runLength().maxSteps(),
                request.training().warmupSteps(), request.training().batchSize(), request.training().microBatchSize(),
                request.cutoff(), request.training().seed(), request.dataFile().getFileName(), request.outDir());
    }

    private void clearCharts() {
        trainLoss.clear();
        validationLoss.clear();
        rankDataset.clear();
        outcome.set(null);
        outcomeText.set("");
        shownRun.set("");
    }

    /** Shows a stored run's loss curve and ranks (from the History screen, or the last run after a restart). */
    public void showStoredRun(org.rankadaptor.store.RecoveryRun run, List<org.rankadaptor.store.CurveRecord> curve) {
        if (running.get()) {
            return; // the running job owns the charts
        }
        clearCharts();
        addPoints(curve.stream().map(c -> new CurvePoint(c.step(), c.trainLoss(), c.valLoss() == null
                ? java.util.OptionalDouble.empty() : java.util.OptionalDouble.of(c.valLoss()), c.learningRate(), 0)).toList());
        if (run.rankPlanJson() != null) {
            try {
                java.util.Map<String, Integer> plan = new com.fasterxml.jackson.databind.ObjectMapper().readValue(
                        run.rankPlanJson(), new com.fasterxml.jackson.core.type.TypeReference<java.util.Map<String, Integer>>() { });
                int numLayers = plan.keySet().stream().mapToInt(k -> org.rankadaptor.lora.ModuleRef.parse(k).layer())
                        .max().orElse(-1) + 1;
                LayerRankChart.addSeries(rankDataset, FINAL_SERIES, LayerRankChart.meanPerLayer(plan, numLayers));
            } catch (java.io.IOException | RuntimeException e) {
                context.log().append("rank plan of run " + run.id() + " unreadable: " + ErrorMessages.describe(e));
            }
        }
        shownRun.set("Showing stored recovery run #" + run.id() + " " + run.name() + " (" + run.status().name()
                .toLowerCase(Locale.ROOT) + ", " + curve.size() + " logged steps)"
                + (run.adapterPath() == null ? "" : "; adapter " + run.adapterPath()));
    }

    /** AdaLoRA starts every module at init_r. */
    private static double[] adaLoraPlanned(LlamaConfig config, FinetuneRequest request) {
        return LayerRankChart.meanPerLayer(RankPlan.uniform(config, request.lora().targets(),
                request.adalora().initR()).ranks(), config.numLayers());
    }

    private static int positive(Integer value, String what) {
        if (value == null || value <= 0) {
            throw new IllegalArgumentException(what + " must be a positive whole number, got " + value);
        }
        return value;
    }

    private void addPoints(List<CurvePoint> points) {
        trainLoss.setNotify(false);
        validationLoss.setNotify(false);
        for (CurvePoint p : points) {
            if (Double.isFinite(p.trainLoss())) {
                trainLoss.add(p.step(), p.trainLoss(), false);
            }
            if (p.validationLoss().isPresent()) {
                validationLoss.add(p.step(), p.validationLoss().getAsDouble(), false);
            }
        }
        trainLoss.setNotify(true);
        validationLoss.setNotify(true);
    }

    /** Label of a method in the chooser. */
    public static String label(FinetuneMethod method) {
        return switch (method) {
            case LORA -> "Uniform LoRA";
            case ADALORA -> "AdaLoRA";
            case RANKADAPTOR -> "RankAdaptor ranks (rank JSON)";
            case CUSTOM -> "Custom rank plan (file)";
        };
    }

    public ObjectProperty<FinetuneMethod> methodProperty() {
        return method;
    }

    /** Sets the screen up to train with a RankAdaptor rank JSON (from the Search screen). */
    public void useRankFile(Path file) {
        if (running.get()) {
            throw new IllegalStateException("a recovery is running; its settings stay until it ends");
        }
        method.set(FinetuneMethod.RANKADAPTOR);
        rankFile.set(file.toAbsolutePath().toString());
        // a new run: a folder named after these ranks, no charts or outcome of the previous one
        LoadedModel model = context.state().getCurrentModel();
        if (model != null) {
            outputDir.set(DefaultPaths.output(context, "adapters", model.dir().getFileName() + "-" + methodFolder()));
        }
        clearCharts();
        usedSettings.set("");
    }

    /** The settings of the running (or last) run, empty before one. */
    public ReadOnlyStringProperty usedSettingsProperty() {
        return usedSettings.getReadOnlyProperty();
    }

    /** Which stored run the charts show, empty while they show a run started here. */
    public ReadOnlyStringProperty shownRunProperty() {
        return shownRun.getReadOnlyProperty();
    }

    public StringProperty rankFileProperty() {
        return rankFile;
    }

    public StringProperty dataFileProperty() {
        return dataFile;
    }

    public StringProperty outputDirProperty() {
        return outputDir;
    }

    public ObservableList<PropertySheet.Item> sheetItems() {
        return sheetItems;
    }

    public XYSeriesCollection lossDataset() {
        return lossDataset;
    }

    public DefaultCategoryDataset rankDataset() {
        return rankDataset;
    }

    public ReadOnlyBooleanProperty runningProperty() {
        return running.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty outcomeTextProperty() {
        return outcomeText.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<FinetuneJob.Outcome> outcomeProperty() {
        return outcome.getReadOnlyProperty();
    }

    /** Sets the hyper-parameters a quick run needs (tests, demos). */
    public void setTraining(int stepCount, int batchSize, int microBatchSize, int validation, int cutoffTokens) {
        steps.set(stepCount);
        batch.set(batchSize);
        microBatch.set(microBatchSize);
        validationRows.set(validation);
        cutoff.set(cutoffTokens);
        warmup.set(Math.max(1, stepCount / 10));
    }
}
