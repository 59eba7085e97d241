package org.rankadaptor.lora;

/** How long to train: a number of optimizer steps, or a number of epochs over the training rows. */
public record RunLength(int maxSteps, double epochs) {
    public RunLength {
        if ((maxSteps > 0) == (epochs > 0) || maxSteps < 0 || epochs < 0 || Double.isInfinite(epochs)) {
            throw new LoraException("give either a positive step count or a positive number of epochs (got steps "
                    + maxSteps + ", epochs " + epochs + ")");
        }
    }

    public static RunLength steps(int steps) {
        return new RunLength(steps, 0);
    }

    public static RunLength epochs(double epochs) {
        return new RunLength(0, epochs);
    }

    /** Optimizer steps; with epochs, ceil(epochs x rows / batch) (the data is a stream of reshuffled epochs). */
    public int totalSteps(int trainRows, int batchSize) {
        if (maxSteps > 0) {
            return maxSteps;
        }
        return (int) Math.max(1, Math.ceil(epochs * trainRows / batchSize));
    }
}
