package org.rankadaptor.job;

import org.rankadaptor.lora.AdaLoraSettings;
import org.rankadaptor.lora.LoraSettings;
import org.rankadaptor.lora.TrainingData;
import org.rankadaptor.lora.TrainingSettings;
import org.rankadaptor.lora.ValidationSplit;
import org.rankadaptor.model.Placement;
import org.rankadaptor.store.RecoveryMethod;

import java.nio.file.Path;

/**
 * One recovery fine-tune. For {@link RecoveryMethod#ADALORA} the ranks come from {@code adalora} (init_r, target_r)
 * and {@code ranks} is ignored; the other methods train LoRA with {@code ranks}. The adapter goes to
 * {@code outDir/adapter}, training checkpoints to {@code outDir/checkpoint}.
 *
 * @param resumeFrom a checkpoint directory of an earlier run with the same settings, or null
 * @param mergeDir   where to also write the merged full model, or null
 * @param placement  where the model runs: float32 on the CPU, or fp16 weights on a GPU with float32 adapters
 * @param trainRows  use only the first N rows of the data file (the validation rows come out of these); 0 = all
 */
public record FinetuneRequest(Path modelDir, Path dataFile, TrainingData.LossTokens lossTokens, RecoveryMethod method,
                              RankChoice ranks, LoraSettings lora, AdaLoraSettings adalora, TrainingSettings training,
                              ValidationSplit validation, int cutoff, Path outDir, Path resumeFrom, Path mergeDir,
                              Placement placement, int trainRows) {
    public FinetuneRequest {
        if (trainRows < 0) {
            throw new IllegalArgumentException("train rows must be >= 0 (0 = all), got " + trainRows);
        }
    }

    /** On the CPU, all rows, no merged model. */
    public FinetuneRequest(Path modelDir, Path dataFile, TrainingData.LossTokens lossTokens, RecoveryMethod method,
                           RankChoice ranks, LoraSettings lora, AdaLoraSettings adalora, TrainingSettings training,
                           ValidationSplit validation, int cutoff, Path outDir, Path resumeFrom) {
        this(modelDir, dataFile, lossTokens, method, ranks, lora, adalora, training, validation, cutoff, outDir,
                resumeFrom, null, Placement.cpu(), 0);
    }

    /** On the CPU, all rows, AdaLoRA defaults, a fresh run. */
    public FinetuneRequest(Path modelDir, Path dataFile, TrainingData.LossTokens lossTokens, RecoveryMethod method,
                           RankChoice ranks, LoraSettings lora, TrainingSettings training, ValidationSplit validation,
                           int cutoff, Path outDir) {
        this(modelDir, dataFile, lossTokens, method, ranks, lora, AdaLoraSettings.defaults(), training, validation,
                cutoff, outDir, null);
    }
}
