package org.rankadaptor.search;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.rankadaptor.stage.StageContext;

/**
 * Full-batch Adam on MSE, at most {@code maxEpochs} steps per call, with early stopping: on a held-out fraction
 * (restoring the best weights) when there are at least {@code minPointsForValidation} points, otherwise on the
 * training loss, also stopping once that loss is below {@link #INTERPOLATION_LOSS}, i.e. the points are fitted.
 * The hold-out split is drawn from the config seed and the point count, so training is deterministic.
 */
final class EarlyStoppingTrainer {

    /** Training MSE (normalised units, i.e. 1% of the score spread) treated as "fits the points"; stop there. */
    static final double INTERPOLATION_LOSS = 1e-4;
    private static final int CANCEL_CHECK_EPOCHS = 50;

    private final ModelConfig config;
    private final GradientBackend backend;

    EarlyStoppingTrainer(ModelConfig config) {
        this.config = config;
        this.backend = GradientBackend.of(config.backend());
    }

    /** Plain Adam steps on already-normalised targets, no early stopping (Reptile's inner loop). */
    void steps(Mlp net, AdamState adam, float[] flatX, float[] normalisedY, int steps, double learningRate) {
        for (int s = 0; s < steps; s++) {
            adam.step(net, backend, flatX, normalisedY, learningRate, config.weightDecay());
        }
    }

    /** Trains {@code net} on {@code samples}, whose scores are normalised with {@code scaling}. */
    TrainingReport train(Mlp net, AdamState adam, List<Sample> samples, TargetScaling scaling, StageContext ctx) {
        int inputSize = net.inputSize();
        int n = samples.size();
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
            Sample s = samples.get(order.get(i));
            float y = scaling.normalise(s.score());
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
        Mlp bestNet = null;
        int sinceBest = 0;
        int epochs = 0;
        boolean stoppedEarly = false;
        while (epochs < config.maxEpochs()) {
            if (epochs % CANCEL_CHECK_EPOCHS == 0) {
                ctx.checkCancelled("performance-model training");
            }
            double trainLoss = adam.step(net, backend, trainX, trainY, config.learningRate(), config.weightDecay());
            epochs++;
            if (heldOut == 0 && trainLoss < INTERPOLATION_LOSS) {
                best = trainLoss;
                stoppedEarly = true;
                break;
            }
            double monitored = heldOut > 0 ? net.meanSquaredError(validX, validY) : trainLoss;
            if (epochs == 1 || monitored < best - 1e-4 * Math.abs(best) - 1e-9) {
                best = monitored;
                sinceBest = 0;
                if (heldOut > 0) {
                    bestNet = net.copy();
                }
            } else if (++sinceBest >= config.patience()) {
                stoppedEarly = true;
                break;
            }
        }
        if (bestNet != null) {
            net.copyFrom(bestNet);
        }
        return new TrainingReport(trainCount, heldOut, epochs, best, stoppedEarly);
    }
}
