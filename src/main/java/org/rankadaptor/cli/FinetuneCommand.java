package org.rankadaptor.cli;

import org.rankadaptor.job.FinetuneJob;
import org.rankadaptor.job.FinetuneRequest;
import org.rankadaptor.store.RecoveryMethod;
import org.rankadaptor.store.Workspace;
import org.rankadaptor.lora.TrainingResult;
import picocli.CommandLine.Mixin;
import java.util.Optional;

import org.rankadaptor.stage.CancelledException;
import org.rankadaptor.stage.StageContext;
import org.rankadaptor.lora.AdaLoraSettings;
import org.rankadaptor.lora.AdamW;
import org.rankadaptor.lora.LoraException;
import org.rankadaptor.lora.LoraSettings;
import org.rankadaptor.lora.RunLength;
import org.rankadaptor.lora.TrainingData;
import org.rankadaptor.lora.TrainingDivergedException;
import org.rankadaptor.lora.TrainingListener;
import org.rankadaptor.lora.TrainingSettings;
import org.rankadaptor.lora.ValidationSplit;
import org.rankadaptor.model.CheckpointException;
import org.rankadaptor.model.CheckpointLoader;
import org.rankadaptor.store.StoreException;
import org.rankadaptor.job.RankChoice;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** rankadaptor finetune: LoRA / per-layer LoRA / AdaLoRA recovery fine-tuning with PEFT export. */
@Command(name = "finetune", mixinStandardHelpOptions = true,
        description = "Fine-tune a (pruned) LLaMA with LoRA or AdaLoRA and export a PEFT adapter to OUT/adapter.")
