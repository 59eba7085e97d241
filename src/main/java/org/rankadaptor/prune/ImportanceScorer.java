package org.rankadaptor.prune;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.rankadaptor.stage.StageContext;
import org.rankadaptor.model.LayerDims;
import org.rankadaptor.model.LayerWeights;
import org.rankadaptor.model.LlamaConfig;
import org.rankadaptor.model.LlamaModel;
import org.rankadaptor.model.Projection;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Function;

/**
 * Scores every attention group and MLP channel of every layer with an {@link Estimator}.
 *
 * <p>Gradients: one backward pass per calibration sample, each of that sample's mean next-token loss. Their mean is the
 * gradient of the mean loss over the whole batch (all samples have the same length), which the first-order
 * estimators use; the mean of their squares is the diagonal Fisher that element2 and mix use. The backward passes
 * run layer by layer (see {@link #taylorScores}), so the model's weights never carry gradients.
 */
public final class ImportanceScorer {
    public static final String STEP = "importance";

    private ImportanceScorer() {
    }

    /**
     * @param calibration the samples for Taylor estimators; may be null for random, l1 and l2
     * @param seed        seeds {@link Estimator#RANDOM}
     */
    public static ImportanceMaps score(LlamaModel model, CalibrationSet calibration, Estimator estimator, long seed,
                                       StageContext ctx) {
        LlamaConfig config = model.config();
        if (estimator == Estimator.RANDOM) {
            return randomScores(config, seed);
        }
        if (!estimator.needsGradients()) {
            return magnitudeScores(model, estimator, ctx);
        }
        if (calibration == null) {
            throw new IllegalArgumentException("estimator " + estimator + " needs calibration samples (--calib)");
        }
        try (NDManager scratch = model.manager().newSubManager()) {
            return taylorScores(model, calibration, estimator, scratch, ctx);
        }
    }

