package org.rankadaptor.lora;

import org.rankadaptor.model.LlamaConfig;
import org.rankadaptor.model.MemoryEstimate;

import java.util.Locale;

/**
 * Whether the trainer keeps only each decoder layer's input during the forward pass and recomputes one layer at a
 * time for backward ({@code ON}), keeps everything autograd saves ({@code OFF}), or decides from the model ({@code AUTO}).
 * Checkpointing costs about one extra forward pass per step and saves what autograd keeps for backward (about
 * 0.5 MB per token and layer at 1B parameters).
 */
public enum ActivationCheckpointing {
    AUTO, ON, OFF;

    /** From this many parameters on, AUTO checkpoints: the saved activations are then a large share of the peak. */
    public static final long LARGE_MODEL_PARAMETERS = 500_000_000L;

    /**
     * Whether a fine-tune checkpoints: AUTO does when the model is large or when the estimate without checkpointing
     * exceeds {@code availableBytes}.
     */
    public boolean enabled(LlamaConfig config, int bytesPerWeight, int microBatch, int seq, long trainableParameters,
                           long availableBytes) {
        switch (this) {
            case ON:
                return true;
            case OFF:
                return false;
            default:
                return config.totalParameters() >= LARGE_MODEL_PARAMETERS
                        || MemoryEstimate.training(config, bytesPerWeight, microBatch, seq, trainableParameters)
                                .totalBytes() > availableBytes;
        }
    }

    /** The memory a fine-tune needs under this choice. */
    public MemoryEstimate estimate(LlamaConfig config, int bytesPerWeight, int microBatch, int seq,
                                   long trainableParameters, long availableBytes) {
        return enabled(config, bytesPerWeight, microBatch, seq, trainableParameters, availableBytes)
                ? MemoryEstimate.checkpointedTraining(config, bytesPerWeight, microBatch, seq, trainableParameters)
                : MemoryEstimate.training(config, bytesPerWeight, microBatch, seq, trainableParameters);
    }

    /** "auto", "on" or "off" (any case); a clear error otherwise. */
    public static ActivationCheckpointing parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new LoraException("--activation-checkpointing must be auto, on or off, got '" + value + "'");
        }
    }
}
