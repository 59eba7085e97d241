package org.rankadaptor.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.norm.Dropout;
import org.rankadaptor.model.LlamaConfig;
import org.rankadaptor.model.LlamaModel;
import org.rankadaptor.model.Projection;

import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * What LoRA and AdaLoRA share (as PEFT's AdaLoraLayer extends LoraLayer): the table of adapted modules, the
 * sub-manager that owns their arrays, the train/eval flag with input dropout, the named parameter list and close.
 * A subclass says how one module turns its (dropped-out) input into the update.
 *
 * @param <M> one adapted module of the subclass
 */
public abstract sealed class LowRankAdapter<M extends LowRankAdapter.AdaptedModule> implements TrainableAdapter
        permits LoraAdapter, AdaLoraAdapter {
    /**
     * One adapted module: where it sits and its trainable arrays in PEFT's file order; the first is the one applied
     * to the layer input (LoRA's A, AdaLoRA's Q), so its type is the adapter's precision.
     */
    public interface AdaptedModule {
        ModuleRef ref();

        List<NamedArray> arrays();
    }

    /** A module's array and its PEFT suffix ("lora_A", "lora_E", "lora_B"). */
    public record NamedArray(String suffix, NDArray array) {
    }

    private static final Comparator<AdaptedModule> LAYER_ORDER = Comparator
            .comparingInt((AdaptedModule m) -> m.ref().layer())
            .thenComparingInt(m -> m.ref().projection().ordinal());

    private final LlamaConfig config;
    private final NDManager manager;
    private final LoraSettings loraSettings;
    private final Object[][] table;                 // [layer][projection] -> M, null where not adapted
    private final List<M> modules;
    private boolean training;

    /** {@code manager} owns every module's arrays and is closed with the adapter. */
    protected LowRankAdapter(LlamaConfig config, NDManager manager, LoraSettings loraSettings, List<M> modules) {
        this.config = config;
        this.manager = manager;
        this.loraSettings = loraSettings;
        this.table = new Object[config.numLayers()][Projection.values().length];
        for (M m : modules) {
            table[m.ref().layer()][m.ref().projection().ordinal()] = m;
        }
        this.modules = modules.stream().sorted(LAYER_ORDER).toList();
    }

    /**
     * Runs {@code build} with a fresh sub-manager of the model's and the adapter parameter type, closing the
     * sub-manager when building fails so no half-built arrays are left behind.
     */
    protected static <A extends LowRankAdapter<?>> A buildInSubManager(LlamaModel model,
                                                                       BiFunction<NDManager, DataType, A> build) {
        NDManager manager = model.manager().newSubManager();
        try {
            return build.apply(manager, AdapterPrecision.parameterType(model));
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** The LoRA settings in force: dropout, alpha, targets. */
    protected LoraSettings loraSettings() {
        return loraSettings;
    }

    /** The update of {@code m} for {@code in}, already in the module's precision and dropped out while training. */
    protected abstract NDArray update(M m, NDArray in);

    @Override
    public final NDArray delta(int layer, Projection projection, NDArray x) {
        M m = moduleAt(layer, projection);
        if (m == null) {
            return null;
        }
        NDArray x32 = AdapterPrecision.input(x, m.arrays().get(0).array());             // (batch, seq, in), float32+
        NDArray in = training && loraSettings.dropout() > 0
                ? Dropout.dropout(x32, (float) loraSettings.dropout(), true).singletonOrThrow()
                : x32;                                                                  // (batch, seq, in)
        return AdapterPrecision.output(update(m, in), x);
    }

    /** The adapted module at {@code ref}; a clear error when it is not adapted. */
    public M module(ModuleRef ref) {
        M m = moduleAt(ref.layer(), ref.projection());
        if (m == null) {
            throw new LoraException("module " + ref.path() + " is not adapted");
        }
        return m;
    }

    @SuppressWarnings("unchecked")
    private M moduleAt(int layer, Projection projection) {
        return layer < table.length ? (M) table[layer][projection.ordinal()] : null;
    }

    /** Adapted modules layer by layer, projections in {@link Projection} order. */
    public List<M> modules() {
        return modules;
    }

    public LlamaConfig config() {
        return config;
    }

    /** The arrays of {@code m} by full name, e.g. "model.layers.0.self_attn.q_proj.lora_A". */
    static Map<String, NDArray> namedArrays(AdaptedModule m) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        m.arrays().forEach(named -> out.put(m.ref().path() + "." + named.suffix(), named.array()));
        return out;
    }

    @Override
    public Map<String, NDArray> parameters() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        modules.forEach(m -> out.putAll(namedArrays(m)));
        return Collections.unmodifiableMap(out);
    }

    @Override
    public long trainableParameters() {
        long total = 0;
        for (M m : modules) {
            for (NamedArray named : m.arrays()) {
                total += named.array().size();
            }
        }
        return total;
    }

    @Override
    public void train() {
        training = true;
    }

    @Override
    public void eval() {
        training = false;
    }

    @Override
    public void close() {
        manager.close();
    }
}
