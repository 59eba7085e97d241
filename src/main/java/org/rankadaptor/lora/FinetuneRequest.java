package org.rankadaptor.lora;

import org.rankadaptor.model.LlamaConfig;
import org.rankadaptor.model.Placement;

import java.nio.file.Path;

/**
 * One recovery fine-tune, as the CLI and the workbench collect it and {@link FineTuner} runs it. For
 * {@link FinetuneMethod#ADALORA} the ranks come from {@code adalora} (init_r, target_r) and {@code ranks} is ignored;
 * the other methods train LoRA with {@code ranks}. The adapter goes to {@code outDir/adapter}, training checkpoints
 * to {@code outDir/checkpoint}.
 *
 * @param resumeFrom a checkpoint directory of an earlier run with the same settings, or null
 * @param mergeDir   where to also write the merged full model, or null
 * @param placement  where the model runs: float32 on the CPU, or fp16 weights on a GPU with float32 adapters
 * @param trainRows  use only the first N rows of the data file (the validation rows come out of these); 0 = all
 */
public record FinetuneRequest(Path modelDir, Path dataFile, TrainingData.LossTokens lossTokens, FinetuneMethod method,
                              RankChoice ranks, LoraSettings lora, AdaLoraSettings adalora, TrainingSettings training,
                              ValidationSplit validation, int cutoff, Path outDir, Path resumeFrom, Path mergeDir,
                              Placement placement, int trainRows) {
    public static final String ADAPTER_DIR = "adapter";
    public static final String CHECKPOINT_DIR = "checkpoint";
    public static final String RANKS_FILE = "adalora_ranks.json";

    public FinetuneRequest {
        if (modelDir == null || dataFile == null || outDir == null) {
            throw new LoraException("fine-tuning needs a model directory, a data file and an output directory");
        }
        if (method != FinetuneMethod.ADALORA && ranks == null) {
            throw new LoraException(method + " fine-tuning needs its LoRA ranks");
        }
        if (trainRows < 0) {
            throw new IllegalArgumentException("train rows must be >= 0 (0 = all), got " + trainRows);
        }
    }

    /** On the CPU, all rows, no merged model. */
    public FinetuneRequest(Path modelDir, Path dataFile, TrainingData.LossTokens lossTokens, FinetuneMethod method,
                           RankChoice ranks, LoraSettings lora, AdaLoraSettings adalora, TrainingSettings training,
                           ValidationSplit validation, int cutoff, Path outDir, Path resumeFrom) {
        this(modelDir, dataFile, lossTokens, method, ranks, lora, adalora, training, validation, cutoff, outDir,
                resumeFrom, null, Placement.cpu(), 0);
    }

    /** On the CPU, all rows, AdaLoRA defaults, a fresh run. */
    public FinetuneRequest(Path modelDir, Path dataFile, TrainingData.LossTokens lossTokens, FinetuneMethod method,
                           RankChoice ranks, LoraSettings lora, TrainingSettings training, ValidationSplit validation,
                           int cutoff, Path outDir) {
        this(modelDir, dataFile, lossTokens, method, ranks, lora, AdaLoraSettings.defaults(), training, validation,
                cutoff, outDir, null);
    }

    public boolean trainsAdaLora() {
        return method == FinetuneMethod.ADALORA;
    }

    public Path adapterDir() {
        return outDir.resolve(ADAPTER_DIR);
    }

    public Path checkpointDir() {
        return outDir.resolve(CHECKPOINT_DIR);
    }

    /**
     * Trainable parameters this fine-tune will train, known before the model loads (for memory checks): LoRA
     * r * (in + out) per module; AdaLoRA starts every module at init_r with one more (the singular value E) per rank.
     */
    public long trainableParameters(LlamaConfig config) {
        if (trainsAdaLora()) {
            long perRank = 0;
            for (long layer : RankPlan.paramsPerUnitRank(config, lora.targets())) {
                perRank += layer + lora.targets().size();
            }
            return perRank * adalora.initR();
        }
        return ranks.resolve(config, lora.targets()).trainableParameters(config);
    }
}
