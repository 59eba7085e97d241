package org.rankadaptor.prune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import org.rankadaptor.stage.StageContext;
import org.rankadaptor.model.LayerDims;
import org.rankadaptor.model.LayerWeights;
import org.rankadaptor.model.LlamaConfig;
import org.rankadaptor.model.LlamaModel;
import org.rankadaptor.model.LlamaWeights;
import org.rankadaptor.model.CheckpointWriter;
import org.rankadaptor.model.HfNames;
import org.rankadaptor.model.Projection;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Width pruning: keeps the highest-scoring groups of each layer in the plan's ranges and builds a new model with its own
 * weights and per-layer config. The source model is left as it was.
 */
public final class StructuredPruner {
    public static final String STEP = "prune";

    private StructuredPruner() {
    }

    public static PrunedModel prune(LlamaModel model, PrunePlan plan, ImportanceMaps maps, StageContext ctx) {
        List<LayerSelection> selections = select(model.config(), plan, maps);
        return new PrunedModel(apply(model, selections, ctx), selections);
    }

    /** The groups each layer keeps: the top-scoring ones, as many as {@link PrunePlan#prunedDims} allows. */
    public static List<LayerSelection> select(LlamaConfig config, PrunePlan plan, ImportanceMaps maps) {
        List<LayerDims> target = plan.prunedDims(config);
        if (maps.numLayers() != config.numLayers()) {
            throw new PrunePlanException("importance maps cover " + maps.numLayers() + " layers, the model has "
                    + config.numLayers());
        }
        List<LayerSelection> selections = new ArrayList<>();
        for (int l = 0; l < config.numLayers(); l++) {
            LayerDims d = config.layer(l);
            checkLength(maps.attention()[l], d.numKvHeads(), "attention", l);
            checkLength(maps.mlp()[l], d.intermediateSize(), "mlp", l);
            selections.add(LayerSelection.keeping(l,
                    d.numKvHeads(), topIndices(maps.attention()[l], target.get(l).numKvHeads()),
                    d.intermediateSize(), topIndices(maps.mlp()[l], target.get(l).intermediateSize())));
        }
        return selections;
    }

    private static void checkLength(double[] scores, int expected, String what, int layer) {
        if (scores.length != expected) {
            throw new PrunePlanException("importance maps: layer " + (layer + 1) + " has " + scores.length + " "
                    + what + " scores, the model has " + expected + " groups");
        }
    }

