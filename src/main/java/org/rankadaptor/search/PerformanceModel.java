package org.rankadaptor.search;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.rankadaptor.stage.StageContext;

/**
 * The RankAdaptor performance model: an MLP (default 32-32-32-1, ReLU) from encoded rank vectors to a predicted task
 * score. It puts together parts that can be read and tested alone:
 * <ul>
 *   <li>{@link Mlp}, the network in Java arrays; large batches (the 100,000-candidate sweeps) are predicted on
 *       PyTorch by {@link DjlMlp}, smaller ones in Java;</li>
 *   <li>{@link GradientBackend}: hand-written backprop by default ({@link JavaBackprop},
 *       {@link ModelConfig.TrainingBackend#JAVA}) or DJL/PyTorch autograd ({@link DjlAutograd}); a test checks both
 *       agree. Why the Java default: the training set is tens of points and the net ~2,000 weights, so an autograd
 *       step is ~50 JNI calls of overhead around microseconds of arithmetic (1.5 ms per step on an idle 2-core box,
 *       tens of ms when it is loaded), which made the search tests take minutes; the Java step takes
 *       microseconds;</li>
 *   <li>{@link AdamState}, the optimiser, and {@link EarlyStoppingTrainer}, the training loop;</li>
 *   <li>{@link TargetScaling}: the model learns (score - mean) / scale, fixed at the first {@link #fit} and kept by
 *       {@link #update} so incremental training continues in the same units. A meta-learned model (see
 *       {@link MetaLearner}) instead calibrates mean and scale by regressing the target task's scores on its own
 *       normalised predictions, then adapts;</li>
 *   <li>{@link PerformanceModelCodec}, the JSON snapshot.</li>
 * </ul>
 * Everything random comes from the config seed, so results are deterministic.
 *
 * <p>Not thread-safe; use one instance per thread.
 */
public final class PerformanceModel implements Surrogate {

    private final ModelConfig config;
    private final Mlp net;
    private final EarlyStoppingTrainer trainer;
    private final List<Sample> trainingSet = new ArrayList<>();
    private AdamState adam;
    private TargetScaling scaling = TargetScaling.IDENTITY;
    /** False until the first fit (and again after {@link #markPretrained}): the next fit sets the scaling. */
    private boolean scaleFixed;
    private boolean pretrained;
    private TrainingReport lastTraining = new TrainingReport(0, 0, 0, Double.NaN, false);

    private PerformanceModel(ModelConfig config, Mlp net) {
        this.config = config;
        this.net = net;
        this.trainer = new EarlyStoppingTrainer(config);
        this.adam = new AdamState(net);
    }

    /** A fresh model with weights drawn from the config seed (PyTorch's default uniform(+-1/sqrt(fan_in))). */
    public static PerformanceModel create(int inputSize, ModelConfig config) {
        return new PerformanceModel(config, Mlp.initialised(inputSize, config.hiddenSizes(), config.seed()));
    }

    /** A model as read back from a snapshot (fresh optimiser state). */
    static PerformanceModel restore(ModelConfig config, Mlp net, TargetScaling scaling, boolean scaleFixed,
                                    boolean pretrained, List<Sample> trainingSet) {
        PerformanceModel model = new PerformanceModel(config, net);
        model.scaling = scaling;
        model.scaleFixed = scaleFixed;
        model.pretrained = pretrained;
        model.trainingSet.addAll(trainingSet);
        return model;
    }

    public PerformanceModel copy() {
        PerformanceModel c = restore(config, net.copy(), scaling, scaleFixed, pretrained, trainingSet);
        c.adam = adam.copy();
        c.lastTraining = lastTraining;
        return c;
    }

    /** Same weights, different training settings (e.g. fewer epochs for adapting a meta-learned init). */
    public PerformanceModel withConfig(ModelConfig newConfig) {
        if (!Arrays.equals(newConfig.hiddenSizes(), config.hiddenSizes())) {
            throw new SearchException("performance model: withConfig cannot change hidden sizes "
                    + Arrays.toString(config.hiddenSizes()) + " -> " + Arrays.toString(newConfig.hiddenSizes()));
        }
        return restore(newConfig, net.copy(), scaling, scaleFixed, pretrained, trainingSet);
    }

    @Override
    public int inputSize() {
        return net.inputSize();
    }

    public ModelConfig config() {
        return config;
    }

    public boolean isPretrained() {
        return pretrained;
    }

