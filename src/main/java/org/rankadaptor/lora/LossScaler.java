package org.rankadaptor.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import org.rankadaptor.model.LlamaModel;
import org.rankadaptor.model.OwnedArrays;

import java.util.Collection;

/**
 * Dynamic loss scaling for fp16 base models, as torch's GradScaler: the loss is multiplied by {@code scale} before
 * backward so small activation gradients do not underflow in fp16; before the update the float32 parameter gradients
 * are divided by it again. A step whose gradients overflowed is skipped and the scale halves; after
 * {@link #GROWTH_INTERVAL} good steps in a row it doubles. A float32 model uses scale 1 and never skips.
 */
public final class LossScaler {
    static final double INITIAL_SCALE = 65536;
    static final int GROWTH_INTERVAL = 2000;

    private final boolean dynamic;
    private double scale;
    private int goodSteps;

    private LossScaler(boolean dynamic, double scale) {
        this.dynamic = dynamic;
        this.scale = scale;
    }

    /** Dynamic for an fp16 model, fixed at 1 otherwise; {@code restoredScale} (from a checkpoint) when positive. */
    public static LossScaler forModel(LlamaModel model, double restoredScale) {
        boolean half = model.weights().embedTokens().getDataType() == DataType.FLOAT16;
        if (!half) {
            return new LossScaler(false, 1);
        }
        return new LossScaler(true, restoredScale > 0 ? restoredScale : INITIAL_SCALE);
    }

    public double scale() {
        return scale;
    }

    public NDArray scaleLoss(NDArray loss) {
        return dynamic ? loss.mul(OwnedArrays.scalarLike(loss, scale)) : loss;
    }

    /**
     * Divides the accumulated gradients by the scale. Returns false when any gradient is inf or NaN: the caller skips
     * this update (and must still zero the gradients); the scale has then halved.
     */
    public boolean unscale(Collection<NDArray> parameters) {
        if (!dynamic) {
            return true;
        }
        NDArray total = null;   // summed on the device: one host sync per step, not one per parameter
        for (NDArray p : parameters) {
            if (!p.hasGradient()) {
                continue;
            }
            NDArray g = p.getGradient();
            g.divi(OwnedArrays.scalarLike(g, scale));
            NDArray sum = g.abs().sum().toType(DataType.FLOAT64, false);
            total = total == null ? sum : total.add(sum);
        }
        boolean finite = total == null || Double.isFinite(total.getDouble());
        if (!finite) {
            scale /= 2;
            goodSteps = 0;
            return false;
        }
        if (++goodSteps >= GROWTH_INTERVAL) {
            scale *= 2;
            goodSteps = 0;
        }
        return true;
    }
}
