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

import java.util.ArrayList;
import java.util.Comparator;
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
        if (selections.size() != config.numLayers()) {
            throw new PrunePlanException("need one selection per layer: got " + selections.size() + " for "
                    + config.numLayers() + " layers");
        }
        int headDim = config.headDim();
        NDManager manager = NDManager.newBaseManager(model.manager().getDevice());
        try {
            LlamaWeights source = model.weights();
            List<LayerWeights> layers = new ArrayList<>();
            List<LayerDims> dims = new ArrayList<>();
            for (int l = 0; l < config.numLayers(); l++) {
                ctx.checkCancelled(STEP);
                LayerSelection s = selections.get(l);
                LayerDims d = config.layer(l);
                if (s.layer() != l || s.keptAttentionGroups().length + s.removedAttentionGroups().length != d.numKvHeads()
                        || s.keptMlpChannels().length + s.removedMlpChannels().length != d.intermediateSize()) {
                    throw new PrunePlanException("selection " + l + " does not describe layer " + (l + 1)
                            + " (1-based) of the model");
                }
                LayerWeights w = source.layer(l);
                int[] qRows = DependencyGroups.queryRows(d, headDim, s.keptAttentionGroups());
                int[] kvRows = DependencyGroups.keyValueRows(headDim, s.keptAttentionGroups());
                int[] channels = s.keptMlpChannels();
                try (NDScope scope = new NDScope()) {
                    LayerWeights pruned = new LayerWeights(
                            WeightCopies.copy(manager, w.inputNorm()),
                            WeightCopies.rows(manager, w.q(), qRows),
                            WeightCopies.rows(manager, w.k(), kvRows),
                            WeightCopies.rows(manager, w.v(), kvRows),
                            WeightCopies.columns(manager, w.o(), qRows),
                            WeightCopies.copy(manager, w.postAttentionNorm()),
                            WeightCopies.rows(manager, w.gate(), channels),
                            WeightCopies.rows(manager, w.up(), channels),
                            WeightCopies.columns(manager, w.down(), channels));
                    pruned.all().forEach(NDScope::unregister);
                    layers.add(pruned);
                }
                int kept = s.keptAttentionGroups().length;
                dims.add(new LayerDims(kept * d.queryHeadsPerKvHead(), kept, channels.length));
                ctx.report(STEP, l + 1, config.numLayers(), "pruned layer " + (l + 1));
            }
            LlamaWeights weights = copyOuter(manager, source, layers);
            return new LlamaModel(config.withLayers(dims), weights);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
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
