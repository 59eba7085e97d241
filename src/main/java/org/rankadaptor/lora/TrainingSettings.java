package org.rankadaptor.lora;

/**
 * Fine-tuning loop settings (LLM-Pruner / alpaca-lora defaults).
 *
 * @param learningRate    peak learning rate (1e-4)
 * @param warmupSteps     linear warm-up steps (100), then linear decay to 0 at the last step
 * @param optimizer       AdamW settings
 * @param batchSize       sequences per optimizer step (64)
 * @param microBatchSize  sequences per forward/backward (4); batchSize / microBatchSize steps are accumulated
 * @param runLength       steps or epochs
 * @param validateEvery   optimizer steps between validation losses (also at the end); 0 = only at the end
 * @param checkpointEvery optimizer steps between checkpoints (also at the end); 0 = only at the end
 * @param seed            data order, dropout and adapter init
 * @param checkpointing   per-layer activation checkpointing (recompute each layer for backward): on, off or auto
 */
public record TrainingSettings(double learningRate, int warmupSteps, AdamW.Settings optimizer, int batchSize,
                               int microBatchSize, RunLength runLength, int validateEvery, int checkpointEvery,
                               long seed, ActivationCheckpointing checkpointing) {
    public TrainingSettings {
        if (checkpointing == null) {
            throw new LoraException("activation checkpointing must be auto, on or off");
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new LoraException("learning rate must be positive, got " + learningRate);
        }
        if (warmupSteps < 0 || validateEvery < 0 || checkpointEvery < 0) {
            throw new LoraException("warm-up, validation and checkpoint intervals must not be negative");
        }
        if (microBatchSize <= 0 || batchSize <= 0 || batchSize % microBatchSize != 0) {
            throw new LoraException("batch size " + batchSize + " must be a positive multiple of the micro-batch size "
                    + microBatchSize);
        }
    }

    /** Activation checkpointing decided from the model ({@link ActivationCheckpointing#AUTO}). */
    public TrainingSettings(double learningRate, int warmupSteps, AdamW.Settings optimizer, int batchSize,
                            int microBatchSize, RunLength runLength, int validateEvery, int checkpointEvery, long seed) {
        this(learningRate, warmupSteps, optimizer, batchSize, microBatchSize, runLength, validateEvery, checkpointEvery,
                seed, ActivationCheckpointing.AUTO);
    }

    public static TrainingSettings defaults(RunLength runLength) {
        return new TrainingSettings(1e-4, 100, AdamW.Settings.defaults(), 64, 4, runLength, 100, 100, 42);
    }

    public TrainingSettings withLearningRate(double lr) {
        return new TrainingSettings(lr, warmupSteps, optimizer, batchSize, microBatchSize, runLength, validateEvery,
                checkpointEvery, seed, checkpointing);
    }

    public TrainingSettings withWarmupSteps(int steps) {
        return new TrainingSettings(learningRate, steps, optimizer, batchSize, microBatchSize, runLength, validateEvery,
                checkpointEvery, seed, checkpointing);
    }

    public TrainingSettings withBatch(int batch, int micro) {
        return new TrainingSettings(learningRate, warmupSteps, optimizer, batch, micro, runLength, validateEvery,
                checkpointEvery, seed, checkpointing);
    }

    public TrainingSettings withRunLength(RunLength length) {
        return new TrainingSettings(learningRate, warmupSteps, optimizer, batchSize, microBatchSize, length,
                validateEvery, checkpointEvery, seed, checkpointing);
    }

    public TrainingSettings withIntervals(int validate, int checkpoint) {
        return new TrainingSettings(learningRate, warmupSteps, optimizer, batchSize, microBatchSize, runLength,
                validate, checkpoint, seed, checkpointing);
    }

    public TrainingSettings withSeed(long newSeed) {
        return new TrainingSettings(learningRate, warmupSteps, optimizer, batchSize, microBatchSize, runLength,
                validateEvery, checkpointEvery, newSeed, checkpointing);
    }

    public TrainingSettings withActivationCheckpointing(ActivationCheckpointing choice) {
        return new TrainingSettings(learningRate, warmupSteps, optimizer, batchSize, microBatchSize, runLength,
                validateEvery, checkpointEvery, seed, choice);
    }

    public int accumulationSteps() {
        return batchSize / microBatchSize;
    }
}