public final class FinetuneCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL_DIR", description = "Hugging Face LLaMA checkpoint directory")
    Path modelDir;

    @Option(names = "--data", required = true, paramLabel = "FILE",
            description = "Alpaca JSON/JSONL (instruction/input/output) or JSONL with \"text\"")
    Path data;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output directory")
    Path out;

    static final class RankOptions {
        @Option(names = "--rank", paramLabel = "R", description = "uniform LoRA rank")
        Integer rank;

        @Option(names = "--rank-plan", paramLabel = "FILE", description = "per-layer rank plan JSON")
        Path rankPlan;

        @Option(names = "--method", paramLabel = "METHOD", description = "lora or adalora")
        String method;
    }

    @CommandLine.ArgGroup(exclusive = true, multiplicity = "0..1")
    RankOptions rankOptions = new RankOptions();

    @Option(names = "--targets", defaultValue = "q,k,v,o,gate,up,down", description = "modules to adapt (default: ${DEFAULT-VALUE})")
    String targets;

    static final class AlphaChoice {
        @Option(names = "--alpha", paramLabel = "A", description = "lora_alpha (default 16)")
        Double alpha;

        @Option(names = "--alpha-2x", description = "alpha = 2 x rank for every module")
        boolean alphaTwiceRank;
    }

    @CommandLine.ArgGroup(exclusive = true, multiplicity = "0..1")
    AlphaChoice alphaChoice = new AlphaChoice();

    @Option(names = "--dropout", defaultValue = "0.05", description = "lora_dropout (default: ${DEFAULT-VALUE})")
    double dropout;

    @Option(names = "--rslora", description = "rank-stabilised scaling alpha / sqrt(r)")
    boolean rsLora;

    @Option(names = "--init-r", defaultValue = "12", description = "AdaLoRA initial rank (default: ${DEFAULT-VALUE})")
    int initR;

    @Option(names = "--target-r", defaultValue = "8", description = "AdaLoRA target average rank (default: ${DEFAULT-VALUE})")
    int targetR;

    static final class Length {
        @Option(names = "--steps", paramLabel = "N", description = "optimizer steps")
        Integer steps;

        @Option(names = "--epochs", paramLabel = "E", description = "epochs over the training rows")
        Double epochs;
    }

    @CommandLine.ArgGroup(exclusive = true, multiplicity = "0..1")
    Length length = new Length();

    @Option(names = "--lr", defaultValue = "1e-4", description = "peak learning rate (default: ${DEFAULT-VALUE})")
    double lr;

    @Option(names = "--warmup", defaultValue = "100", description = "warm-up steps (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--batch-size", defaultValue = "64", description = "sequences per step (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--micro-batch", defaultValue = "4", description = "sequences per forward pass (default: ${DEFAULT-VALUE})")
    int microBatch;

    @Option(names = "--cutoff", defaultValue = "256", description = "max tokens per sequence (default: ${DEFAULT-VALUE})")
    int cutoff;

    @Option(names = "--train-rows", defaultValue = "0", paramLabel = "N",
            description = "use only the first N rows of --data, validation rows included (default: all)")
    int trainRows;

    @Option(names = "--val-size", defaultValue = "5%", description = "validation rows, a count or a percentage (default: ${DEFAULT-VALUE})")
    String valSize;

    @Option(names = "--val-every", defaultValue = "100", description = "steps between validations (default: ${DEFAULT-VALUE})")
    int valEvery;

    @Option(names = "--checkpoint-every", defaultValue = "100", description = "steps between checkpoints (default: ${DEFAULT-VALUE})")
    int checkpointEvery;

    @Option(names = "--seed", defaultValue = "42", description = "random seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--response-only", description = "loss on response tokens only (prompt labels -100)")
    boolean responseOnly;

    @Option(names = "--resume", paramLabel = "DIR", description = "training checkpoint directory to resume from")
    Path resume;

    @Option(names = "--merge", paramLabel = "DIR", description = "also write the merged full model here")
    Path merge;

    @Mixin
    WorkspaceOption store;

    @Mixin
    DeviceOption device;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        FinetuneRequest request;
        try {
            request = request();
        } catch (LoraException | IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
        Optional<Workspace> ws = Optional.empty();
        try {
            var config = CheckpointLoader.readConfig(request.modelDir());
            device.requireTrainingFits(config, request.training().microBatchSize(), request.cutoff(),
                    FinetuneJob.trainableParameters(request), out, "fine-tuning");
            ws = store.open();
            StageContext context = new StageContext((step, done, total, message) -> {
                out.println(message);
                out.flush();
            }, Interrupts.cancelCheck());
            FinetuneJob.Outcome outcome = FinetuneJob.run(request, context, WorkspaceOption.recording(ws),
                    TrainingListener.NONE, line -> {
                        out.println(line);
                        out.flush();
                    });
            TrainingResult training = outcome.result();
            out.printf("done: %d steps, train loss %.4f, validation loss %.4f, %.0f tokens/s%n",
                    training.completedSteps(), training.finalTrainLoss(), training.finalValLoss(), training.tokensPerSecond());
            if (request.method() == RecoveryMethod.ADALORA) {
                out.println("AdaLoRA final ranks: " + outcome.finalRanks());
            }
            if (outcome.recoveryRunId() != null) {
                out.println("recorded as recovery run " + outcome.recoveryRunId());
            }
            return 0;
        } catch (CancelledException e) {
            err.println("cancelled: " + e.getMessage());
            return 130;
        } catch (TrainingDivergedException e) {
            err.println("error: " + e.getMessage());
            return 3;
        } catch (LoraException | CheckpointException | java.io.UncheckedIOException | StoreException
                 | IllegalStateException e) {
            err.println("error: " + e.getMessage());
            return 1;
        } finally {
            ws.ifPresent(Workspace::close);
            out.flush();
            err.flush();
        }
    }

    FinetuneRequest request() {
        String method = rankOptions.method == null ? "lora" : rankOptions.method.trim().toLowerCase(java.util.Locale.ROOT);
        if (!method.equals("lora") && !method.equals("adalora")) {
            throw new LoraException("--method must be lora or adalora, got '" + rankOptions.method + "'");
        }
        LoraSettings lora = LoraSettings.defaults()
                .withTargets(LoraSettings.parseTargets(targets))
                .withDropout(dropout)
                .withScaling(rsLora ? LoraSettings.Scaling.RANK_STABILIZED : LoraSettings.Scaling.STANDARD);
        if (alphaChoice.alpha != null) {
            lora = lora.withAlpha(alphaChoice.alpha);
        } else if (alphaChoice.alphaTwiceRank) {
            lora = lora.withAlphaRule(LoraSettings.AlphaRule.TWICE_RANK);
        }
        RunLength runLength = length.epochs != null ? RunLength.epochs(length.epochs)
                : RunLength.steps(length.steps != null ? length.steps : 200);
        TrainingSettings training = new TrainingSettings(lr, warmup, AdamW.Settings.defaults(), batchSize, microBatch,
                runLength, valEvery, checkpointEvery, seed);
        RecoveryMethod recoveryMethod = method.equals("adalora") ? RecoveryMethod.ADALORA
                : rankOptions.rankPlan != null ? RecoveryMethod.CUSTOM : RecoveryMethod.LORA;
        RankChoice ranks = rankOptions.rankPlan != null ? RankChoice.file(rankOptions.rankPlan)
                : RankChoice.uniform(rankOptions.rank != null ? rankOptions.rank : 8);
        return new FinetuneRequest(modelDir, data, responseOnly ? TrainingData.LossTokens.RESPONSE_ONLY : TrainingData.LossTokens.ALL,
                recoveryMethod, ranks, lora, AdaLoraSettings.defaults().withRanks(initR, targetR), training,
                ValidationSplit.parse(valSize), cutoff, out, resume, merge, device.placement(), trainRows);
    }
}
