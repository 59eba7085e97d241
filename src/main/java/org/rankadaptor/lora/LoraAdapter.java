package org.rankadaptor.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import org.rankadaptor.model.LlamaConfig;
import org.rankadaptor.model.LlamaModel;
import org.rankadaptor.model.OwnedArrays;
import org.rankadaptor.model.Projection;
import org.rankadaptor.model.TensorData;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * LoRA on the projections of a LLaMA model: delta = scale * (dropout(x) A^T) B^T with A (r, in), B (out, r).
 * Initialised as PEFT: A Kaiming-uniform with a = sqrt(5) (bound 1/sqrt(in)), B zero, so the adapted model starts
 * equal to the base model. The base weights are never touched. Arrays live in a sub-manager of the model's manager,
 * in float32 or wider whatever the model's dtype ({@link AdapterPrecision}).
 */
public final class LoraAdapter extends LowRankAdapter<LoraAdapter.Module> {
    /** One adapted module. scale = alpha / r (or alpha / sqrt(r) with rsLoRA). */
    public record Module(ModuleRef ref, int rank, double alpha, double scale, NDArray a, NDArray b)
            implements AdaptedModule {
        @Override
        public List<NamedArray> arrays() {
            return List.of(new NamedArray("lora_A", a), new NamedArray("lora_B", b));
        }
    }

    /** Weights of one module as stored in a file, for {@link #fromWeights}. */
    public record ModuleWeights(ModuleRef ref, double alpha, TensorData a, TensorData b) {
    }

    private final RankPlan plan;

    private LoraAdapter(LlamaConfig config, NDManager manager, LoraSettings settings, List<Module> list) {
        super(config, manager, settings, list);
        Map<String, Integer> ranks = new LinkedHashMap<>();
        for (Module m : list) {
            ranks.put(m.ref().path(), m.rank());
        }
        this.plan = new RankPlan(ranks);
    }

    /** A fresh adapter: A Kaiming-uniform from {@code seed}, B zero. */
    public static LoraAdapter create(LlamaModel model, RankPlan plan, LoraSettings settings, long seed) {
        LlamaConfig config = model.config();
        return buildInSubManager(model, (manager, type) -> {
            List<Module> list = new ArrayList<>();
            int index = 0;
            for (Map.Entry<String, Integer> e : plan.ranks().entrySet()) {
                ModuleRef ref = ModuleRef.parse(e.getKey()).requireIn(config, "rank plan");
                if (!settings.targets().contains(ref.projection())) {
                    throw new LoraException("rank plan adapts " + ref.path() + " but targets are "
                            + LoraSettings.describe(settings.targets()));
                }
                int rank = e.getValue();
                long[] shape = ref.weightShape(config);
                int out = (int) shape[0];
                int in = (int) shape[1];
                SplittableRandom random = new SplittableRandom(seed * 1_000_003L + index++);
                float[] a = new float[rank * in];
                double bound = 1.0 / Math.sqrt(in);   // kaiming_uniform_(a=sqrt(5)): gain sqrt(2/6), bound gain*sqrt(3/in)
                for (int i = 0; i < a.length; i++) {
                    a[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
                }
                NDArray aArray = AdapterPrecision.trainable(OwnedArrays.create(manager, a, new Shape(rank, in)), type);
                NDArray bArray = AdapterPrecision.trainable(manager.zeros(new Shape(out, rank), DataType.FLOAT32), type);
                double alpha = settings.alphaFor(ref.path(), rank);
                list.add(new Module(ref, rank, alpha, settings.scaling().scale(alpha, rank), aArray, bArray));
            }
            return new LoraAdapter(config, manager, settings, list);
        });
    }

    /** An adapter from stored weights (PEFT files, folded AdaLoRA); each module's scale follows settings.scaling. */
    public static LoraAdapter fromWeights(LlamaModel model, LoraSettings settings, List<ModuleWeights> weights) {
        LlamaConfig config = model.config();
        return buildInSubManager(model, (manager, type) -> {
            List<Module> list = new ArrayList<>();
            for (ModuleWeights w : weights) {
                ModuleRef ref = w.ref().requireIn(config, "adapter");
                long[] shape = ref.weightShape(config);
                int rank = (int) w.a().shape()[0];
                long[] expectA = {rank, shape[1]};
                long[] expectB = {shape[0], rank};
                if (!Arrays.equals(w.a().shape(), expectA) || !Arrays.equals(w.b().shape(), expectB)) {
                    throw new LoraException(ref.path() + ": lora_A " + Arrays.toString(w.a().shape()) + " / lora_B "
                            + Arrays.toString(w.b().shape()) + " do not fit the model's weight " + Arrays.toString(shape)
                            + " (expected " + Arrays.toString(expectA) + " / " + Arrays.toString(expectB) + ")");
                }
                NDArray a = AdapterPrecision.trainable(OwnedArrays.create(manager, w.a().values(), new Shape(w.a().shape())), type);
                NDArray b = AdapterPrecision.trainable(OwnedArrays.create(manager, w.b().values(), new Shape(w.b().shape())), type);
                list.add(new Module(ref, rank, w.alpha(), settings.scaling().scale(w.alpha(), rank), a, b));
            }
            Set<Projection> targets = EnumSet.noneOf(Projection.class);
            list.forEach(m -> targets.add(m.ref().projection()));
            LoraSettings effective = targets.isEmpty() ? settings : settings.withTargets(targets);
            return new LoraAdapter(config, manager, effective, list);
        });
    }

    @Override
    protected NDArray update(Module m, NDArray in) {
        NDArray low = Linear.linear(in, m.a()).singletonOrThrow();                      // (batch, seq, r)
        low = low.mul(OwnedArrays.scalarLike(low, m.scale()));
        return Linear.linear(low, m.b()).singletonOrThrow();                            // (batch, seq, out)
    }

    /** scale * B A, (out, in), created in {@code target} (intermediates too), without gradient history. */
    public NDArray deltaWeight(ModuleRef ref, NDManager target) {
        Module m = module(ref);
        NDArray b = m.b().stopGradient();
        b.attach(target);
        NDArray a = m.a().stopGradient();
        a.attach(target);
        return b.matMul(a).mul(m.scale());                                              // (out, in)
    }

    public RankPlan plan() {
        return plan;
    }

    public LoraSettings settings() {
        return loraSettings();
    }

    @Override
    public String method() {
        return "lora";
    }
}
