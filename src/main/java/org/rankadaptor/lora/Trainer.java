package org.rankadaptor.lora;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import org.rankadaptor.stage.CancelledException;
import org.rankadaptor.stage.StageContext;
import org.rankadaptor.model.LlamaModel;
import org.rankadaptor.model.MemoryEstimate;
import org.rankadaptor.model.OwnedArrays;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.SplittableRandom;

/**
 * The fine-tuning stage: AdamW on an adapter's parameters with the base model frozen, gradient accumulation over
 * micro-batches, linear warm-up and decay, periodic validation and checkpoints.
 *
 * <p>The loss of an optimizer step is the mean over every scored token of its whole batch (each micro-batch's summed
 * NLL is divided by the batch's token count before backward), so accumulation gives exactly the large-batch gradient.
 * The reported train loss excludes AdaLoRA's orthogonality penalty.
 *
 * <p>Determinism on CPU: the data stream is a sequence of epochs, each a seeded permutation of the training rows;
 * step s takes rows [s B, (s+1) B) of that stream. Dropout reseeds the engine from (seed, step, micro-batch) before
 * each forward pass. Together with the adapter's seeded init a run is reproducible, and resuming at step s replays
 * exactly the remaining steps. The engine's random seed is process-global, so do not train two models at once.
 *
 * <p>An fp16 base model trains float32 adapter parameters under dynamic loss scaling ({@link LossScaler}).
 *
 * <p>With activation checkpointing ({@link TrainingSettings#checkpointing()}) a micro-batch is first run forward with
 * no autograd recording, keeping only each decoder layer's input; the head and loss are back-propagated from the top
 * hidden state, then each layer from the last down is recomputed from its saved input and back-propagated from the
 * gradient arriving from above, which gives the gradient for the layer below. Dropout noise is recorded in the first
 * pass and replayed in the recompute, so the gradients are those of the plain pass.
 */
public final class Trainer {
    private final LlamaModel model;
    private final TrainableAdapter adapter;
    private final TrainingSettings settings;
    private final TrainingListener listener;
    private final long padId;
    private final Map<Integer, int[]> epochOrders = new HashMap<>();

    public Trainer(LlamaModel model, TrainableAdapter adapter, TrainingSettings settings, TrainingListener listener) {
        this.model = model;
        this.adapter = adapter;
        this.settings = settings;
        this.listener = listener;
        this.padId = model.config().eosTokenId();
    }

    /** Trains from step 0. Checkpoints go to {@code checkpointDir} (null: none are written). */
    public TrainingResult train(TrainingData.Split data, Path checkpointDir, StageContext context) {
        return run(data, checkpointDir, null, context);
    }

    /** Loads a checkpoint written by an earlier run with the same settings and continues after its last step. */
    public TrainingResult resume(Path fromCheckpoint, TrainingData.Split data, Path checkpointDir, StageContext context) {
        if (!Files.isDirectory(fromCheckpoint)) {
            throw new LoraException("resume: no checkpoint directory " + fromCheckpoint);
        }
        return run(data, checkpointDir, fromCheckpoint, context);
    }

