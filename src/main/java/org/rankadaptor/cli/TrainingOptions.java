package org.rankadaptor.cli;

import org.rankadaptor.lora.LoraSettings;
import org.rankadaptor.model.Projection;
import picocli.CommandLine.Option;

import java.util.Set;

/**
 * The fine-tuning options of {@code finetune} and {@code search} (where they set each measurement's fidelity):
 * batch, micro-batch, cutoff, learning rate, rows used and LoRA targets. Each command passes its own defaults.
 */
final class TrainingOptions {
    @Option(names = "--batch-size", description = "sequences per optimizer step (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--micro-batch", description = "sequences per forward pass (default: ${DEFAULT-VALUE})")
    int microBatch;

    @Option(names = "--cutoff", description = "tokens per training sequence at most (default: ${DEFAULT-VALUE})")
    int cutoff;

    @Option(names = "--lr", description = "peak learning rate (default: ${DEFAULT-VALUE})")
    double learningRate;

    @Option(names = "--train-rows", paramLabel = "N",
            description = "use only the first N rows of --data, validation rows included; 0 = all (default: ${DEFAULT-VALUE})")
    int trainRows;

    @Option(names = "--targets", description = "LoRA target modules (default: ${DEFAULT-VALUE})")
    String targets = LoraSettings.ALL_TARGET_NAMES;

    TrainingOptions(int batchSize, int microBatch, int cutoff, double learningRate, int trainRows) {
        this.batchSize = batchSize;
        this.microBatch = microBatch;
        this.cutoff = cutoff;
        this.learningRate = learningRate;
        this.trainRows = trainRows;
    }

    Set<Projection> targetModules() {
        return LoraSettings.parseTargets(targets);
    }
}
