package org.rankadaptor.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import org.rankadaptor.model.LlamaConfig;
import org.rankadaptor.model.LlamaModel;
import org.rankadaptor.model.OwnedArrays;
import org.rankadaptor.model.Projection;
import org.rankadaptor.model.TensorData;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * AdaLoRA (Zhang et al. 2023) as PEFT implements it: each module's update is in SVD form
 * delta W = P diag(lambda) Q with P (out, r) = PEFT lora_B, lambda (r, 1) = lora_E, Q (r, in) = lora_A, scaled by
 * alpha / ranknum where ranknum stays init_r (PEFT never changes it). P and Q start normal(0, 0.02), lambda zero.
 * A {@link RankAllocator} zeroes the least important singular values after optimizer steps so that the total rank
 * follows a cubic schedule from init_r x modules down to target_r x modules.
 */
public final class AdaLoraAdapter extends LowRankAdapter<AdaLoraAdapter.Module> {
    /** One adapted module in SVD form. */
    public record Module(ModuleRef ref, int initRank, NDArray p, NDArray lambda, NDArray q) implements AdaptedModule {
        @Override
        public List<NamedArray> arrays() {
            return List.of(new NamedArray("lora_A", q), new NamedArray("lora_E", lambda), new NamedArray("lora_B", p));
        }
    }

    private final AdaLoraSettings settings;
    private final double scale;
    private final RankAllocator allocator;

    private AdaLoraAdapter(LlamaConfig config, NDManager manager, LoraSettings loraSettings, AdaLoraSettings settings,
                           List<Module> list) {
        super(config, manager, loraSettings, list);
        this.settings = settings;
        this.scale = loraSettings.alpha() / settings.initR();
        this.allocator = new RankAllocator(this, settings, manager);
    }

    /** AdaLoRA on every target projection of every layer (PEFT supports one init_r for all modules). */
    public static AdaLoraAdapter create(LlamaModel model, Set<Projection> targets, LoraSettings loraSettings,
                                        AdaLoraSettings settings, long seed) {
        LlamaConfig config = model.config();
        return buildInSubManager(model, (manager, type) -> {
            List<Module> list = new ArrayList<>();
            SplittableRandom random = new SplittableRandom(seed);
            int r = settings.initR();
            for (int layer = 0; layer < config.numLayers(); layer++) {
                for (Projection projection : Projection.values()) {
                    if (!targets.contains(projection)) {
                        continue;
                    }
                    ModuleRef ref = new ModuleRef(layer, projection);
                    long[] shape = ref.weightShape(config);
                    NDArray q = AdapterPrecision.trainable(OwnedArrays.create(manager, normal(random, r * shape[1]), new Shape(r, shape[1])), type);
                    NDArray lambda = AdapterPrecision.trainable(manager.zeros(new Shape(r, 1), DataType.FLOAT32), type);
                    NDArray p = AdapterPrecision.trainable(OwnedArrays.create(manager, normal(random, shape[0] * r), new Shape(shape[0], r)), type);
                    list.add(new Module(ref, r, p, lambda, q));
                }
            }
            if (list.isEmpty()) {
                throw new LoraException("AdaLoRA: no target modules");
            }
            return new AdaLoraAdapter(config, manager, loraSettings.withTargets(targets), settings, list);
        });
    }

