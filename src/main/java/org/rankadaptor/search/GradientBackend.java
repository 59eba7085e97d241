package org.rankadaptor.search;

/**
 * Computes the MSE loss of an {@link Mlp} on a full batch and its gradient with respect to every parameter. The
 * two implementations do the same maths (a test checks they agree); {@link ModelConfig.TrainingBackend} picks one.
 */
interface GradientBackend {

    /**
     * Writes d(loss)/d(parameter) into {@code gradient} (same shape as {@code net}, overwritten, not accumulated
     * into) and returns the loss, both for the parameters as they are before any update.
     */
    double lossAndGradient(Mlp net, float[] flatX, float[] y, Mlp gradient);

    static GradientBackend of(ModelConfig.TrainingBackend backend) {
        return switch (backend) {
            case JAVA -> new JavaBackprop();
            case DJL_AUTOGRAD -> new DjlAutograd();
        };
    }
}
