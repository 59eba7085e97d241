package org.rankadaptor.job;

import org.rankadaptor.stage.StageContext;

import org.rankadaptor.eval.EvalResults;
import org.rankadaptor.eval.EvalSettings;
import org.rankadaptor.eval.PerplexityEvaluator;
import org.rankadaptor.eval.TaskResult;
import org.rankadaptor.eval.ZeroShotEvaluator;
import org.rankadaptor.lora.AdamW;
import org.rankadaptor.lora.LoraAdapter;
import org.rankadaptor.lora.LoraSettings;
import org.rankadaptor.lora.RankPlan;
import org.rankadaptor.lora.RunLength;
import org.rankadaptor.lora.Trainer;
import org.rankadaptor.lora.TrainingData;
import org.rankadaptor.lora.TrainingListener;
import org.rankadaptor.lora.TrainingSettings;
import org.rankadaptor.model.LinearAdapter;
import org.rankadaptor.model.LlamaModel;
import org.rankadaptor.model.TextTokenizer;
import org.rankadaptor.search.Objective;

import java.nio.file.Path;

/**
 * The real RankAdaptor measurement: fine-tune a fresh LoRA adapter with the candidate per-layer ranks through the
 * recovery stage, then score it through the evaluation stage. Every candidate sees the same data, steps and seed,
 * so scores differ only by the rank allocation.
 */
public final class RecoveryObjective implements Objective {
    private final LlamaModel model;
    private final TextTokenizer tokenizer;
    private final TrainingData.Split data;
    private final LoraSettings lora;
    private final Fidelity fidelity;
    private final SearchObjective objective;
    private final Path tasksDir;
    private final long seed;

    public RecoveryObjective(LlamaModel model, TextTokenizer tokenizer, TrainingData.Split data, LoraSettings lora,
                             Fidelity fidelity, SearchObjective objective, Path tasksDir, long seed) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.data = data;
        this.lora = lora;
        this.fidelity = fidelity;
        this.objective = objective;
        this.tasksDir = tasksDir;
        this.seed = seed;
    }

    /** Higher is better: minus perplexity, or mean accuracy in percentage points. */
    @Override
    public double measure(int[] ranks, StageContext ctx) {
        return measure(ranks, 0, ctx, TrainingListener.NONE);
    }

    /** Repeat r initialises the adapter, orders the data and drops out with seed + r. */
    @Override
    public double measure(int[] ranks, int repeat, StageContext ctx) {
        return measure(ranks, repeat, ctx, TrainingListener.NONE);
    }

    /** As {@link #measure(int[], StageContext)}, handing each training step's curve point to {@code curve}. */
    public double measure(int[] ranks, StageContext ctx, TrainingListener curve) {
        return measure(ranks, 0, ctx, curve);
    }

    /** The {@code repeat}-th measurement (seed + repeat), handing each training step's curve point to {@code curve}. */
    public double measure(int[] ranks, int repeat, StageContext ctx, TrainingListener curve) {
        long repeatSeed = seed + repeat;
        RankPlan plan = RankPlan.perLayer(model.config(), lora.targets(), ranks);
        try (LoraAdapter adapter = LoraAdapter.create(model, plan, lora, repeatSeed)) {
            TrainingSettings training = new TrainingSettings(fidelity.learningRate(), fidelity.warmupSteps(),
                    AdamW.Settings.defaults(), fidelity.batchSize(), fidelity.microBatchSize(),
                    RunLength.steps(fidelity.steps()), 0, 0, repeatSeed);
            new Trainer(model, adapter, training, curve).train(data, null, ctx);
            adapter.eval();
            return score(adapter, ctx);
        }
    }

    /** The objective's value for the model with this adapter ({@link LinearAdapter#NONE} for the base model). */
    public double score(LinearAdapter adapter, StageContext ctx) {
        if (objective.isPerplexity()) {
            return -PerplexityEvaluator.perplexity(model, adapter, tokenizer, objective.perplexityText(),
                    PerplexityEvaluator.MODEL_WINDOW, fidelity.evalLimit(), ctx).perplexity();
        }
        EvalResults results = new ZeroShotEvaluator(tasksDir).evaluate(model, adapter, tokenizer, objective.tasks(),
                EvalSettings.defaults().withLimit(fidelity.evalLimit()), ctx);
        double sum = 0;
        for (TaskResult t : results.tasks()) {
            sum += objective.accNorm() && t.accNorm().isPresent() ? t.accNorm().getAsDouble() : t.acc();
        }
        return 100 * sum / results.tasks().size();
    }
}
