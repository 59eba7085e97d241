package org.rankadaptor.search;

/**
 * Adam optimiser state for one {@link Mlp} (first and second moments per parameter, step count) and the update
 * with decoupled (AdamW-style) weight decay on the weights, none on the biases.
 */
final class AdamState {

    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPSILON = 1e-8;

    private final Mlp moment;
    private final Mlp velocity;
    private final Mlp gradient;
    private long steps;

    /** Fresh state (zero moments) for a net shaped like {@code net}. */
    AdamState(Mlp net) {
        moment = net.zerosLike();
        velocity = net.zerosLike();
        gradient = net.zerosLike();
    }

    AdamState copy() {
        AdamState c = new AdamState(moment);
        c.moment.copyFrom(moment);
        c.velocity.copyFrom(velocity);
        c.steps = steps;
        return c;
    }

    /** One full-batch step on (x, y) with gradients from {@code backend}; returns the loss before the step. */
    double step(Mlp net, GradientBackend backend, float[] x, float[] y, double learningRate, double weightDecay) {
        double lossValue = backend.lossAndGradient(net, x, y, gradient);
        steps++;
        double correction1 = 1 - Math.pow(BETA1, steps);
        double correction2 = 1 - Math.pow(BETA2, steps);
        double decay = 1 - learningRate * weightDecay;
        for (int i = 0; i < net.layerCount(); i++) {
            update(net.weights[i], gradient.weights[i], moment.weights[i], velocity.weights[i], learningRate,
                    correction1, correction2, decay);
            update(net.biases[i], gradient.biases[i], moment.biases[i], velocity.biases[i], learningRate,
                    correction1, correction2, 1.0);
        }
        return lossValue;
    }

    private static void update(float[] param, float[] grad, float[] moment, float[] velocity, double lr,
                               double correction1, double correction2, double decay) {
        for (int j = 0; j < param.length; j++) {
            double g = grad[j];
            moment[j] = (float) (BETA1 * moment[j] + (1 - BETA1) * g);
            velocity[j] = (float) (BETA2 * velocity[j] + (1 - BETA2) * g * g);
            double mHat = moment[j] / correction1;
            double vHat = velocity[j] / correction2;
            param[j] = (float) (param[j] * decay - lr * mHat / (Math.sqrt(vHat) + EPSILON));
        }
    }
}