    /** The {@code keep} indices with the highest scores (ties: lower index first), in ascending index order. */
    static int[] topIndices(double[] scores, int keep) {
        return IntStream.range(0, scores.length).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -scores[i]).thenComparingInt(i -> i))
                .limit(keep).mapToInt(Integer::intValue).sorted().toArray();
    }

    /** Builds the model that keeps exactly the selected groups of every layer (one selection per layer, in order). */
    public static LlamaModel apply(LlamaModel model, List<LayerSelection> selections, StageContext ctx) {
        LlamaConfig config = model.config();
        checkSelections(config, selections);
        NDManager manager = NDManager.newBaseManager(model.manager().getDevice());
        try {
            LlamaWeights source = model.weights();
            List<LayerWeights> layers = new ArrayList<>();
            for (int l = 0; l < config.numLayers(); l++) {
                ctx.checkCancelled(STEP);
                LayerWeights w = source.layer(l);
                NDArray[] p = new NDArray[Projection.values().length];
                try (NDScope scope = new NDScope()) {
                    for (Projection projection : Projection.values()) {
                        p[projection.ordinal()] = pruneProjection(config, l, selections.get(l), projection,
                                w.projection(projection), manager);
                    }
                    LayerWeights pruned = new LayerWeights(WeightCopies.copy(manager, w.inputNorm()), p[0], p[1], p[2],
                            p[3], WeightCopies.copy(manager, w.postAttentionNorm()), p[4], p[5], p[6]);
                    pruned.all().forEach(NDScope::unregister);
                    layers.add(pruned);
                }
                ctx.report(STEP, l + 1, config.numLayers(), "pruned layer " + (l + 1));
            }
            LlamaWeights weights = copyOuter(manager, source, layers);
            return new LlamaModel(prunedConfig(config, selections), weights);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** The architecture that keeps the selected groups. */
    public static LlamaConfig prunedConfig(LlamaConfig config, List<LayerSelection> selections) {
        checkSelections(config, selections);
        List<LayerDims> dims = new ArrayList<>();
        for (int l = 0; l < config.numLayers(); l++) {
            LayerSelection s = selections.get(l);
            int kept = s.keptAttentionGroups().length;
            dims.add(new LayerDims(kept * config.layer(l).queryHeadsPerKvHead(), kept, s.keptMlpChannels().length));
        }
        return config.withLayers(dims);
    }

    /**
     * The pruned model's tensors by Hugging Face name, each copied out of {@code model} only when a writer asks for it
     * and closed once written: saving the pruned model this way holds the source plus one tensor, never a second model.
     */
    public static Map<String, CheckpointWriter.Tensor> prunedTensors(LlamaModel model, List<LayerSelection> selections) {
        LlamaConfig config = model.config();
        LlamaConfig pruned = prunedConfig(config, selections);
        NDManager manager = model.manager();
        Map<String, CheckpointWriter.Tensor> tensors = new LinkedHashMap<>();
        model.weights().byHuggingFaceName().forEach((name, array) -> tensors.put(name, CheckpointWriter.Tensor.of(array)));
        for (int l = 0; l < config.numLayers(); l++) {
            int layer = l;
            LayerWeights w = model.weights().layer(l);
            for (Projection p : Projection.values()) {
                tensors.put(HfNames.weight(p, l), new CheckpointWriter.Tensor(p.weightShape(pruned, l),
                        () -> pruneProjection(config, layer, selections.get(layer), p, w.projection(p), manager),
                        NDArray::close));
            }
        }
        return tensors;
    }

    private static void checkSelections(LlamaConfig config, List<LayerSelection> selections) {
        if (selections.size() != config.numLayers()) {
            throw new PrunePlanException("need one selection per layer: got " + selections.size() + " for "
                    + config.numLayers() + " layers");
        }
        for (int l = 0; l < config.numLayers(); l++) {
            LayerSelection s = selections.get(l);
            LayerDims d = config.layer(l);
            if (s.layer() != l || s.keptAttentionGroups().length + s.removedAttentionGroups().length != d.numKvHeads()
                    || s.keptMlpChannels().length + s.removedMlpChannels().length != d.intermediateSize()) {
                throw new PrunePlanException("selection " + l + " does not describe layer " + (l + 1)
                        + " (1-based) of the model");
            }
        }
    }

    /** One projection of layer {@code l} keeping the selected rows (q, k, v, gate, up) or columns (o, down). */
    private static NDArray pruneProjection(LlamaConfig config, int l, LayerSelection s, Projection p, NDArray weight,
                                           NDManager target) {
        LayerDims d = config.layer(l);
        int headDim = config.headDim();
        switch (p) {
            case Q:
                return WeightCopies.rows(target, weight, DependencyGroups.queryRows(d, headDim, s.keptAttentionGroups()));
            case K:
            case V:
                return WeightCopies.rows(target, weight, DependencyGroups.keyValueRows(headDim, s.keptAttentionGroups()));
            case O:
                return WeightCopies.columns(target, weight, DependencyGroups.queryRows(d, headDim, s.keptAttentionGroups()));
            case GATE:
            case UP:
                return WeightCopies.rows(target, weight, s.keptMlpChannels());
            default:
                return WeightCopies.columns(target, weight, s.keptMlpChannels());
        }
    }

    /** New weights with the source's embedding, final norm and head (tied stays tied) around the given layers. */
    static LlamaWeights copyOuter(NDManager manager, LlamaWeights source, List<LayerWeights> layers) {
        try (NDScope scope = new NDScope()) {
            NDArray embed = WeightCopies.copy(manager, source.embedTokens());
            NDArray norm = WeightCopies.copy(manager, source.finalNorm());
            NDArray head = source.tied() ? embed : WeightCopies.copy(manager, source.lmHead());
            NDScope.unregister(embed, norm, head);
            return new LlamaWeights(manager, embed, layers, norm, head);
        }
    }
}
