package org.rankadaptor.model;

import ai.djl.ndarray.NDArray;

/** Adds a learned update to a projection's output, e.g. LoRA's scale * B(A(x)). */
@FunctionalInterface
public interface LinearAdapter {
    /**
     * @param x input of the projection, (batch, seq, in)
     * @return the delta to add to the projection's output, (batch, seq, out), or null when this module is not adapted
     */
    NDArray delta(int layer, Projection projection, NDArray x);

    LinearAdapter NONE = (layer, projection, x) -> null;
}
