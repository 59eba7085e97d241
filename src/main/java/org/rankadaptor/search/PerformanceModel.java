package org.rankadaptor.search;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.rankadaptor.stage.StageContext;

/**
 * The RankAdaptor performance model: an MLP (default 32-32-32-1, ReLU) from encoded rank vectors to a predicted task
 * score.
 *
 * <p>Large-batch prediction (the 100,000-candidate sweeps) runs on DJL NDArrays with the PyTorch engine, in batches
 * of 32,768 rows (system property rankadaptor.predictBatchRows); batches under 16,384 rows use a Java forward pass. Training gradients come from
 * hand-written backprop by default ({@link ModelConfig.TrainingBackend#JAVA}) or from DJL/PyTorch autograd
 * ({@link GradientCollector}, {@link ModelConfig.TrainingBackend#DJL_AUTOGRAD}); a test checks both agree. Why the
 * Java default: the training set is tens of points and the net ~2,000 weights, so an autograd step is ~50 JNI calls
 * of overhead around microseconds of arithmetic (1.5 ms per step on an idle 2-core box, tens of ms when it is
 * loaded), which made the search tests take minutes; the Java step takes microseconds. The master weights and Adam
 * moments live in Java arrays either way, which also makes copying, serialising and Reptile's interpolation plain
 * array work, and leaves no NDArray alive between calls (each autograd step builds fresh leaf arrays inside an
 * {@link NDScope}, so no gradient has to be zeroed).
 *
 * <p>Targets are standardised: the model learns (score - targetMean) / targetScale, fixed at the first {@link #fit}
 * and kept by {@link #update} so incremental training continues in the same units. A meta-learned model (see
 * {@link MetaLearner}) instead calibrates mean and scale by regressing the target task's scores on its own
 * normalised predictions, then adapts.
 *
 * <p>Training is full-batch Adam on MSE with decoupled weight decay, at most {@code maxEpochs} steps per call, early
 * stopping on a held-out fraction when there are at least {@code minPointsForValidation} points, otherwise on the
 * training loss (also stopping once that loss is below 1e-4, i.e. the points are fitted). Everything random comes from the config seed, so results are deterministic.
 *
 * <p>Not thread-safe; use one instance per thread.
 */
public final class PerformanceModel {

    static final String FORMAT = "rankadaptor-performance-model/1";
    /** Training MSE (normalised units, i.e. 1% of the score spread) treated as "fits the points"; stop there. */
    private static final double INTERPOLATION_LOSS = 1e-4;
    /** Below this many rows the Java forward pass beats the JNI round trips. */
    private static final int JAVA_PREDICT_MAX_ROWS = 16_384;
    private static final int PREDICT_BATCH_ROWS = Integer.getInteger("rankadaptor.predictBatchRows", 32_768);
    private static final double ADAM_BETA1 = 0.9;
    private static final double ADAM_BETA2 = 0.999;
    private static final double ADAM_EPSILON = 1e-8;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static volatile NDManager sharedManager;

    private final ModelConfig config;
    private final int inputSize;
    private final int[] widths;
    private final float[][] weights;
    private final float[][] biases;
    private float[][] momentW;
    private float[][] momentB;
    private float[][] velocityW;
    private float[][] velocityB;
    private long adamSteps;
    private boolean scaleFixed;
    private double targetMean;
    private double targetScale = 1;
    private boolean pretrained;
    private final List<Sample> trainingSet = new ArrayList<>();
    private TrainingReport lastTraining = new TrainingReport(0, 0, 0, Double.NaN, false);

    private PerformanceModel(int inputSize, ModelConfig config) {
        if (inputSize <= 0) {
            throw new SearchException("performance model: inputSize must be positive, got " + inputSize);
        }
        this.config = config;
        this.inputSize = inputSize;
        int[] hidden = config.hiddenSizes();
        widths = new int[hidden.length + 2];
        widths[0] = inputSize;
        System.arraycopy(hidden, 0, widths, 1, hidden.length);
        widths[widths.length - 1] = 1;
        int layers = widths.length - 1;
        weights = new float[layers][];
        biases = new float[layers][];
        for (int i = 0; i < layers; i++) {
            weights[i] = new float[widths[i] * widths[i + 1]];
            biases[i] = new float[widths[i + 1]];
        }
        resetOptimizer();
    }

