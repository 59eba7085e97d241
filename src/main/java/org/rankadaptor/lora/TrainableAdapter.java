package org.rankadaptor.lora;

import ai.djl.ndarray.NDArray;
import org.rankadaptor.model.LinearAdapter;

import java.util.Map;

/** A {@link LinearAdapter} with trainable arrays, as the {@link Trainer} drives it. */
public interface TrainableAdapter extends LinearAdapter, AutoCloseable {
    /** Trainable arrays (requiring gradients) by stable name, e.g. "model.layers.0.self_attn.q_proj.lora_A". */
    Map<String, NDArray> parameters();

    /** Number of trainable scalars. */
    long trainableParameters();

    /** Training mode: dropout on. */
    void train();

    /** Evaluation mode: dropout off. */
    void eval();

    /**
     * Where training-mode dropout noise comes from: recorded and replayed by {@code masks}, so a recomputed layer
     * drops out the same inputs; null: fresh noise on every call. Adapters without dropout ignore it.
     */
    default void dropoutFrom(DropoutMasks masks) {
    }

    /** Extra, already weighted loss term added once per optimizer step (AdaLoRA's orthogonality penalty), or null. */
    default NDArray regularization() {
        return null;
    }

    /** Called after each optimizer update while gradients are still present; step is 0-based. */
    default void afterOptimizerStep(int step, int totalSteps) {
    }

    /** Everything a checkpoint must hold to resume (the parameters plus any bookkeeping), by name. */
    default Map<String, NDArray> state() {
        return parameters();
    }

    /** Short name for reports: "lora", "adalora". */
    String method();

    @Override
    void close();
}
