package org.rankadaptor.job;

import org.rankadaptor.lora.AdaLoraSettings;
import org.rankadaptor.lora.LoraSettings;
import org.rankadaptor.lora.TrainingData;
import org.rankadaptor.lora.TrainingSettings;
import org.rankadaptor.lora.ValidationSplit;
import org.rankadaptor.store.RecoveryMethod;

import java.nio.file.Path;

/**
 * One recovery fine-tune. For {@link RecoveryMethod#ADALORA} the ranks come from {@code adalora} (init_r, target_r)
 * and {@code ranks} is ignored; the other methods train LoRA with {@code ranks}.
 *
 * @param resumeFrom a checkpoint directory of an earlier run with the same settings, or null
 */
public record FinetuneRequest(Path modelDir, Path dataFile, TrainingData.LossTokens lossTokens, RecoveryMethod method,
                              RankChoice ranks, LoraSettings lora, AdaLoraSettings adalora, TrainingSettings training,
                              ValidationSplit validation, int cutoff, Path outDir, Path resumeFrom) {

    public FinetuneRequest(Path modelDir, Path dataFile, TrainingData.LossTokens lossTokens, RecoveryMethod method,
                           RankChoice ranks, LoraSettings lora, TrainingSettings training, ValidationSplit validation,
                           int cutoff, Path outDir) {
        this(modelDir, dataFile, lossTokens, method, ranks, lora, AdaLoraSettings.defaults(), training, validation,
                cutoff, outDir, null);
    }

    /** Where training checkpoints go: {@code outDir/checkpoint}. */
    public Path checkpointDir() {
        return outDir.resolve("checkpoint");
    }
}