    /** A fresh model with weights drawn from the config seed (PyTorch's default uniform(+-1/sqrt(fan_in))). */
    public static PerformanceModel create(int inputSize, ModelConfig config) {
        PerformanceModel model = new PerformanceModel(inputSize, config);
        Random random = new Random(config.seed());
        for (int i = 0; i < model.weights.length; i++) {
            double bound = 1.0 / Math.sqrt(model.widths[i]);
            for (int j = 0; j < model.weights[i].length; j++) {
                model.weights[i][j] = (float) ((random.nextDouble() * 2 - 1) * bound);
            }
            for (int j = 0; j < model.biases[i].length; j++) {
                model.biases[i][j] = (float) ((random.nextDouble() * 2 - 1) * bound);
            }
        }
        return model;
    }

    public PerformanceModel copy() {
        PerformanceModel c = new PerformanceModel(inputSize, config);
        copyArrays(weights, c.weights);
        copyArrays(biases, c.biases);
        copyArrays(momentW, c.momentW);
        copyArrays(momentB, c.momentB);
        copyArrays(velocityW, c.velocityW);
        copyArrays(velocityB, c.velocityB);
        c.adamSteps = adamSteps;
        c.scaleFixed = scaleFixed;
        c.targetMean = targetMean;
        c.targetScale = targetScale;
        c.pretrained = pretrained;
        c.trainingSet.addAll(trainingSet);
        c.lastTraining = lastTraining;
        return c;
    }

    /** Same weights, different training settings (e.g. fewer epochs for adapting a meta-learned init). */
    public PerformanceModel withConfig(ModelConfig newConfig) {
        if (!Arrays.equals(newConfig.hiddenSizes(), config.hiddenSizes())) {
            throw new SearchException("performance model: withConfig cannot change hidden sizes "
                    + Arrays.toString(config.hiddenSizes()) + " -> " + Arrays.toString(newConfig.hiddenSizes()));
        }
        PerformanceModel c = new PerformanceModel(inputSize, newConfig);
        PerformanceModel source = copy();
        copyArrays(source.weights, c.weights);
        copyArrays(source.biases, c.biases);
        c.scaleFixed = scaleFixed;
        c.targetMean = targetMean;
        c.targetScale = targetScale;
        c.pretrained = pretrained;
        c.trainingSet.addAll(trainingSet);
        return c;
    }

    public int inputSize() {
        return inputSize;
    }

    public ModelConfig config() {
        return config;
    }

    public boolean isPretrained() {
        return pretrained;
    }

    public double targetMean() {
        return targetMean;
    }

    public double targetScale() {
        return targetScale;
    }

    public List<Sample> trainingSet() {
        return Collections.unmodifiableList(new ArrayList<>(trainingSet));
    }

    public TrainingReport lastTraining() {
        return lastTraining;
    }

    /**
     * Replaces the training set with {@code samples}, fixes the target scaling from them (z-score, or calibration
     * for a meta-learned model) and trains from the current weights.
     */
    public TrainingReport fit(List<Sample> samples, StageContext ctx) {
        if (samples.isEmpty()) {
            throw new SearchException("performance model: fit needs at least one sample");
        }
        checkSamples(samples);
        trainingSet.clear();
        trainingSet.addAll(samples);
        if (pretrained) {
            calibrateScale();
        } else {
            standardiseScale();
        }
        scaleFixed = true;
        return train(ctx);
    }

    /** Adds {@code newSamples} to the training set and continues training from the current weights and scaling. */
    public TrainingReport update(List<Sample> newSamples, StageContext ctx) {
        if (!scaleFixed) {
            return fit(newSamples, ctx);
        }
        checkSamples(newSamples);
        trainingSet.addAll(newSamples);
        return train(ctx);
    }

    /** Predicted score of one encoded configuration. */
    public double predict(float[] features) {
        if (features.length != inputSize) {
            throw new SearchException("performance model: expected " + inputSize + " features, got "
                    + features.length);
        }
        return predict(features, 1)[0];
    }

