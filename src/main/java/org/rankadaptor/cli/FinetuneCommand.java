package org.rankadaptor.cli;

import org.rankadaptor.job.FinetuneJob;
import org.rankadaptor.job.FinetuneRequestBuilder;
import org.rankadaptor.lora.FinetuneMethod;
import org.rankadaptor.lora.FinetuneRequest;
import org.rankadaptor.store.Workspace;
import org.rankadaptor.lora.TrainingResult;
import picocli.CommandLine.Mixin;
import java.util.Optional;

import org.rankadaptor.stage.CancelledException;
import org.rankadaptor.stage.StageContext;
import org.rankadaptor.lora.LoraException;
import org.rankadaptor.lora.LoraSettings;
import org.rankadaptor.lora.RankChoice;
import org.rankadaptor.lora.RunLength;
import org.rankadaptor.lora.TrainingData;
import org.rankadaptor.lora.TrainingDivergedException;
import org.rankadaptor.lora.TrainingListener;
import org.rankadaptor.lora.ValidationSplit;
import org.rankadaptor.model.CheckpointException;
import org.rankadaptor.model.CheckpointLoader;
import org.rankadaptor.store.StoreException;
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

    @Mixin
    TrainingOptions trainingOptions = new TrainingOptions(FinetuneRequestBuilder.BATCH_SIZE,
            FinetuneRequestBuilder.MICRO_BATCH, FinetuneRequestBuilder.CUTOFF, FinetuneRequestBuilder.LEARNING_RATE,
            FinetuneRequestBuilder.TRAIN_ROWS);

    @Mixin
    DeviceOption device;

    @Mixin
    WorkspaceOption store;

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

    static final class AlphaChoice {
        @Option(names = "--alpha", paramLabel = "A", description = "lora_alpha (default 16)")
        Double alpha;

        @Option(names = "--alpha-2x", description = "alpha = 2 x rank for every module")
        boolean alphaTwiceRank;
    }

    @CommandLine.ArgGroup(exclusive = true, multiplicity = "0..1")
    AlphaChoice alphaChoice = new AlphaChoice();

    @Option(names = "--dropout", description = "lora_dropout (default: ${DEFAULT-VALUE})")
    double dropout = FinetuneRequestBuilder.DROPOUT;

    @Option(names = "--rslora", description = "rank-stabilised scaling alpha / sqrt(r)")
    boolean rsLora;

    @Option(names = "--init-r", description = "AdaLoRA initial rank (default: ${DEFAULT-VALUE})")
    int initR = FinetuneRequestBuilder.INIT_R;

    @Option(names = "--target-r", description = "AdaLoRA target average rank (default: ${DEFAULT-VALUE})")
    int targetR = FinetuneRequestBuilder.TARGET_R;

    static final class Length {
        @Option(names = "--steps", paramLabel = "N", description = "optimizer steps")
        Integer steps;

        @Option(names = "--epochs", paramLabel = "E", description = "epochs over the training rows")
        Double epochs;
    }

    @CommandLine.ArgGroup(exclusive = true, multiplicity = "0..1")
    Length length = new Length();

    @Option(names = "--warmup", description = "warm-up steps (default: ${DEFAULT-VALUE})")
    int warmup = FinetuneRequestBuilder.WARMUP;

    @Option(names = "--val-size", defaultValue = "5%", description = "validation rows, a count or a percentage (default: ${DEFAULT-VALUE})")
    String valSize;

    @Option(names = "--val-every", description = "steps between validations (default: ${DEFAULT-VALUE})")
    int valEvery = FinetuneRequestBuilder.VALIDATE_EVERY;

    @Option(names = "--checkpoint-every", description = "steps between checkpoints (default: ${DEFAULT-VALUE})")
    int checkpointEvery = FinetuneRequestBuilder.CHECKPOINT_EVERY;

    @Option(names = "--seed", description = "random seed (default: ${DEFAULT-VALUE})")
    long seed = FinetuneRequestBuilder.SEED;

    @Option(names = "--response-only", description = "loss on response tokens only (prompt labels -100)")
    boolean responseOnly;

    @Option(names = "--resume", paramLabel = "DIR", description = "training checkpoint directory to resume from")
    Path resume;

    @Option(names = "--merge", paramLabel = "DIR", description = "also write the merged full model here")
    Path merge;

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
                    request.trainableParameters(config), out, "fine-tuning");
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
            if (request.trainsAdaLora()) {
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
        FinetuneMethod chosen = method.equals("adalora") ? FinetuneMethod.ADALORA
                : rankOptions.rankPlan != null ? FinetuneMethod.CUSTOM : FinetuneMethod.LORA;
        RunLength runLength = length.epochs != null ? RunLength.epochs(length.epochs)
                : RunLength.steps(length.steps != null ? length.steps : FinetuneRequestBuilder.STEPS);
        return new FinetuneRequestBuilder(modelDir, data, out)
                .method(chosen, rankOptions.rankPlan != null ? RankChoice.file(rankOptions.rankPlan)
                        : RankChoice.uniform(rankOptions.rank != null ? rankOptions.rank : FinetuneRequestBuilder.RANK))
                .lora(trainingOptions.targetModules(),
                        alphaChoice.alpha != null ? alphaChoice.alpha : FinetuneRequestBuilder.ALPHA,
                        alphaChoice.alphaTwiceRank ? LoraSettings.AlphaRule.TWICE_RANK : LoraSettings.AlphaRule.FIXED,
                        dropout, rsLora ? LoraSettings.Scaling.RANK_STABILIZED : LoraSettings.Scaling.STANDARD)
                .adalora(initR, targetR)
                .training(trainingOptions.learningRate, warmup, trainingOptions.batchSize, trainingOptions.microBatch, runLength,
                        valEvery, checkpointEvery, seed)
                .data(responseOnly ? TrainingData.LossTokens.RESPONSE_ONLY : TrainingData.LossTokens.ALL,
                        ValidationSplit.parse(valSize), trainingOptions.cutoff, trainingOptions.trainRows)
                .continuation(resume, merge)
                .placement(device.placement())
                .build();
    }
}