    boolean isScaleFixed() {
        return scaleFixed;
    }

    public double targetMean() {
        return scaling.mean();
    }

    public double targetScale() {
        return scaling.scale();
    }

    public List<Sample> trainingSet() {
        return Collections.unmodifiableList(new ArrayList<>(trainingSet));
    }

    public TrainingReport lastTraining() {
        return lastTraining;
    }

    Mlp net() {
        return net;
    }

    /**
     * Replaces the training set with {@code samples}, fixes the target scaling from them (z-score, or calibration
     * for a meta-learned model) and trains from the current weights.
     */
    @Override
    public TrainingReport fit(List<Sample> samples, StageContext ctx) {
        if (samples.isEmpty()) {
            throw new SearchException("performance model: fit needs at least one sample");
        }
        checkSamples(samples);
        trainingSet.clear();
        trainingSet.addAll(samples);
        scaling = pretrained
                ? TargetScaling.calibrate(trainingSet, net.predict(flatFeatures(trainingSet), trainingSet.size()))
                : TargetScaling.standardise(trainingSet);
        scaleFixed = true;
        return train(ctx);
    }

    /** Adds {@code newSamples} to the training set and continues training from the current weights and scaling. */
    @Override
    public TrainingReport update(List<Sample> newSamples, StageContext ctx) {
        if (!scaleFixed) {
            return fit(newSamples, ctx);
        }
        checkSamples(newSamples);
        trainingSet.addAll(newSamples);
        return train(ctx);
    }

    private TrainingReport train(StageContext ctx) {
        lastTraining = trainer.train(net, adam, trainingSet, scaling, ctx);
        return lastTraining;
    }

    @Override
    public double predict(float[] features) {
        if (features.length != inputSize()) {
            throw new SearchException("performance model: expected " + inputSize() + " features, got "
                    + features.length);
        }
        return predict(features, 1)[0];
    }

    /** Predicted scores of configurations given as rows. */
    public float[] predict(float[][] rows) {
        int inputSize = inputSize();
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
    @Override
    public float[] predictFlat(float[] flatFeatures) {
        if (flatFeatures.length % inputSize() != 0) {
            throw new SearchException("performance model: flat feature array of length " + flatFeatures.length
                    + " is not a multiple of inputSize " + inputSize());
        }
        return predict(flatFeatures, flatFeatures.length / inputSize());
    }

    private float[] predict(float[] flat, int rows) {
        float[] out = net.predict(flat, rows);
        for (int i = 0; i < out.length; i++) {
            out[i] = scaling.denormalise(out[i]);
        }
        return out;
    }

    // ---- meta-learning hooks ----

    /** Plain Adam steps on already-normalised targets, no early stopping (Reptile's inner loop). */
    void trainSteps(float[] flatX, float[] normalisedY, int steps, double learningRate) {
        trainer.steps(net, adam, flatX, normalisedY, steps, learningRate);
    }

    /** Moves every weight a fraction of the way toward {@code other}'s (Reptile's outer step). */
    void moveToward(PerformanceModel other, double fraction) {
        net.moveToward(other.net, fraction);
    }

    /** Marks the weights as a meta-learned init in normalised units: scaling is set by the first fit. */
    void markPretrained() {
        pretrained = true;
        scaleFixed = false;
        scaling = TargetScaling.IDENTITY;
        trainingSet.clear();
        resetOptimizer();
    }

    void resetOptimizer() {
        adam = new AdamState(net);
    }

    // ---- serialisation: PerformanceModelCodec ----

    public byte[] toBytes() {
        return PerformanceModelCodec.toBytes(this);
    }

    public static PerformanceModel fromBytes(byte[] bytes) {
        return PerformanceModelCodec.fromBytes(bytes);
    }

    // ---- helpers ----

    private float[] flatFeatures(List<Sample> samples) {
        int inputSize = inputSize();
        float[] flat = new float[samples.size() * inputSize];
        for (int i = 0; i < samples.size(); i++) {
            System.arraycopy(samples.get(i).features(), 0, flat, i * inputSize, inputSize);
        }
        return flat;
    }

    private void checkSamples(List<Sample> samples) {
        for (int i = 0; i < samples.size(); i++) {
            if (samples.get(i).featureCount() != inputSize()) {
                throw new SearchException("performance model: sample " + i + " has " + samples.get(i).featureCount()
                        + " features, expected " + inputSize());
            }
        }
    }
}
