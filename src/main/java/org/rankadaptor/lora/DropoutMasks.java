package org.rankadaptor.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.norm.Dropout;
import org.rankadaptor.model.Projection;

import java.util.HashMap;
import java.util.Map;

/**
 * The dropout noise of one forward pass, per adapted module, so that a decoder layer recomputed for backward drops
 * out exactly the inputs the first pass dropped. While recording, the noise is drawn as PyTorch's CPU dropout draws
 * it (Bernoulli keep mask divided by the keep probability; input times noise is what {@code dropout} returns) and
 * kept as a one-byte mask plus its scale; while replaying, the same noise is rebuilt from them.
 */
public final class DropoutMasks implements AutoCloseable {
    private record Mask(NDArray keep, NDArray scale) {
    }

    private final Map<Integer, Mask> masks = new HashMap<>();
    private boolean replaying;

    /** From now on, hand back the recorded noise instead of drawing new noise. */
    public void replay() {
        replaying = true;
    }

    /** Noise to multiply {@code x} (batch, seq, in) by at {@code layer}'s {@code projection}. */
    NDArray noise(int layer, Projection projection, NDArray x, float rate) {
        int key = layer * Projection.values().length + projection.ordinal();
        if (replaying) {
            Mask mask = masks.get(key);
            if (mask == null) {
                throw new IllegalStateException("no dropout mask recorded for layer " + layer + " " + projection);
            }
            return mask.keep().toType(x.getDataType(), false).mul(mask.scale());
        }
        NDArray noise = Dropout.dropout(x.onesLike(), rate, true).singletonOrThrow();   // 0 or 1 / (1 - rate)
        NDArray keep = noise.gt(0);
        NDArray scale = noise.max();   // the exact float the kept entries hold (0 when none is kept)
        NDScope.unregister(keep, scale);
        Mask old = masks.put(key, new Mask(keep, scale));
        if (old != null) {
            old.keep().close();
            old.scale().close();
        }
        return noise;
    }

    /** Frees the masks of {@code layer} once its recompute is done, so the layers below can reuse the memory. */
    public void release(int layer) {
        for (Projection p : Projection.values()) {
            Mask m = masks.remove(layer * Projection.values().length + p.ordinal());
            if (m != null) {
                m.keep().close();
                m.scale().close();
            }
        }
    }

    @Override
    public void close() {
        for (Mask m : masks.values()) {
            m.keep().close();
            m.scale().close();
        }
        masks.clear();
    }
}