    private static float[] normal(SplittableRandom random, long count) {
        float[] values = new float[(int) count];
        for (int i = 0; i < values.length; i++) {
            double u = 1 - random.nextDouble();
            double v = random.nextDouble();
            values[i] = (float) (0.02 * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
        }
        return values;
    }

    @Override
    protected NDArray update(Module m, NDArray in) {
        NDArray low = Linear.linear(in, m.q()).singletonOrThrow()                       // (batch, seq, r)
                .mul(m.lambda().reshape(m.initRank())
                        .mul(OwnedArrays.scalarLike(m.lambda(), scale)));               // times lambda * alpha / ranknum
        return Linear.linear(low, m.p()).singletonOrThrow();                            // (batch, seq, out)
    }

    /**
     * orth_reg_weight x mean over all P and Q of ||P^T P - I|| and ||Q Q^T - I|| (Frobenius, or squared as the paper).
     */
    @Override
    public NDArray regularization() {
        if (settings.orthRegWeight() == 0) {
            return null;
        }
        NDArray total = null;
        for (Module m : modules()) {
            NDArray qq = m.q().matMul(m.q().transpose());                               // (r, r)
            NDArray pp = m.p().transpose().matMul(m.p());                               // (r, r)
            for (NDArray cov : new NDArray[] {qq, pp}) {
                NDArray eye = cov.getManager().eye(m.initRank()).toType(cov.getDataType(), false);
                NDArray squared = cov.sub(eye).square().sum();
                NDArray term = settings.orthogonalPenalty() == AdaLoraSettings.OrthogonalPenalty.FROBENIUS
                        ? squared.sqrt() : squared;
                total = total == null ? term : total.add(term);
            }
        }
        return total.mul(OwnedArrays.scalarLike(total, settings.orthRegWeight() / (2.0 * modules().size())));
    }

    @Override
    public void afterOptimizerStep(int step, int totalSteps) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            allocator.update(step, settings.schedule(totalSteps));
        }
    }

    /** Current rank of each module: its count of nonzero singular values. */
    public Map<String, Integer> currentRanks() {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (Module m : modules()) {
            int count = 0;
            for (double v : values(m.lambda())) {
                if (v != 0) {
                    count++;
                }
            }
            out.put(m.ref().path(), count);
        }
        return out;
    }

    /** Sum of module ranks, to compare with the budget. */
    public int totalRank() {
        return currentRanks().values().stream().mapToInt(Integer::intValue).sum();
    }

    public int initialBudget() {
        return settings.initR() * modules().size();
    }

    public int targetBudget() {
        return settings.targetR() * modules().size();
    }

    /**
     * The same update as plain LoRA, which PEFT's LoRA loader reads: per module, keep the nonzero singular values,
     * A = (r_kept / init_r) diag(lambda_kept) Q_kept and B = P[:, kept], with lora_alpha = alpha so scale = alpha / r_kept
     * and scale B A = alpha / init_r P diag(lambda) Q. Modules whose rank fell to 0 are left out.
     */
    public LoraAdapter toLora(LlamaModel model) {
        List<LoraAdapter.ModuleWeights> weights = new ArrayList<>();
        for (Module m : modules()) {
            double[] lambda = values(m.lambda());
            List<Integer> kept = new ArrayList<>();
            for (int i = 0; i < lambda.length; i++) {
                if (lambda[i] != 0) {
                    kept.add(i);
                }
            }
            if (kept.isEmpty()) {
                continue;
            }
            int rk = kept.size();
            long[] shape = m.ref().weightShape(config());
            int out = (int) shape[0];
            int in = (int) shape[1];
            double[] q = values(m.q());
            double[] p = values(m.p());
            float[] a = new float[rk * in];
            float[] b = new float[out * rk];
            double fold = (double) rk / settings.initR();
            for (int k = 0; k < rk; k++) {
                int i = kept.get(k);
                for (int j = 0; j < in; j++) {
                    a[k * in + j] = (float) (fold * lambda[i] * q[i * in + j]);
                }
                for (int o = 0; o < out; o++) {
                    b[o * rk + k] = (float) p[o * settings.initR() + i];
                }
            }
            weights.add(new LoraAdapter.ModuleWeights(m.ref(), loraSettings().alpha(),
                    new TensorData(new long[] {rk, in}, a), new TensorData(new long[] {out, rk}, b)));
        }
        LoraSettings plain = loraSettings().withAlphaRule(LoraSettings.AlphaRule.FIXED)
                .withScaling(LoraSettings.Scaling.STANDARD);
        return LoraAdapter.fromWeights(model, plain, weights);
    }

    static double[] values(NDArray array) {
        NDArray detached = array.stopGradient();
        try {
            NDArray f64 = detached.toType(DataType.FLOAT64, false);
            double[] v = f64.toDoubleArray();
            if (f64 != detached) {
                f64.close();
            }
            return v;
        } finally {
            detached.close();
        }
    }

    public AdaLoraSettings settings() {
        return settings;
    }

    public double scale() {
        return scale;
    }

    @Override
    public Map<String, NDArray> state() {
        Map<String, NDArray> out = new LinkedHashMap<>(parameters());
        out.putAll(allocator.state());
        return Collections.unmodifiableMap(out);
    }

    @Override
    public String method() {
        return "adalora";
    }
}
