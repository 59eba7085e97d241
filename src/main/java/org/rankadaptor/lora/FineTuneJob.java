package org.rankadaptor.lora;

import org.rankadaptor.model.Placement;

import java.nio.file.Path;

/**
 * Everything a fine-tuning run needs, as the CLI and the UI collect it.
 *
 * @param method       plain LoRA or AdaLoRA
 * @param uniformRank  LoRA rank for every module when {@code rankPlanFile} is null
 * @param rankPlanFile per-layer / PEFT-pattern rank plan (see {@link RankPlan#read}), or null
 * @param resumeFrom   training checkpoint directory to continue from, or null
 * @param mergeDir     where to write the merged full model, or null
 * @param placement    device and weight precision of the base model (adapter parameters stay float32)
 * @param trainRows    only the first N rows of the data file (validation included); 0 = all
 */
public record FineTuneJob(Path modelDir, Path dataFile, Path outDir, Method method, int uniformRank, Path rankPlanFile,
                          LoraSettings lora, AdaLoraSettings adalora, TrainingSettings training, int cutoff,
                          TrainingData.LossTokens lossTokens, ValidationSplit validation, Path resumeFrom,
                          Path mergeDir, Placement placement, int trainRows) {
    public enum Method { LORA, ADALORA }

    public static final String ADAPTER_DIR = "adapter";
    public static final String CHECKPOINT_DIR = "checkpoint";
    public static final String RANKS_FILE = "adalora_ranks.json";

    public FineTuneJob {
        if (modelDir == null || dataFile == null || outDir == null) {
            throw new LoraException("fine-tuning needs a model directory, a data file and an output directory");
        }
        if (method == Method.LORA && rankPlanFile == null && uniformRank <= 0) {
            throw new LoraException("LoRA rank must be positive, got " + uniformRank);
        }
    }

    public Path adapterDir() {
        return outDir.resolve(ADAPTER_DIR);
    }

    public Path checkpointDir() {
        return outDir.resolve(CHECKPOINT_DIR);
    }
}
