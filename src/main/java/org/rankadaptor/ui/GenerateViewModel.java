package org.rankadaptor.ui;

import javafx.beans.binding.Bindings;
import javafx.beans.binding.StringBinding;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.concurrent.Task;
import javafx.concurrent.WorkerStateEvent;
import org.rankadaptor.stage.StageContext;
import org.rankadaptor.model.Placement;
import org.rankadaptor.model.GenerationSettings;
import org.rankadaptor.model.Generator;
import org.rankadaptor.lora.LoraAdapter;
import org.rankadaptor.lora.PeftAdapter;
import org.rankadaptor.model.LinearAdapter;
import org.rankadaptor.model.TextTokenizer;

import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * State and actions of the Generate screen: one prompt, two model slots generated one after the other in a single
 * job, tokens streamed into the two outputs. Slot A is the open model; slot B another checkpoint directory.
 */
public final class GenerateViewModel {
    public static final String DEFAULT_PROMPT = "Once upon a time, there was a little girl named Lily.";

    private final WorkbenchContext context;
    private final StringProperty prompt = new SimpleStringProperty(this, "prompt", DEFAULT_PROMPT);
    private final StringProperty slotBPath = new SimpleStringProperty(this, "slotBPath", "");
    private final StringProperty adapterAPath = new SimpleStringProperty(this, "adapterAPath", "");
    private final StringProperty adapterBPath = new SimpleStringProperty(this, "adapterBPath", "");
    private final ObjectProperty<Integer> maxTokens = new SimpleObjectProperty<>(this, "maxTokens", 128);
    private final ObjectProperty<Double> temperature = new SimpleObjectProperty<>(this, "temperature", 0.8);
    private final ObjectProperty<Double> topP = new SimpleObjectProperty<>(this, "topP", 0.9);
    private final ObjectProperty<Integer> seed = new SimpleObjectProperty<>(this, "seed", 42);
    private final ReadOnlyStringWrapper outputA = new ReadOnlyStringWrapper(this, "outputA", "");
    private final ReadOnlyStringWrapper outputB = new ReadOnlyStringWrapper(this, "outputB", "");
    private final ReadOnlyStringWrapper statsA = new ReadOnlyStringWrapper(this, "statsA", "");
    private final ReadOnlyStringWrapper statsB = new ReadOnlyStringWrapper(this, "statsB", "");
    private final ReadOnlyBooleanWrapper running = new ReadOnlyBooleanWrapper(this, "running");
    private final StringBinding slotALabel;
    private Task<?> currentTask;
    /** Slot B's model, reused while its directory stays the same. Touched on the job thread only. */
    private LoadedModel slotBModel;

    /** What one slot produced. */
    public record SlotResult(String text, int tokens, double seconds, boolean stoppedAtEos) {
        public String describe() {
            double rate = seconds > 0 ? tokens / seconds : 0;
            return String.format(Locale.ROOT, "%d tokens in %.2f s (%.0f tokens/s)%s", tokens, seconds, rate,
                    stoppedAtEos ? ", stopped at end of sequence" : "");
        }
    }

    public GenerateViewModel(WorkbenchContext context) {
        this.context = context;
        this.slotALabel = Bindings.createStringBinding(() -> {
            LoadedModel model = context.state().getCurrentModel();
            return model == null ? "no model open (use the Model screen)" : model.dir().toString();
        }, context.state().currentModelProperty());
    }

    /** Starts generation for slot A and, when a directory is given, slot B. Problems go to the error banner. */
    public Task<?> generate() {
        LoadedModel modelA = context.state().getCurrentModel();
        if (modelA == null) {
            context.errors().showError("Generate", new IllegalArgumentException(
                    "open a model on the Model screen first; slot A is the open model"));
            return null;
        }
        Path dirB;
        Path adapterA;
        Path adapterB;
        GenerationSettings settings;
        try {
            dirB = optionalPath(slotBPath.get());
            adapterA = optionalPath(adapterAPath.get());
            adapterB = optionalPath(adapterBPath.get());
            if (adapterB != null && dirB == null) {
                throw new IllegalArgumentException("slot B has an adapter but no model: enter model B's directory too");
            }
            settings = new GenerationSettings(maxTokens.get(), temperature.get(), topP.get(), seed.get());
        } catch (IllegalArgumentException e) { // includes InvalidPathException
            context.errors().showError("Generate", e);
            return null;
        }
        String promptText = prompt.get() == null ? "" : prompt.get();
        outputA.set("");
        outputB.set("");
        statsA.set("");
        statsB.set(dirB == null ? "slot B is empty: enter another checkpoint directory to compare" : "");
        running.set(true);
        int slots = dirB == null ? 1 : 2;
        Task<SlotResult[]> task = context.jobs().submit("Generate", jobContext -> {
            SlotResult a = runSlot("A", 0, slots, modelA, adapterA, promptText, settings, outputA::set, jobContext);
            SlotResult b = null;
            if (dirB != null) {
                LoadedModel modelB = slotB(dirB, modelA, jobContext);
                b = runSlot("B", 1, slots, modelB, adapterB, promptText, settings, outputB::set, jobContext);
            }
            return new SlotResult[] {a, b};
        }, results -> {
            statsA.set(results[0].describe());
            if (results[1] != null) {
                statsB.set(results[1].describe());
            }
        });
        task.addEventHandler(WorkerStateEvent.ANY, e -> running.set(!task.isDone()));
        currentTask = task;
        return task;
    }

