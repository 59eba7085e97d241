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

import java.util.ArrayList;
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
 * estimators use; the mean of their squares is the diagonal Fisher that element2 and mix use.
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
            Gradients grads = gradients(model, calibration, estimator.needsSquaredGradients(), scratch, ctx);
            return taylorScores(model, estimator, grads, ctx);
        }
    }

    /** Mean gradients (and mean squared per-sample gradients) of every decoder-layer weight, by layer. */
    private record Gradients(List<NDArray[]> mean, List<NDArray[]> meanSquare, double loss) {
    }

    private static Gradients gradients(LlamaModel model, CalibrationSet calibration, boolean squares,
                                       NDManager scratch, StageContext ctx) {
        List<LayerWeights> layers = model.weights().layers();
        List<NDArray[]> sum = new ArrayList<>();
        List<NDArray[]> sumSquares = new ArrayList<>();
        for (LayerWeights layer : layers) {
            List<NDArray> params = layer.all();
            NDArray[] s = new NDArray[params.size()];
            NDArray[] sq = squares ? new NDArray[params.size()] : null;
            for (int i = 0; i < params.size(); i++) {
                params.get(i).setRequiresGradient(true);
                s[i] = scratch.zeros(params.get(i).getShape(), params.get(i).getDataType());
                if (squares) {
                    sq[i] = scratch.zeros(params.get(i).getShape(), params.get(i).getDataType());
                }
            }
            sum.add(s);
            sumSquares.add(sq);
        }
        int n = calibration.size();
        int seqLen = calibration.seqLen();
        double lossSum = 0;
        try {
            for (int j = 0; j < n; j++) {
                ctx.checkCancelled(STEP);
                try (NDScope scope = new NDScope();
                     GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray ids = scratch.create(calibration.samples().get(j), new Shape(1, seqLen));
                    NDArray inputs = ids.get(":, :-1");                                   // (1, S-1)
                    NDArray targets = ids.get(":, 1:");                                   // (1, S-1)
                    NDArray logits = model.logits(inputs);                                // (1, S-1, vocab)
                    NDArray loss = LlamaModel.targetLogProbs(logits, targets).mean().neg();
                    collector.backward(loss);
                    lossSum += loss.toType(DataType.FLOAT64, false).getDouble();
                    for (int l = 0; l < layers.size(); l++) {
                        List<NDArray> params = layers.get(l).all();
                        for (int i = 0; i < params.size(); i++) {
                            NDArray g = params.get(i).getGradient();
                            sum.get(l)[i].addi(g);
                            if (squares) {
                                sumSquares.get(l)[i].addi(g.square());
                            }
                            g.subi(g); // PyTorch accumulates gradients; the next sample needs its own
                        }
                    }
                }
                ctx.report(STEP, j + 1, n, "calibration sample " + (j + 1) + "/" + n);
            }
        } finally {
            for (LayerWeights layer : layers) {
                layer.all().forEach(p -> p.setRequiresGradient(false));
            }
        }
        for (int l = 0; l < layers.size(); l++) {
            for (NDArray a : sum.get(l)) {
                a.divi(n);
            }
            if (squares) {
                for (NDArray a : sumSquares.get(l)) {
                    a.divi(n);
                }
            }
        }
        return new Gradients(sum, squares ? sumSquares : null, lossSum / n);
    }

    private static ImportanceMaps taylorScores(LlamaModel model, Estimator estimator, Gradients grads, StageContext ctx) {
        LlamaConfig config = model.config();
        int numLayers = config.numLayers();
        double[][] attention = new double[numLayers][];
        double[][] mlp = new double[numLayers][];
        double[] block = new double[numLayers];
        for (int l = 0; l < numLayers; l++) {
            ctx.checkCancelled(STEP);
            LayerWeights layer = model.weights().layer(l);
            List<NDArray> params = layer.all();
            NDArray[] mean = grads.mean().get(l);
            NDArray[] meanSquare = grads.meanSquare() == null ? null : grads.meanSquare().get(l);
            try (NDScope scope = new NDScope()) {
                for (int i = 0; i < params.size(); i++) {
                    block[l] += params.get(i).mul(mean[i]).abs().sum().toType(DataType.FLOAT64, false).getDouble();
                }
                Function<Projection, NDArray> firstOrder = p -> layer.projection(p).mul(mean[indexOf(p)]);
                Function<Projection, NDArray> element1 = p -> firstOrder.apply(p).abs();
                Function<Projection, NDArray> element2 = p -> layer.projection(p).square().mul(meanSquare[indexOf(p)]);
                GroupScores scores;
                switch (estimator) {
                    case TAYLOR_VECTORIZE:
                        scores = GroupScores.sum(config, l, firstOrder).abs();
                        break;
                    case TAYLOR_ELEMENT1:
                        scores = GroupScores.sum(config, l, element1);
                        break;
                    case TAYLOR_ELEMENT2:
                        scores = GroupScores.sum(config, l, element2);
                        break;
                    case TAYLOR_MIX:
                        scores = GroupScores.sum(config, l, element1).minusHalf(GroupScores.sum(config, l, element2));
                        break;
                    default:
                        throw new IllegalStateException("not a Taylor estimator: " + estimator);
                }
                attention[l] = scores.attention();
                mlp[l] = scores.mlp();
            }
            ctx.report(STEP, l + 1, numLayers, "scored layer " + (l + 1) + "/" + numLayers);
        }
        return new ImportanceMaps(estimator, attention, mlp, block, grads.loss());
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
            LayerDims d = config.layer(layer);
            int headDim = config.headDim();
            int rep = d.queryHeadsPerKvHead();
            double[] attention = new double[d.numKvHeads()];
            addRows(attention, rowSums(elementwise.apply(Projection.Q)), rep * headDim);
            addRows(attention, rowSums(elementwise.apply(Projection.K)), headDim);
            addRows(attention, rowSums(elementwise.apply(Projection.V)), headDim);
            addRows(attention, columnSums(elementwise.apply(Projection.O)), rep * headDim);
            double[] mlp = new double[d.intermediateSize()];
            addRows(mlp, rowSums(elementwise.apply(Projection.GATE)), 1);
            addRows(mlp, rowSums(elementwise.apply(Projection.UP)), 1);
            addRows(mlp, columnSums(elementwise.apply(Projection.DOWN)), 1);
            return new GroupScores(attention, mlp);
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

        private static double[] rowSums(NDArray m) {
            return toDoubles(m.sum(new int[] {1}));
        }

        private static double[] columnSums(NDArray m) {
            return toDoubles(m.sum(new int[] {0}));
        }

        private static double[] toDoubles(NDArray v) {
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
