package org.rankadaptor.prune;

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
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** Removes whole decoder blocks; the result is a standard config with fewer layers and its own weights. */
public final class DepthPruner {
    public static final String STEP = "depth";

    private DepthPruner() {
    }

    /**
     * @param blockScores [layer]: lower = less important (Taylor+ score, or calibration perplexity without the block)
     * @param removedBlocks 0-based, ascending
     */
    public record Result(LlamaModel model, DepthPlan plan, double[] blockScores, List<Integer> removedBlocks) {
    }

    public static Result prune(LlamaModel model, DepthPlan plan, CalibrationSet calibration, StageContext ctx) {
        List<Integer> candidates = candidates(model.config(), plan);
        double[] scores = plan.method() == DepthPlan.Method.TAYLOR
                ? ImportanceScorer.score(model, calibration, Estimator.TAYLOR_ELEMENT1, 0, ctx).blockTaylor()
                : perplexityWithoutEachBlock(model, calibration, candidates, ctx);
        List<Integer> removed = candidates.stream()
                .sorted(Comparator.comparingDouble((Integer i) -> scores[i]).thenComparingInt(i -> i))
                .limit(plan.blocksToRemove()).sorted().collect(Collectors.toList());
        return new Result(removeBlocks(model, removed), plan, scores, removed);
    }

    static List<Integer> candidates(LlamaConfig config, DepthPlan plan) {
        int layers = config.numLayers();
        List<Integer> candidates = IntStream.range(plan.keepFirst(), layers - plan.keepLast()).boxed()
                .collect(Collectors.toList());
        if (candidates.size() < plan.blocksToRemove() || plan.blocksToRemove() >= layers) {
            throw new PrunePlanException("cannot remove " + plan.blocksToRemove() + " of " + layers
                    + " blocks while keeping the first " + plan.keepFirst() + " and last " + plan.keepLast()
                    + " (only " + Math.max(0, candidates.size()) + " removable)");
        }
        return candidates;
    }

    /** Scores for every layer; blocks outside the candidates get +infinity so they are never picked. */
    private static double[] perplexityWithoutEachBlock(LlamaModel model, CalibrationSet calibration,
                                                       List<Integer> candidates, StageContext ctx) {
        if (calibration == null) {
            throw new IllegalArgumentException("depth method ppl needs calibration samples (--calib)");
        }
        double[] scores = new double[model.config().numLayers()];
        java.util.Arrays.fill(scores, Double.POSITIVE_INFINITY);
        int done = 0;
        for (int block : candidates) {
            ctx.checkCancelled(STEP);
            List<Integer> keep = IntStream.range(0, model.config().numLayers()).filter(i -> i != block).boxed()
                    .collect(Collectors.toList());
            // A view sharing the source's arrays: nothing is copied, and it must not be closed.
            LlamaModel without = new LlamaModel(model.config().withLayers(dimsOf(model.config(), keep)),
                    new LlamaWeights(model.manager(), model.weights().embedTokens(), layersOf(model.weights(), keep),
                            model.weights().finalNorm(), model.weights().lmHead()));
            scores[block] = CalibrationPerplexity.perplexity(without, calibration.samples(), StageContext.none());
            ctx.report(STEP, ++done, candidates.size(), "perplexity without block " + (block + 1) + ": " + scores[block]);
        }
        return scores;
    }

    /** A copy of the model without the given blocks (0-based). */
    public static LlamaModel removeBlocks(LlamaModel model, List<Integer> removed) {
        List<Integer> keep = IntStream.range(0, model.config().numLayers()).filter(i -> !removed.contains(i)).boxed()
                .collect(Collectors.toList());
        NDManager manager = NDManager.newBaseManager(model.manager().getDevice());
        try {
            List<LayerWeights> layers = new ArrayList<>();
            for (LayerWeights w : layersOf(model.weights(), keep)) {
                try (NDScope scope = new NDScope()) {
                    LayerWeights copy = new LayerWeights(
                            WeightCopies.copy(manager, w.inputNorm()), WeightCopies.copy(manager, w.q()),
                            WeightCopies.copy(manager, w.k()), WeightCopies.copy(manager, w.v()),
                            WeightCopies.copy(manager, w.o()), WeightCopies.copy(manager, w.postAttentionNorm()),
                            WeightCopies.copy(manager, w.gate()), WeightCopies.copy(manager, w.up()),
                            WeightCopies.copy(manager, w.down()));
                    copy.all().forEach(NDScope::unregister);
                    layers.add(copy);
                }
            }
            LlamaWeights weights = StructuredPruner.copyOuter(manager, model.weights(), layers);
            return new LlamaModel(model.config().withLayers(dimsOf(model.config(), keep)), weights);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    private static List<LayerDims> dimsOf(LlamaConfig config, List<Integer> keep) {
        return keep.stream().map(config::layer).collect(Collectors.toList());
    }

    private static List<LayerWeights> layersOf(LlamaWeights weights, List<Integer> keep) {
        return keep.stream().map(weights::layer).collect(Collectors.toList());
    }
}
