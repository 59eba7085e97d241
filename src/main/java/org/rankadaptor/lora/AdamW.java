package org.rankadaptor.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW with decoupled weight decay, step for step as torch.optim.AdamW (non-amsgrad):
 * p *= 1 - lr wd; m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
 * p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps).
 * Moments live in the given manager, in each parameter's dtype.
 */
public final class AdamW {
    /** Optimizer hyper-parameters; torch defaults except weight decay 0 (PEFT/LLM-Pruner recipes). */
    public record Settings(double beta1, double beta2, double eps, double weightDecay) {
        public Settings {
            if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1 && eps > 0 && weightDecay >= 0)) {
                throw new LoraException("bad AdamW settings: betas (" + beta1 + ", " + beta2 + "), eps " + eps
                        + ", weight decay " + weightDecay);
            }
        }

        public static Settings defaults() {
            return new Settings(0.9, 0.999, 1e-8, 0.0);
        }
    }

    private final Settings settings;
    private final Map<String, NDArray> params;
    private final Map<String, NDArray> expAvg = new LinkedHashMap<>();
    private final Map<String, NDArray> expAvgSq = new LinkedHashMap<>();
    private int steps;

    public AdamW(Map<String, NDArray> params, Settings settings, NDManager manager) {
        this.settings = settings;
        this.params = Map.copyOf(params);
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            NDArray p = e.getValue();
            expAvg.put(e.getKey(), manager.zeros(p.getShape(), p.getDataType()));
            expAvgSq.put(e.getKey(), manager.zeros(p.getShape(), p.getDataType()));
        }
    }

    /** One update with the accumulated gradients; call inside an NDScope, outside a GradientCollector. */
    public void step(double lr) {
        steps++;
        double bc1 = 1 - Math.pow(settings.beta1(), steps);
        double bc2Sqrt = Math.sqrt(1 - Math.pow(settings.beta2(), steps));
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            NDArray p = e.getValue().stopGradient();                   // a view: in-place updates reach the parameter
            NDArray g = e.getValue().getGradient();
            if (settings.weightDecay() != 0) {
                p.muli(1 - lr * settings.weightDecay());
            }
            NDArray m = expAvg.get(e.getKey());
            NDArray v = expAvgSq.get(e.getKey());
            m.muli(settings.beta1()).addi(g.mul(1 - settings.beta1()));
            v.muli(settings.beta2()).addi(g.square().mul(1 - settings.beta2()));
            NDArray denom = v.sqrt().div(bc2Sqrt).add(settings.eps());
            p.subi(m.div(denom).mul(lr / bc1));
        }
    }

    /** Sets every gradient to zero (the PyTorch GradientCollector does not); a fill, so inf and NaN clear too. */
    public void zeroGradients() {
        for (NDArray p : params.values()) {
            if (p.hasGradient()) {
                p.getGradient().set(ALL, 0);
            }
        }
    }

    private static final NDIndex ALL = new NDIndex("...");

    public int steps() {
        return steps;
    }

    /** Moments by name (name + ".exp_avg" / ".exp_avg_sq"), for checkpoints. */
    public Map<String, NDArray> state() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        expAvg.forEach((k, v) -> out.put(k + ".exp_avg", v));
        expAvgSq.forEach((k, v) -> out.put(k + ".exp_avg_sq", v));
        return Collections.unmodifiableMap(out);
    }

    /** After loading moments from a checkpoint: the number of updates already made (for bias correction). */
    public void restoreSteps(int completed) {
        this.steps = completed;
    }
}