    /**
     * Taylor scores layer by layer, so only one layer's gradients exist at a time. A forward pass without autograd
     * keeps each sample's input to every layer (small: one hidden state per token and layer) and the loss gradient
     * at the top; then, from the last layer down, each sample's layer is recomputed on detached aliases of its
     * weights and back-propagated from the gradient arriving from above, which yields the gradient for the layer
     * below. The gradients equal one backward pass through the whole model; peak memory is the weights plus one
     * layer's gradients (and squares) instead of twice or three times the model.
     */
    private static ImportanceMaps taylorScores(LlamaModel model, CalibrationSet calibration, Estimator estimator,
                                               NDManager scratch, StageContext ctx) {
        LlamaConfig config = model.config();
        int numLayers = config.numLayers();
        int n = calibration.size();
        int seqLen = calibration.seqLen();
        boolean squares = estimator.needsSquaredGradients();
        NDArray[][] inputs = new NDArray[n][numLayers];   // inputs[j][l]: sample j's input to layer l
        NDArray[] upstream = new NDArray[n];              // gradient of sample j's loss w.r.t. the current layer's output
        double lossSum = 0;
        for (int j = 0; j < n; j++) {
            ctx.checkCancelled(STEP);
            try (NDScope scope = new NDScope()) {
                NDArray ids = scratch.create(calibration.samples().get(j), new Shape(1, seqLen));
                NDArray x = model.embed(ids.get(":, :-1"));                                // (1, S-1, dim)
                for (int l = 0; l < numLayers; l++) {
                    inputs[j][l] = x;
                    NDScope.unregister(x);
                    x = model.decoderLayer(l, model.weights().layer(l), x);
                }
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray top = x.stopGradient();
                    top.setRequiresGradient(true);
                    NDArray loss = LlamaModel.targetLogProbs(model.head(top), ids.get(":, 1:")).mean().neg();
                    collector.backward(loss);
                    lossSum += loss.toType(DataType.FLOAT64, false).getDouble();
                    upstream[j] = top.getGradient();
                    NDScope.unregister(upstream[j]);
                }
            }
            ctx.report(STEP, j + 1, n, "calibration sample " + (j + 1) + "/" + n);
        }
        double[][] attention = new double[numLayers][];
        double[][] mlp = new double[numLayers][];
        double[] block = new double[numLayers];
        for (int l = numLayers - 1; l >= 0; l--) {
            ctx.checkCancelled(STEP);
            LayerWeights layer = model.weights().layer(l);
            try (NDScope layerScope = new NDScope()) {
                List<NDArray> params = layer.all();
                NDArray[] alias = new NDArray[params.size()];
                NDArray[] sum = squares ? new NDArray[params.size()] : null;
                NDArray[] sumSquares = squares ? new NDArray[params.size()] : null;
                for (int i = 0; i < alias.length; i++) {
                    alias[i] = params.get(i).stopGradient();     // shares the weight's memory, collects its own gradient
                    alias[i].setRequiresGradient(true);
                    if (squares) {
                        sum[i] = scratch.zeros(params.get(i).getShape(), params.get(i).getDataType());
                        sumSquares[i] = scratch.zeros(params.get(i).getShape(), params.get(i).getDataType());
                    }
                }
                LayerWeights aliased = new LayerWeights(alias[0], alias[1], alias[2], alias[3], alias[4], alias[5],
                        alias[6], alias[7], alias[8]);
                for (int j = 0; j < n; j++) {
                    try (NDScope scope = new NDScope();
                         GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        NDArray in = inputs[j][l].stopGradient();
                        boolean needsBelow = l > 0;   // the embedding is not scored: no gradient below layer 1
                        in.setRequiresGradient(needsBelow);
                        NDArray out = model.decoderLayer(l, aliased, in);
                        collector.backward(out.mul(upstream[j]).sum());
                        NDArray below = needsBelow ? in.getGradient() : null;
                        if (below != null) {
                            NDScope.unregister(below);
                        }
                        upstream[j].close();
                        inputs[j][l].close();
                        upstream[j] = below;
                        if (squares) {
                            // PyTorch accumulates gradients; the squares need each sample's own
                            for (int i = 0; i < alias.length; i++) {
                                NDArray g = alias[i].getGradient();
                                sum[i].addi(g);
                                sumSquares[i].addi(g.square());
                                g.subi(g);
                            }
                        }
                    }
                }
                NDArray[] mean = new NDArray[alias.length];
                NDArray[] meanSquare = squares ? sumSquares : null;
                for (int i = 0; i < alias.length; i++) {
                    mean[i] = squares ? sum[i] : alias[i].getGradient();   // sample gradients summed in order
                    mean[i].divi(n);
                    if (squares) {
                        sumSquares[i].divi(n);
                    }
                }
                // One pass per weight: w * mean g in place in its gradient buffer (spent by now), |w * g| once for
                // both the block score and the group sums; each full-size product freed before the next.
                double[][] rowSums = new double[params.size()][];   // per projection: its row or column sums
                for (int i = 0; i < params.size(); i++) {
                    try (NDScope scope = new NDScope()) {
                        NDArray signed = mean[i].muli(params.get(i));
                        NDArray magnitude = signed.abs();
                        block[l] += magnitude.sum().toType(DataType.FLOAT64, false).getDouble();
                        Projection p = projectionAt(i);
                        if (p != null && estimator != Estimator.TAYLOR_ELEMENT2) {
                            NDArray scored = estimator == Estimator.TAYLOR_VECTORIZE ? signed : magnitude;
                            rowSums[i] = GroupScores.toDoubles(scored.sum(new int[] {GroupScores.axisOf(p)}));
                        }
                    }
                }
                GroupScores scores = layerScores(config, l, layer, estimator, p -> rowSums[indexOf(p)], meanSquare);
                attention[l] = scores.attention();
                mlp[l] = scores.mlp();
                if (squares) {
                    for (int i = 0; i < alias.length; i++) {
                        sum[i].close();
                        sumSquares[i].close();
                    }
                }
            }
            ctx.report(STEP, numLayers - l, numLayers, "scored layer " + (l + 1) + " (" + (numLayers - l) + "/" + numLayers + ")");
        }
        return new ImportanceMaps(estimator, attention, mlp, block, lossSum / n);
    }

    /**
     * @param productSums per projection, the row sums (column sums for o and down) of w * mean g for
     *                    taylor-vectorize and of |w * mean g| for element1 and mix
     */
    private static GroupScores layerScores(LlamaConfig config, int l, LayerWeights layer, Estimator estimator,
                                           Function<Projection, double[]> productSums, NDArray[] meanSquare) {
        Function<Projection, NDArray> element2 = p -> layer.projection(p).square().mul(meanSquare[indexOf(p)]);
        switch (estimator) {
            case TAYLOR_VECTORIZE:
                return GroupScores.fromSums(config, l, productSums).abs();
            case TAYLOR_ELEMENT1:
                return GroupScores.fromSums(config, l, productSums);
            case TAYLOR_ELEMENT2:
                return GroupScores.sum(config, l, element2);
            case TAYLOR_MIX:
                return GroupScores.fromSums(config, l, productSums).minusHalf(GroupScores.sum(config, l, element2));
            default:
                throw new IllegalStateException("not a Taylor estimator: " + estimator);
        }
    }

    /** The projection at index {@code i} of {@link LayerWeights#all()}, or null for the two norms. */
    private static Projection projectionAt(int i) {
        for (Projection p : Projection.values()) {
            if (indexOf(p) == i) {
                return p;
            }
        }
        return null;
    }

    /** Index of a projection in {@link LayerWeights#all()}: inputNorm, q, k, v, o, postAttentionNorm, gate, up, down. */
    private static int indexOf(Projection p) {
        switch (p) {
            case Q: return 1;
            case K: return 2;
            case V: return 3;
            case O: return 4;
            case GATE: return 6;
            case UP: return 7;
            default: return 8;
        }
    }

    private static ImportanceMaps magnitudeScores(LlamaModel model, Estimator estimator, StageContext ctx) {
        LlamaConfig config = model.config();
        int numLayers = config.numLayers();
        double[][] attention = new double[numLayers][];
        double[][] mlp = new double[numLayers][];
        for (int l = 0; l < numLayers; l++) {
            ctx.checkCancelled(STEP);
            LayerWeights layer = model.weights().layer(l);
            try (NDScope scope = new NDScope()) {
                GroupScores scores = estimator == Estimator.L1
                        ? GroupScores.sum(config, l, p -> layer.projection(p).abs())
                        : GroupScores.sum(config, l, p -> layer.projection(p).square()).sqrt();
                attention[l] = scores.attention();
                mlp[l] = scores.mlp();
            }
            ctx.report(STEP, l + 1, numLayers, "scored layer " + (l + 1) + "/" + numLayers);
        }
        return new ImportanceMaps(estimator, attention, mlp, null, null);
    }

    private static ImportanceMaps randomScores(LlamaConfig config, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int numLayers = config.numLayers();
        double[][] attention = new double[numLayers][];
        double[][] mlp = new double[numLayers][];
        for (int l = 0; l < numLayers; l++) {
            LayerDims d = config.layer(l);
            attention[l] = random.doubles(d.numKvHeads()).toArray();
            mlp[l] = random.doubles(d.intermediateSize()).toArray();
        }
        return new ImportanceMaps(Estimator.RANDOM, attention, mlp, null, null);
    }

    /** Per-group sums of an element-wise score over each group's weights (see {@link DependencyGroups}). */
    private record GroupScores(double[] attention, double[] mlp) {
        static GroupScores sum(LlamaConfig config, int layer, Function<Projection, NDArray> elementwise) {
            return fromSums(config, layer, p -> sums(elementwise, p));
        }

        /**
         * Group scores from each projection's sums over {@link #axisOf} its input (output for o and down): one value
         * per output row of q, k, v, gate, up, per input column of o and down.
         */
        static GroupScores fromSums(LlamaConfig config, int layer, Function<Projection, double[]> sums) {
            LayerDims d = config.layer(layer);
            int headDim = config.headDim();
            int rep = d.queryHeadsPerKvHead();
            double[] attention = new double[d.numKvHeads()];
            addRows(attention, sums.apply(Projection.Q), rep * headDim);
            addRows(attention, sums.apply(Projection.K), headDim);
            addRows(attention, sums.apply(Projection.V), headDim);
            addRows(attention, sums.apply(Projection.O), rep * headDim);
            double[] mlp = new double[d.intermediateSize()];
            addRows(mlp, sums.apply(Projection.GATE), 1);
            addRows(mlp, sums.apply(Projection.UP), 1);
            addRows(mlp, sums.apply(Projection.DOWN), 1);
            return new GroupScores(attention, mlp);
        }

        /** The axis a projection's scores are summed over: o and down group by input column, the rest by output row. */
        static int axisOf(Projection p) {
            return p == Projection.O || p == Projection.DOWN ? 0 : 1;
        }

        /** Sums of one projection's element-wise scores over its axis; its full-size temporaries are freed at once. */
        private static double[] sums(Function<Projection, NDArray> elementwise, Projection p) {
            try (NDScope scope = new NDScope()) {
                return toDoubles(elementwise.apply(p).sum(new int[] {axisOf(p)}));
            }
        }

        GroupScores abs() {
            return map(Math::abs);
        }

        GroupScores sqrt() {
            return map(Math::sqrt);
        }

        GroupScores minusHalf(GroupScores other) {
            double[] a = attention.clone();
            double[] m = mlp.clone();
            for (int i = 0; i < a.length; i++) {
                a[i] -= 0.5 * other.attention[i];
            }
            for (int i = 0; i < m.length; i++) {
                m[i] -= 0.5 * other.mlp[i];
            }
            return new GroupScores(a, m);
        }

        private GroupScores map(DoubleUnaryOperator f) {
            return new GroupScores(Arrays.stream(attention).map(f).toArray(),
                    Arrays.stream(mlp).map(f).toArray());
        }

        static double[] toDoubles(NDArray v) {
            return v.toType(DataType.FLOAT64, false).toDoubleArray();
        }

        /** Adds consecutive runs of {@code perGroup} values into one group each. */
        private static void addRows(double[] groups, double[] values, int perGroup) {
            for (int i = 0; i < values.length; i++) {
                groups[i / perGroup] += values[i];
            }
        }
    }
}
