package org.rankadaptor.search;

import java.util.Arrays;

/**
 * Shape and training settings of a {@link PerformanceModel}.
 *
 * @param hiddenSizes            widths of the ReLU hidden layers (paper default 32-32-32, output 1)
 * @param learningRate           Adam step size
 * @param weightDecay            decoupled (AdamW-style) decay per step, keeps few-point fits smooth
 * @param maxEpochs              full-batch Adam steps per fit/update call, at most
 * @param patience               steps without improvement before early stopping
 * @param validationFraction     share of points held out for early stopping when there are enough points
 * @param minPointsForValidation below this many points early stopping watches the training loss instead
 * @param seed                   weight init and hold-out split
 * @param backend                who computes training gradients (prediction of big batches always uses PyTorch)
 */
public record ModelConfig(int[] hiddenSizes, double learningRate, double weightDecay, int maxEpochs, int patience,
                          double validationFraction, int minPointsForValidation, long seed, TrainingBackend backend) {

    /** Gradient computation for training. Both give the same gradients (checked by a test). */
    public enum TrainingBackend {
        /**
         * Hand-written backprop over Java arrays. Default: training sets are tens to hundreds of points and the net
         * has ~2,000 weights, so a step is microseconds of arithmetic, while the autograd path costs ~50 JNI calls
         * (milliseconds, far more on a loaded 2-core machine) per step.
         */
        JAVA,
        /** DJL NDArrays on the PyTorch engine with its autograd (GradientCollector). */
        DJL_AUTOGRAD
    }

    public ModelConfig {
        hiddenSizes = hiddenSizes.clone();
        for (int h : hiddenSizes) {
            if (h <= 0) {
                throw new SearchException("model config: hidden sizes must be positive, got "
                        + Arrays.toString(hiddenSizes));
            }
        }
        if (!(learningRate > 0)) {
            throw new SearchException("model config: learningRate must be > 0, got " + learningRate);
        }
        if (!(weightDecay >= 0)) {
            throw new SearchException("model config: weightDecay must be >= 0, got " + weightDecay);
        }
        if (maxEpochs < 0 || patience <= 0) {
            throw new SearchException("model config: need maxEpochs >= 0 and patience > 0, got " + maxEpochs
                    + ", " + patience);
        }
        if (backend == null) {
            throw new SearchException("model config: backend is null");
        }
        if (!(validationFraction >= 0 && validationFraction < 1)) {
            throw new SearchException("model config: validationFraction must be in [0, 1), got "
                    + validationFraction);
        }
    }

    public static ModelConfig defaults() {
        return new ModelConfig(new int[] {32, 32, 32}, 0.01, 1e-4, 300, 30, 0.2, 20, 42L, TrainingBackend.JAVA);
    }

    public ModelConfig withBackend(TrainingBackend newBackend) {
        return new ModelConfig(hiddenSizes, learningRate, weightDecay, maxEpochs, patience, validationFraction,
                minPointsForValidation, seed, newBackend);
    }

    @Override
    public int[] hiddenSizes() {
        return hiddenSizes.clone();
    }

    public ModelConfig withSeed(long newSeed) {
        return new ModelConfig(hiddenSizes, learningRate, weightDecay, maxEpochs, patience, validationFraction,
                minPointsForValidation, newSeed, backend);
    }

    public ModelConfig withMaxEpochs(int epochs) {
        return new ModelConfig(hiddenSizes, learningRate, weightDecay, epochs, patience, validationFraction,
                minPointsForValidation, seed, backend);
    }

    public ModelConfig withLearningRate(double rate) {
        return new ModelConfig(hiddenSizes, rate, weightDecay, maxEpochs, patience, validationFraction,
                minPointsForValidation, seed, backend);
    }

    public ModelConfig withHiddenSizes(int[] sizes) {
        return new ModelConfig(sizes, learningRate, weightDecay, maxEpochs, patience, validationFraction,
                minPointsForValidation, seed, backend);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelConfig c && Arrays.equals(hiddenSizes, c.hiddenSizes)
                && learningRate == c.learningRate && weightDecay == c.weightDecay && maxEpochs == c.maxEpochs
                && patience == c.patience && validationFraction == c.validationFraction
                && minPointsForValidation == c.minPointsForValidation && seed == c.seed && backend == c.backend;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(hiddenSizes) * 31 + Long.hashCode(seed) + maxEpochs;
    }

    @Override
    public String toString() {
        return "ModelConfig[hidden=" + Arrays.toString(hiddenSizes) + ", lr=" + learningRate + ", wd=" + weightDecay
                + ", maxEpochs=" + maxEpochs + ", patience=" + patience + ", validationFraction="
                + validationFraction + ", minPointsForValidation=" + minPointsForValidation + ", seed=" + seed + ", backend=" + backend + "]";
    }
}