    private TrainingResult run(TrainingData.Split data, Path checkpointDir, Path resumeFrom, StageContext context) {
        List<TrainingExample> train = data.train();
        int total = settings.runLength().totalSteps(train.size(), settings.batchSize());
        LearningRateSchedule schedule = new LearningRateSchedule(settings.learningRate(), settings.warmupSteps(), total);
        GradMode.disable();
        try (NDManager stateManager = model.manager().newSubManager()) {
            AdamW optimizer = new AdamW(adapter.parameters(), settings.optimizer(), stateManager);
            int start = 0;
            List<CurvePoint> curve = new ArrayList<>();
            double restoredScale = 0;
            if (resumeFrom != null) {
                TrainingCheckpoint.Info info = TrainingCheckpoint.restore(resumeFrom, adapter, optimizer);
                restoredScale = info.lossScale();
                if (info.totalSteps() != total || info.seed() != settings.seed()) {
                    throw new LoraException(resumeFrom + ": checkpoint was for " + info.totalSteps() + " steps with seed "
                            + info.seed() + ", this run has " + total + " steps with seed " + settings.seed()
                            + " (use the same data and settings to resume)");
                }
                start = info.completedSteps();
                curve.addAll(info.curve());
            }
            LossScaler scaler = LossScaler.forModel(model, restoredScale);
            boolean checkpointed = checkpointing(train);
            int lastCheckpointStep = resumeFrom != null ? start : -1;
            Path lastCheckpoint = resumeFrom;
            double lastTrainLoss = Double.NaN;
            double lastValLoss = Double.NaN;
            long sessionTokens = 0;
            long sessionNanos = 0;
            int skippedSteps = 0;
            adapter.train();
            for (int step = start; step < total; step++) {
                long began = System.nanoTime();
                List<TrainingExample> batch = batchAt(train, step);
                int lossTokens = 0;
                int inputTokens = 0;
                for (TrainingExample e : batch) {
                    lossTokens += e.lossTokens();
                    inputTokens += e.length();
                }
                double nll = 0;
                int micro = settings.accumulationSteps();
                for (int u = 0; u < micro; u++) {
                    if (context.cancel().isCancelled()) {
                        optimizer.zeroGradients();
                        adapter.eval();
                        if (checkpointDir != null && lastCheckpointStep != step) {
                            writeCheckpoint(checkpointDir, step, total, curve, optimizer, scaler);
                        }
                        throw new CancelledException("finetune step " + (step + 1) + (checkpointDir == null ? ""
                                + " (no checkpoint directory)" : " (resumable from " + checkpointDir + ")"));
                    }
                    List<TrainingExample> chunk = microBatch(batch, u);
                    double microNll = checkpointed
                            ? checkpointedMicroStep(chunk, step, u, Math.max(1, lossTokens), micro, scaler)
                            : microStep(chunk, step, u, Math.max(1, lossTokens), micro, scaler);
                    if (!Double.isFinite(microNll)) {
                        try (NDScope scope = new NDScope()) {
                            scope.suppressNotUsedWarning();
                            optimizer.zeroGradients();
                        }
                        adapter.eval();
                        throw new TrainingDivergedException(step + 1, microNll, lastCheckpoint, lastCheckpointStep);
                    }
                    nll += microNll;
                }
                double lr = schedule.at(step);
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    if (scaler.unscale(adapter.parameters().values())) {
                        optimizer.step(lr);
                        adapter.afterOptimizerStep(step, total);
                    } else {
                        skippedSteps++;   // fp16 gradients overflowed; the scale has halved
                    }
                    optimizer.zeroGradients();
                }
                long nanos = System.nanoTime() - began;
                sessionNanos += nanos;
                sessionTokens += inputTokens;
                int completed = step + 1;
                lastTrainLoss = nll / Math.max(1, lossTokens);
                OptionalDouble val = OptionalDouble.empty();
                boolean last = completed == total;
                if (!data.validation().isEmpty()
                        && (last || settings.validateEvery() > 0 && completed % settings.validateEvery() == 0)) {
                    lastValLoss = validationLoss(data.validation());
                    val = OptionalDouble.of(lastValLoss);
                }
                double tokensPerSecond = inputTokens / (nanos / 1e9);
                CurvePoint point = new CurvePoint(completed, lastTrainLoss, val, lr, tokensPerSecond);
                curve.add(point);
                listener.onStep(point);
                context.report("finetune", completed, total, String.format(Locale.ROOT,
                        "step %d/%d loss %.4f%s lr %.3g %.0f tok/s%s", completed, total, lastTrainLoss,
                        val.isPresent() ? String.format(Locale.ROOT, " val %.4f", val.getAsDouble()) : "",
                        lr, tokensPerSecond, skippedSteps == 0 ? "" : String.format(Locale.ROOT,
                                " (fp16 loss scale %.0f, %d overflowed steps skipped)", scaler.scale(), skippedSteps)));
                if (checkpointDir != null
                        && (last || settings.checkpointEvery() > 0 && completed % settings.checkpointEvery() == 0)) {
                    writeCheckpoint(checkpointDir, completed, total, curve, optimizer, scaler);
                    lastCheckpoint = checkpointDir;
                    lastCheckpointStep = completed;
                }
            }
            adapter.eval();
            double throughput = sessionNanos == 0 ? 0 : sessionTokens / (sessionNanos / 1e9);
            return new TrainingResult(total, total, lastTrainLoss, lastValLoss, throughput,
                    adapter.trainableParameters(), curve);
        } catch (RuntimeException e) {
            adapter.eval();
            throw e;
        }
    }

    /** Forward and backward of one micro-batch; returns its summed NLL (gradients accumulate in the parameters). */
    private double microStep(List<TrainingExample> chunk, int step, int micro, int batchLossTokens, int microCount,
                             LossScaler scaler) {
        Engine.getInstance().setRandomSeed(dropoutSeed(step, micro));
        try (NDManager manager = model.manager().newSubManager(); NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            LanguageModelLoss.Batch batch = LanguageModelLoss.batch(manager, chunk, padId);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray nll = LanguageModelLoss.nllSum(model, adapter, batch);
                NDArray loss = nll.div(OwnedArrays.scalarLike(nll, batchLossTokens));
                NDArray reg = adapter.regularization();
                if (reg != null) {
                    loss = loss.add(reg.div(OwnedArrays.scalarLike(reg, microCount)));
                }
                double value = LanguageModelLoss.scalar(nll);
                if (Double.isFinite(value)) {
                    collector.backward(scaler.scaleLoss(loss));
                }
                return value;
            }
        }
    }

    /**
     * Forward and backward of one optimizer step's {@code batch} as {@link #train} runs it at {@code step} (dropout
     * seeds, micro-batches, loss scale 1 in float32), leaving the accumulated gradients in the adapter's parameters;
     * returns the summed NLL. For tests that compare the checkpointed and plain passes.
     */
    double stepGradients(List<TrainingExample> batch, int step) {
        GradMode.disable();
        boolean checkpointed = checkpointing(batch);
        LossScaler scaler = LossScaler.forModel(model, 0);
        int lossTokens = 0;
        for (TrainingExample e : batch) {
            lossTokens += e.lossTokens();
        }
        int micro = settings.accumulationSteps();
        double nll = 0;
        for (int u = 0; u < micro; u++) {
            List<TrainingExample> chunk = microBatch(batch, u);
            nll += checkpointed
                    ? checkpointedMicroStep(chunk, step, u, Math.max(1, lossTokens), micro, scaler)
                    : microStep(chunk, step, u, Math.max(1, lossTokens), micro, scaler);
        }
        return nll;
    }

    /** Micro-batch {@code u} of an optimizer step's batch. */
    private List<TrainingExample> microBatch(List<TrainingExample> batch, int u) {
        return batch.subList(u * settings.microBatchSize(), Math.min(batch.size(), (u + 1) * settings.microBatchSize()));
    }

    /**
     * The same step with activation checkpointing: forward without recording, then the head and each layer (last
     * first) recomputed and back-propagated on its own. LoRA parameters accumulate their gradients across layers.
     */
    private double checkpointedMicroStep(List<TrainingExample> chunk, int step, int micro, int batchLossTokens,
                                         int microCount, LossScaler scaler) {
        Engine.getInstance().setRandomSeed(dropoutSeed(step, micro));
        int layers = model.config().numLayers();
        try (NDManager manager = model.manager().newSubManager(); NDScope scope = new NDScope();
             DropoutMasks masks = new DropoutMasks()) {
            scope.suppressNotUsedWarning();
            adapter.dropoutFrom(masks);
            LanguageModelLoss.Batch batch = LanguageModelLoss.batch(manager, chunk, padId);
            NDArray[] inputs = new NDArray[layers];                                         // each (batch, len, dim)
            NDArray x = model.embed(batch.ids());
            for (int i = 0; i < layers; i++) {
                inputs[i] = x;
                x = model.decoderLayer(i, x, adapter);
            }
            NDArray upstream;   // gradient of the (scaled) loss with respect to the current layer's output
            double value;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray top = x.stopGradient();
                top.setRequiresGradient(true);
                NDArray nll = LanguageModelLoss.nllSum(model.head(top), batch);
                NDArray loss = nll.div(OwnedArrays.scalarLike(nll, batchLossTokens));
                NDArray reg = adapter.regularization();
                if (reg != null) {
                    loss = loss.add(reg.div(OwnedArrays.scalarLike(reg, microCount)));
                }
                value = LanguageModelLoss.scalar(nll);
                if (!Double.isFinite(value)) {
                    return value;
                }
                collector.backward(scaler.scaleLoss(loss));
                upstream = top.getGradient();
            }
            masks.replay();
            for (int i = layers - 1; i >= 0; i--) {
                try (NDScope layerScope = new NDScope();
                     GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    layerScope.suppressNotUsedWarning();
                    NDArray in = inputs[i].stopGradient();
                    boolean needsBelow = i > 0;   // nothing below the first layer trains
                    in.setRequiresGradient(needsBelow);
                    NDArray out = model.decoderLayer(i, in, adapter);
                    collector.backward(out.mul(upstream.stopGradient()).sum());
                    NDArray below = needsBelow ? in.getGradient() : null;
                    if (below != null) {
                        NDScope.unregister(below);
                    }
                    upstream.close();
                    inputs[i].close();
                    masks.release(i);
                    upstream = below;
                }
            }
            return value;
        } finally {
            adapter.dropoutFrom(null);
        }
    }

    /**
     * Whether this run checkpoints activations. AUTO compares the estimate without checkpointing (at the longest
     * training row) with what the device has: what is free now plus the weights already loaded, which the estimate
     * also counts.
     */
    private boolean checkpointing(List<TrainingExample> train) {
        int longest = 2;
        for (TrainingExample e : train) {
            longest = Math.max(longest, e.length());
        }
        NDArray embed = model.weights().embedTokens();
        int bytesPerWeight = embed.getDataType().getNumOfBytes();
        long available = settings.checkpointing() == ActivationCheckpointing.AUTO
                ? MemoryEstimate.availableBytes(embed.getDevice()) + model.config().totalParameters() * bytesPerWeight
                : 0;
        return settings.checkpointing().enabled(model.config(), bytesPerWeight, settings.microBatchSize(), longest,
                adapter.trainableParameters(), available);
    }

    private int dropoutSeed(int step, int micro) {
        long h = settings.seed() * 0x9E3779B97F4A7C15L + step * 1_000_003L + micro;
        h ^= h >>> 31;
        return (int) (h ^ (h >>> 32)) & 0x7fffffff;
    }

    /** Rows [step B, (step+1) B) of the stream of seeded epoch permutations. */
    List<TrainingExample> batchAt(List<TrainingExample> train, int step) {
        int n = train.size();
        List<TrainingExample> out = new ArrayList<>(settings.batchSize());
        long first = (long) step * settings.batchSize();
        for (long pos = first; pos < first + settings.batchSize(); pos++) {
            int epoch = (int) (pos / n);
            int[] order = epochOrders.computeIfAbsent(epoch,
                    e -> TrainingData.permutation(n, new SplittableRandom(settings.seed() * 31 + e)));
            out.add(train.get(order[(int) (pos % n)]));
        }
        return out;
    }

    private double validationLoss(List<TrainingExample> validation) {
        adapter.eval();
        try {
            return LanguageModelLoss.meanNll(model, adapter, validation, settings.microBatchSize(), padId);
        } finally {
            adapter.train();
        }
    }

    private void writeCheckpoint(Path dir, int completed, int total, List<CurvePoint> curve, AdamW optimizer,
                                 LossScaler scaler) {
        TrainingCheckpoint.write(dir, new TrainingCheckpoint.Info(completed, total, settings.seed(), adapter.method(),
                curve, scaler.scale()), adapter, optimizer);
    }
}