    /** Predicted scores of configurations given as rows. */
    public float[] predict(float[][] rows) {
        float[] flat = new float[rows.length * inputSize];
        for (int r = 0; r < rows.length; r++) {
            if (rows[r].length != inputSize) {
                throw new SearchException("performance model: row " + r + " has " + rows[r].length
                        + " features, expected " + inputSize);
            }
            System.arraycopy(rows[r], 0, flat, r * inputSize, inputSize);
        }
        return predictFlat(flat);
    }

    /** Predicted scores of row-major features (length = rows * inputSize), computed in large batches. */
    public float[] predictFlat(float[] flatFeatures) {
        if (flatFeatures.length % inputSize != 0) {
            throw new SearchException("performance model: flat feature array of length " + flatFeatures.length
                    + " is not a multiple of inputSize " + inputSize);
        }
        return predict(flatFeatures, flatFeatures.length / inputSize);
    }

    private float[] predict(float[] flat, int rows) {
        float[] out = predictNormalised(flat, rows);
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (out[i] * targetScale + targetMean);
        }
        return out;
    }

    float[] predictNormalised(float[] flat, int rows) {
        if (rows < JAVA_PREDICT_MAX_ROWS) {
            return javaForward(flat, rows, null);
        }
        float[] out = new float[rows];
        NDManager manager = manager();
        try (NDScope scope = new NDScope()) {
            NDArray[] w = new NDArray[weights.length];
            NDArray[] b = new NDArray[weights.length];
            for (int i = 0; i < weights.length; i++) {
                w[i] = manager.create(weights[i], new Shape(widths[i], widths[i + 1]));
                b[i] = manager.create(biases[i], new Shape(widths[i + 1]));
            }
            for (int start = 0; start < rows; start += PREDICT_BATCH_ROWS) {
                int count = Math.min(PREDICT_BATCH_ROWS, rows - start);
                try (NDScope batchScope = new NDScope()) {
                    NDArray x = manager.create(FloatBuffer.wrap(flat, start * inputSize, count * inputSize),
                            new Shape(count, inputSize));
                    float[] batch = forward(x, w, b).toFloatArray();
                    System.arraycopy(batch, 0, out, start, count);
                }
            }
        }
        return out;
    }

    // ---- training ----

    private TrainingReport train(StageContext ctx) {
        int n = trainingSet.size();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        int heldOut = 0;
        if (n >= config.minPointsForValidation() && config.validationFraction() > 0) {
            Collections.shuffle(order, new Random(config.seed() * 31 + n));
            heldOut = Math.max(1, (int) Math.round(n * config.validationFraction()));
        }
        int trainCount = n - heldOut;
        float[] trainX = new float[trainCount * inputSize];
        float[] trainY = new float[trainCount];
        float[] validX = new float[heldOut * inputSize];
        float[] validY = new float[heldOut];
        for (int i = 0; i < n; i++) {
            Sample s = trainingSet.get(order.get(i));
            float y = (float) ((s.score() - targetMean) / targetScale);
            if (i < trainCount) {
                System.arraycopy(s.features(), 0, trainX, i * inputSize, inputSize);
                trainY[i] = y;
            } else {
                int v = i - trainCount;
                System.arraycopy(s.features(), 0, validX, v * inputSize, inputSize);
                validY[v] = y;
            }
        }
        double best = Double.POSITIVE_INFINITY;
        float[][] bestW = null;
        float[][] bestB = null;
        int sinceBest = 0;
        int epochs = 0;
        boolean stoppedEarly = false;
        while (epochs < config.maxEpochs()) {
            if (epochs % 50 == 0) {
                ctx.checkCancelled("performance-model training");
            }
            double trainLoss = step(trainX, trainY, config.learningRate());
            epochs++;
            if (heldOut == 0 && trainLoss < INTERPOLATION_LOSS) {
                best = trainLoss;
                stoppedEarly = true;
                break;
            }
            double monitored = heldOut > 0 ? loss(validX, validY) : trainLoss;
            if (epochs == 1 || monitored < best - 1e-4 * Math.abs(best) - 1e-9) {
                best = monitored;
                sinceBest = 0;
                if (heldOut > 0) {
                    bestW = deepCopy(weights);
                    bestB = deepCopy(biases);
                }
            } else if (++sinceBest >= config.patience()) {
                stoppedEarly = true;
                break;
            }
        }
        if (bestW != null) {
            copyArrays(bestW, weights);
            copyArrays(bestB, biases);
        }
        lastTraining = new TrainingReport(trainCount, heldOut, epochs, best, stoppedEarly);
        return lastTraining;
    }

    /** Plain Adam steps on already-normalised targets, no early stopping (Reptile's inner loop). */
    void trainSteps(float[] flatX, float[] normalisedY, int steps, double learningRate) {
        for (int s = 0; s < steps; s++) {
            step(flatX, normalisedY, learningRate);
        }
    }

    /** One full-batch Adam step; returns the loss before the step. */
    private double step(float[] x, float[] y, double learningRate) {
        int layers = weights.length;
        float[][] gradW = zerosLike(weights);
        float[][] gradB = zerosLike(biases);
        double lossValue = config.backend() == ModelConfig.TrainingBackend.DJL_AUTOGRAD
                ? autogradGradients(x, y, gradW, gradB)
                : javaGradients(x, y, gradW, gradB);
        adamSteps++;
        double correction1 = 1 - Math.pow(ADAM_BETA1, adamSteps);
        double correction2 = 1 - Math.pow(ADAM_BETA2, adamSteps);
        double decay = 1 - learningRate * config.weightDecay();
        for (int i = 0; i < layers; i++) {
            adam(weights[i], gradW[i], momentW[i], velocityW[i], learningRate, correction1, correction2, decay);
            adam(biases[i], gradB[i], momentB[i], velocityB[i], learningRate, correction1, correction2, 1.0);
        }
        return lossValue;
    }

    /** MSE loss and its gradients through DJL/PyTorch autograd; fresh leaf arrays each call, so nothing to zero. */
    double autogradGradients(float[] flatX, float[] y, float[][] gradW, float[][] gradB) {
        NDManager manager = manager();
        int layers = weights.length;
        int rows = y.length;
        try (NDScope stepScope = new NDScope()) {
            NDArray x = manager.create(flatX, new Shape(rows, inputSize));
            NDArray target = manager.create(y, new Shape(rows, 1));
            NDArray[] w = new NDArray[layers];
            NDArray[] b = new NDArray[layers];
            for (int i = 0; i < layers; i++) {
                w[i] = manager.create(weights[i], new Shape(widths[i], widths[i + 1]));
                b[i] = manager.create(biases[i], new Shape(widths[i + 1]));
                w[i].setRequiresGradient(true);
                b[i].setRequiresGradient(true);
            }
            double lossValue;
            try (GradientCollector collector = engine().newGradientCollector()) {
                NDArray loss = forward(x, w, b).sub(target).square().mean();
                collector.backward(loss);
                lossValue = loss.getFloat();
            }
            for (int i = 0; i < layers; i++) {
                System.arraycopy(w[i].getGradient().toFloatArray(), 0, gradW[i], 0, gradW[i].length);
                System.arraycopy(b[i].getGradient().toFloatArray(), 0, gradB[i], 0, gradB[i].length);
            }
            return lossValue;
        }
    }

    /** MSE loss and its gradients by hand-written backprop (same maths as the autograd path). */
    double javaGradients(float[] flatX, float[] y, float[][] gradW, float[][] gradB) {
        int layers = weights.length;
        int rows = y.length;
        float[][] activations = new float[layers + 1][];
        float[] out = javaForward(flatX, rows, activations);
        float[] delta = new float[rows];
        double loss = 0;
        for (int r = 0; r < rows; r++) {
            double e = out[r] - y[r];
            loss += e * e;
            delta[r] = (float) (2 * e / rows);
        }
        for (int i = layers - 1; i >= 0; i--) {
            int in = widths[i];
            int outW = widths[i + 1];
            float[] a = activations[i];
            float[] gw = gradW[i];
            float[] gb = gradB[i];
            for (int r = 0; r < rows; r++) {
                int dOff = r * outW;
                int aOff = r * in;
                for (int k = 0; k < outW; k++) {
                    gb[k] += delta[dOff + k];
                }
                for (int j = 0; j < in; j++) {
                    float aj = a[aOff + j];
                    if (aj == 0) {
                        continue;
                    }
                    int wOff = j * outW;
                    for (int k = 0; k < outW; k++) {
                        gw[wOff + k] += aj * delta[dOff + k];
                    }
                }
            }
            if (i == 0) {
                break;
            }
            float[] w = weights[i];
            float[] previous = new float[rows * in];
            for (int r = 0; r < rows; r++) {
                int dOff = r * outW;
                for (int j = 0; j < in; j++) {
                    if (a[r * in + j] <= 0) {
                        continue; // ReLU gate: activation of layer i-1 was clipped
                    }
                    int wOff = j * outW;
                    float s = 0;
                    for (int k = 0; k < outW; k++) {
                        s += w[wOff + k] * delta[dOff + k];
                    }
                    previous[r * in + j] = s;
                }
            }
            delta = previous;
        }
        return loss / rows;
    }

    /**
     * Forward pass in Java. When {@code activations} is given, layer inputs are stored there for backprop
     * (activations[0] = x, activations[i] = ReLU output of layer i-1).
     */
    private float[] javaForward(float[] flatX, int rows, float[][] activations) {
        float[] h = flatX;
        for (int i = 0; i < weights.length; i++) {
            if (activations != null) {
                activations[i] = h;
            }
            int in = widths[i];
            int outW = widths[i + 1];
            float[] w = weights[i];
            float[] b = biases[i];
            float[] next = new float[rows * outW];
            boolean hidden = i < weights.length - 1;
            for (int r = 0; r < rows; r++) {
                int nOff = r * outW;
                System.arraycopy(b, 0, next, nOff, outW);
                int hOff = r * in;
                for (int j = 0; j < in; j++) {
                    float hj = h[hOff + j];
                    if (hj == 0) {
                        continue;
                    }
                    int wOff = j * outW;
                    for (int k = 0; k < outW; k++) {
                        next[nOff + k] += hj * w[wOff + k];
                    }
                }
                if (hidden) {
                    for (int k = 0; k < outW; k++) {
                        if (next[nOff + k] < 0) {
                            next[nOff + k] = 0;
                        }
                    }
                }
            }
            h = next;
        }
        return h;
    }

    private static void adam(float[] param, float[] grad, float[] moment, float[] velocity, double lr,
                             double correction1, double correction2, double decay) {
        for (int j = 0; j < param.length; j++) {
            double g = grad[j];
            moment[j] = (float) (ADAM_BETA1 * moment[j] + (1 - ADAM_BETA1) * g);
            velocity[j] = (float) (ADAM_BETA2 * velocity[j] + (1 - ADAM_BETA2) * g * g);
            double mHat = moment[j] / correction1;
            double vHat = velocity[j] / correction2;
            param[j] = (float) (param[j] * decay - lr * mHat / (Math.sqrt(vHat) + ADAM_EPSILON));
        }
    }

    private double loss(float[] x, float[] y) {
        float[] out = javaForward(x, y.length, null);
        double sum = 0;
        for (int r = 0; r < y.length; r++) {
            sum += (out[r] - y[r]) * (out[r] - y[r]);
        }
        return sum / y.length;
    }

    private static NDArray forward(NDArray x, NDArray[] w, NDArray[] b) {
        NDArray h = x;
        for (int i = 0; i < w.length; i++) {
            h = h.matMul(w[i]).add(b[i]);
            if (i < w.length - 1) {
                h = Activation.relu(h);
            }
        }
        return h;
    }

    // ---- target scaling ----

    private void standardiseScale() {
        double mean = 0;
        for (Sample s : trainingSet) {
            mean += s.score();
        }
        mean /= trainingSet.size();
        targetMean = mean;
        targetScale = spreadOrOne(mean);
    }

    /**
     * Meta-learned weights already predict a task's normalised score shape; only its mean and scale are unknown.
     * Least squares of score on normalised prediction gives them even from three points; when that fit is useless
     * (too few points, flat or inverted predictions) fall back to the z-score of the points.
     */
    private void calibrateScale() {
        int n = trainingSet.size();
        double meanY = 0;
        for (Sample s : trainingSet) {
            meanY += s.score();
        }
        meanY /= n;
        double spread = spreadOrOne(meanY);
        targetMean = meanY;
        targetScale = spread;
        if (n < 3) {
            return;
        }
        float[] flat = new float[n * inputSize];
        for (int i = 0; i < n; i++) {
            System.arraycopy(trainingSet.get(i).features(), 0, flat, i * inputSize, inputSize);
        }
        float[] g = predictNormalised(flat, n);
        double meanG = 0;
        for (float v : g) {
            meanG += v;
        }
        meanG /= n;
        double cov = 0;
        double varG = 0;
        for (int i = 0; i < n; i++) {
            double dg = g[i] - meanG;
            cov += dg * (trainingSet.get(i).score() - meanY);
            varG += dg * dg;
        }
        if (varG < 1e-10) {
            return;
        }
        double slope = cov / varG;
        if (slope <= 0) {
            return;
        }
        double clamped = Math.max(0.25 * spread, Math.min(4 * spread, slope));
        targetScale = clamped;
        targetMean = meanY - clamped * meanG;
    }

    private double spreadOrOne(double mean) {
        double var = 0;
        for (Sample s : trainingSet) {
            var += (s.score() - mean) * (s.score() - mean);
        }
        double sd = trainingSet.size() > 1 ? Math.sqrt(var / (trainingSet.size() - 1)) : 0;
        return sd > 1e-9 ? sd : 1.0;
    }

    // ---- meta-learning hooks ----

    /** Moves every weight a fraction of the way toward {@code other}'s (Reptile's outer step). */
    void moveToward(PerformanceModel other, double fraction) {
        for (int i = 0; i < weights.length; i++) {
            lerp(weights[i], other.weights[i], fraction);
            lerp(biases[i], other.biases[i], fraction);
        }
    }

    /** Marks the weights as a meta-learned init in normalised units: scaling is set by the first fit. */
    void markPretrained() {
        pretrained = true;
        scaleFixed = false;
        targetMean = 0;
        targetScale = 1;
        trainingSet.clear();
        resetOptimizer();
    }

    void resetOptimizer() {
        momentW = zerosLike(weights);
        momentB = zerosLike(biases);
        velocityW = zerosLike(weights);
        velocityB = zerosLike(biases);
        adamSteps = 0;
    }

    // ---- serialisation ----

    /**
     * JSON snapshot: config, weights, target scaling, training set. Adam moments are not stored; a restored model
     * starts its next update with fresh moments.
     */
    public ObjectNode toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("inputSize", inputSize);
        ObjectNode cfg = root.putObject("config");
        ArrayNode hidden = cfg.putArray("hiddenSizes");
        for (int h : config.hiddenSizes()) {
            hidden.add(h);
        }
        cfg.put("learningRate", config.learningRate());
        cfg.put("weightDecay", config.weightDecay());
        cfg.put("maxEpochs", config.maxEpochs());
        cfg.put("patience", config.patience());
        cfg.put("validationFraction", config.validationFraction());
        cfg.put("minPointsForValidation", config.minPointsForValidation());
        cfg.put("seed", config.seed());
        cfg.put("backend", config.backend().name());
        root.put("pretrained", pretrained);
        root.put("scaleFixed", scaleFixed);
        root.put("targetMean", targetMean);
        root.put("targetScale", targetScale);
        ArrayNode layers = root.putArray("layers");
        for (int i = 0; i < weights.length; i++) {
            ObjectNode layer = layers.addObject();
            ArrayNode w = layer.putArray("weight");
            for (float v : weights[i]) {
                w.add(v);
            }
            ArrayNode b = layer.putArray("bias");
            for (float v : biases[i]) {
                b.add(v);
            }
        }
        ArrayNode samples = root.putArray("trainingSet");
        for (Sample s : trainingSet) {
            ObjectNode node = samples.addObject();
            ArrayNode f = node.putArray("features");
            for (float v : s.features()) {
                f.add(v);
            }
            node.put("score", s.score());
        }
        return root;
    }

    public byte[] toBytes() {
        try {
            return JSON.writeValueAsBytes(toJson());
        } catch (IOException e) {
            throw new SearchException("performance model: cannot serialise: " + e.getMessage(), e);
        }
    }

    public static PerformanceModel fromBytes(byte[] bytes) {
        try {
            return fromJson(JSON.readTree(bytes));
        } catch (IOException e) {
            throw new SearchException("performance model snapshot is not JSON: " + e.getMessage(), e);
        }
    }

    public static PerformanceModel fromJson(JsonNode root) {
        if (!FORMAT.equals(root.path("format").asText())) {
            throw new SearchException("performance model snapshot: field 'format' must be '" + FORMAT + "', got '"
                    + root.path("format").asText() + "'");
        }
        JsonNode cfg = required(root, "config");
        JsonNode hiddenNode = required(cfg, "hiddenSizes");
        int[] hidden = new int[hiddenNode.size()];
        for (int i = 0; i < hidden.length; i++) {
            hidden[i] = hiddenNode.get(i).asInt();
        }
        ModelConfig config = new ModelConfig(hidden, required(cfg, "learningRate").asDouble(),
                required(cfg, "weightDecay").asDouble(), required(cfg, "maxEpochs").asInt(),
                required(cfg, "patience").asInt(), required(cfg, "validationFraction").asDouble(),
                required(cfg, "minPointsForValidation").asInt(), required(cfg, "seed").asLong(),
                backend(required(cfg, "backend").asText()));
        PerformanceModel model = new PerformanceModel(required(root, "inputSize").asInt(), config);
        model.pretrained = required(root, "pretrained").asBoolean();
        model.scaleFixed = required(root, "scaleFixed").asBoolean();
        model.targetMean = required(root, "targetMean").asDouble();
        model.targetScale = required(root, "targetScale").asDouble();
        JsonNode layers = required(root, "layers");
        if (layers.size() != model.weights.length) {
            throw new SearchException("performance model snapshot: 'layers' has " + layers.size()
                    + " entries, config implies " + model.weights.length);
        }
        for (int i = 0; i < layers.size(); i++) {
            readFloats(required(layers.get(i), "weight"), model.weights[i], "layers[" + i + "].weight");
            readFloats(required(layers.get(i), "bias"), model.biases[i], "layers[" + i + "].bias");
        }
        for (JsonNode node : required(root, "trainingSet")) {
            JsonNode f = required(node, "features");
            float[] features = new float[f.size()];
            readFloats(f, features, "trainingSet.features");
            model.trainingSet.add(new Sample(features, required(node, "score").asDouble()));
        }
        return model;
    }

    private static ModelConfig.TrainingBackend backend(String name) {
        try {
            return ModelConfig.TrainingBackend.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new SearchException("performance model snapshot: unknown config.backend '" + name + "'", e);
        }
    }

    private static JsonNode required(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new SearchException("performance model snapshot: missing field '" + field + "'");
        }
        return v;
    }

    private static void readFloats(JsonNode array, float[] into, String field) {
        if (!array.isArray() || array.size() != into.length) {
            throw new SearchException("performance model snapshot: '" + field + "' must be an array of "
                    + into.length + " numbers, got " + array.size());
        }
        for (int i = 0; i < into.length; i++) {
            into[i] = (float) array.get(i).asDouble();
        }
    }

    // ---- helpers ----

    private void checkSamples(List<Sample> samples) {
        for (int i = 0; i < samples.size(); i++) {
            if (samples.get(i).featureCount() != inputSize) {
                throw new SearchException("performance model: sample " + i + " has " + samples.get(i).featureCount()
                        + " features, expected " + inputSize);
            }
        }
    }

    static Engine engine() {
        return Engine.getEngine("PyTorch");
    }

    static NDManager manager() {
        NDManager m = sharedManager;
        if (m == null) {
            synchronized (PerformanceModel.class) {
                m = sharedManager;
                if (m == null) {
                    m = engine().newBaseManager(Device.cpu());
                    sharedManager = m;
                }
            }
        }
        return m;
    }

    private static void lerp(float[] target, float[] toward, double fraction) {
        for (int j = 0; j < target.length; j++) {
            target[j] += (float) (fraction * (toward[j] - target[j]));
        }
    }

    private static float[][] zerosLike(float[][] arrays) {
        float[][] out = new float[arrays.length][];
        for (int i = 0; i < arrays.length; i++) {
            out[i] = new float[arrays[i].length];
        }
        return out;
    }

    private static float[][] deepCopy(float[][] arrays) {
        float[][] out = new float[arrays.length][];
        for (int i = 0; i < arrays.length; i++) {
            out[i] = arrays[i].clone();
        }
        return out;
    }

    private static void copyArrays(float[][] from, float[][] to) {
        for (int i = 0; i < from.length; i++) {
            System.arraycopy(from[i], 0, to[i], 0, from[i].length);
        }
    }
}