    /** Cancels this screen's generation. */
    public void stop() {
        if (currentTask != null) {
            currentTask.cancel(false);
        }
    }

    /** Closes slot B's model after queued jobs. */
    public void dispose() {
        context.jobs().runAfterQueuedJobs("close slot B model", () -> {
            if (slotBModel != null) {
                slotBModel.close();
                slotBModel = null;
            }
        });
    }

    private LoadedModel slotB(Path dir, LoadedModel modelA, StageContext jobContext) {
        Path normalized = dir.toAbsolutePath().normalize();
        if (normalized.equals(modelA.dir())) {
            return modelA;
        }
        if (slotBModel != null && slotBModel.dir().equals(normalized)) {
            return slotBModel;
        }
        if (slotBModel != null) {
            slotBModel.close();
            slotBModel = null;
        }
        // on the device model A runs on, so the two generate side by side at comparable speed
        slotBModel = LoadedModel.load(normalized, Placement.on(modelA.model().manager().getDevice()), jobContext);
        return slotBModel;
    }

    private static Path optionalPath(String text) {
        return text == null || text.isBlank() ? null : Path.of(text.trim());
    }

    /** Generates with the slot's model and, when given, a PEFT adapter loaded for this run only. */
    private static SlotResult runSlot(String slot, int index, int slots, LoadedModel model, Path adapterDir, String prompt,
                                      GenerationSettings settings, Consumer<String> output, StageContext jobContext) {
        if (adapterDir == null) {
            return runSlot(slot, index, slots, model, LinearAdapter.NONE, prompt, settings, output, jobContext);
        }
        try (LoraAdapter adapter = PeftAdapter.load(adapterDir, model.model())) {
            adapter.eval();
            return runSlot(slot, index, slots, model, adapter, prompt, settings, output, jobContext);
        }
    }

    private static SlotResult runSlot(String slot, int index, int slots, LoadedModel model, LinearAdapter adapter,
                                      String prompt, GenerationSettings settings, Consumer<String> output,
                                      StageContext jobContext) {
        TextTokenizer tokenizer = model.requireTokenizer();
        long[] promptIds = tokenizer.encodePrompt(prompt);
        StreamingText stream = new StreamingText(tokenizer, promptIds, output);
        long total = (long) settings.maxNewTokens() * slots;
        long offset = (long) settings.maxNewTokens() * index;
        String step = "generate " + slot;
        int[] produced = {0};
        jobContext.report(step, offset, total, model.dir().getFileName().toString());
        long start = System.nanoTime();
        long[] ids = new Generator(model.model(), adapter).generate(promptIds, settings, id -> {
            stream.accept(id);
            produced[0]++;
            jobContext.report(step, offset + produced[0], total, model.dir().getFileName().toString());
        }, jobContext.cancel());
        double seconds = (System.nanoTime() - start) / 1e9;
        String text = stream.finish();
        boolean atEos = ids.length < settings.maxNewTokens()
                && promptIds.length + ids.length < model.model().config().maxPositionEmbeddings();
        return new SlotResult(text, ids.length, seconds, atEos);
    }

    public StringProperty promptProperty() {
        return prompt;
    }

    public StringProperty adapterAPathProperty() {
        return adapterAPath;
    }

    public StringProperty adapterBPathProperty() {
        return adapterBPath;
    }

    public StringProperty slotBPathProperty() {
        return slotBPath;
    }

    public ObjectProperty<Integer> maxTokensProperty() {
        return maxTokens;
    }

    public ObjectProperty<Double> temperatureProperty() {
        return temperature;
    }

    public ObjectProperty<Double> topPProperty() {
        return topP;
    }

    public ObjectProperty<Integer> seedProperty() {
        return seed;
    }

    public ReadOnlyStringProperty outputAProperty() {
        return outputA.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty outputBProperty() {
        return outputB.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty statsAProperty() {
        return statsA.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty statsBProperty() {
        return statsB.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty runningProperty() {
        return running.getReadOnlyProperty();
    }

    public StringBinding slotALabel() {
        return slotALabel;
    }
}
