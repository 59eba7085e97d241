package org.rankadaptor.prune;

import org.rankadaptor.model.LayerDims;
import org.rankadaptor.model.LlamaConfig;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * What to prune: layer ranges with their ratios (layers outside every range are untouched), how groups are scored,
 * and rounding. A layer keeps floor(groups * (1 - ratio)) groups, as LLM-Pruner keeps int(channels * (1 - ratio));
 * MLP channels kept are then rounded up to a multiple of {@code mlpChannelMultiple} (1 = no rounding). Attention is
 * always pruned in whole kv groups, so head sharing stays intact.
 *
 * @param seed seeds the {@link Estimator#RANDOM} scores
 */
public record PrunePlan(List<LayerRange> ranges, Estimator estimator, int mlpChannelMultiple, long seed) {
    private static final double EPS = 1e-9;

    public PrunePlan {
        ranges = List.copyOf(ranges);
        if (estimator == null) {
            throw new PrunePlanException("plan has no estimator");
        }
        if (mlpChannelMultiple < 1) {
            throw new PrunePlanException("mlp channel multiple must be >= 1, got " + mlpChannelMultiple);
        }
        List<LayerRange> sorted = new ArrayList<>(ranges);
        sorted.sort(Comparator.comparingInt(LayerRange::firstLayer));
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i - 1).overlaps(sorted.get(i))) {
                throw new PrunePlanException("layer ranges " + sorted.get(i - 1).toCli() + " and "
                        + sorted.get(i).toCli() + " overlap (1-based layers)");
            }
        }
    }

    public static PrunePlan of(Estimator estimator, LayerRange... ranges) {
        return new PrunePlan(List.of(ranges), estimator, 1, 0);
    }

    /** The range covering a layer, or null when the layer is untouched. */
    public LayerRange rangeOf(int layer) {
        for (LayerRange r : ranges) {
            if (r.contains(layer)) {
                return r;
            }
        }
        return null;
    }

    /** Throws {@link PrunePlanException} when the plan does not fit the model. */
    public void validate(LlamaConfig config) {
        prunedDims(config);
    }

    /** Per-layer dims after pruning (analytic; validates the plan against the model). */
    public List<LayerDims> prunedDims(LlamaConfig config) {
        for (LayerRange r : ranges) {
            if (r.lastLayer() >= config.numLayers()) {
                throw new PrunePlanException("layer range " + r.toCli() + " is outside the model's layers 1-"
                        + config.numLayers() + " (1-based)");
            }
        }
        List<LayerDims> dims = new ArrayList<>();
        for (int i = 0; i < config.numLayers(); i++) {
            LayerDims d = config.layer(i);
            LayerRange r = rangeOf(i);
            if (r == null) {
                dims.add(d);
                continue;
            }
            int kvKept = keptCount(d.numKvHeads(), r.attentionRatio(), 1, "attention groups", i);
            int ffnKept = keptCount(d.intermediateSize(), r.mlpRatio(), mlpChannelMultiple, "mlp channels", i);
            dims.add(new LayerDims(kvKept * d.queryHeadsPerKvHead(), kvKept, ffnKept));
        }
        return dims;
    }

    public LlamaConfig prunedConfig(LlamaConfig config) {
        return config.withLayers(prunedDims(config));
    }

    /** Fraction of the whole model's parameters (embeddings included) this plan removes. */
    public double parameterReduction(LlamaConfig config) {
        return 1.0 - (double) prunedConfig(config).totalParameters() / config.totalParameters();
    }

    static int keptCount(int groups, double ratio, int multiple, String what, int layer) {
        int kept = (int) Math.floor(groups * (1 - ratio) + EPS);
        if (kept <= 0) {
            throw new PrunePlanException(String.format(Locale.ROOT,
                    "layer %d (1-based): ratio %s would remove all %d %s", layer + 1, ratio, groups, what));
        }
        if (multiple > 1) {
            kept = Math.min(groups, (kept + multiple - 1) / multiple * multiple);
        }
        return kept;
    }

    /**
     * Solves for the one ratio (attention = MLP) over layers {@code firstLayer..lastLayer} (0-based, inclusive) whose
     * pruning removes at least {@code globalTarget} of the whole model's parameters: the smallest such ratio, by
     * bisection over the analytic parameter count.
     */
    public static PrunePlan forGlobalTarget(LlamaConfig config, int firstLayer, int lastLayer, double globalTarget,
                                            Estimator estimator, int mlpChannelMultiple, long seed) {
        if (!(globalTarget > 0 && globalTarget < 1)) {
            throw new PrunePlanException("global target " + globalTarget + " is outside (0, 1)");
        }
        double lo = 0;
        double hi = 1 - EPS;
        for (int iter = 0; iter < 60; iter++) {
            double mid = (lo + hi) / 2;
            if (reductionOrInfinity(config, firstLayer, lastLayer, mid, estimator, mlpChannelMultiple, seed) >= globalTarget) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        PrunePlan plan = of(config, firstLayer, lastLayer, hi, estimator, mlpChannelMultiple, seed);
        try {
            if (plan.parameterReduction(config) + EPS < globalTarget) {
                throw new PrunePlanException("unreachable");
            }
        } catch (PrunePlanException e) {
            throw new PrunePlanException(String.format(Locale.ROOT,
                    "global target %.4f cannot be reached by pruning layers %d-%d (1-based) without emptying a layer",
                    globalTarget, firstLayer + 1, lastLayer + 1));
        }
        return plan;
    }

    private static double reductionOrInfinity(LlamaConfig config, int first, int last, double ratio, Estimator estimator,
                                              int multiple, long seed) {
        try {
            return of(config, first, last, ratio, estimator, multiple, seed).parameterReduction(config);
        } catch (PrunePlanException e) {
            return Double.POSITIVE_INFINITY; // a layer would be emptied: treat as overshooting
        }
    }

    private static PrunePlan of(LlamaConfig config, int first, int last, double ratio, Estimator estimator,
                                int multiple, long seed) {
        return new PrunePlan(List.of(new LayerRange(first, last, ratio, ratio)), estimator, multiple, seed);
    }
}
