package org.rankadaptor.job;

/**
 * How much each RankAdaptor measurement costs: fine-tuning steps and batch, training rows used, and how much of the
 * objective's data is evaluated (perplexity windows or documents per task; 0 = all).
 */
public record Fidelity(int steps, int batchSize, int microBatchSize, int trainRows, int evalLimit, double learningRate,
                       int warmupSteps, int cutoff) {
    public Fidelity {
        if (steps <= 0 || batchSize <= 0 || microBatchSize <= 0 || batchSize % microBatchSize != 0) {
            throw new IllegalArgumentException("fidelity: steps and batch must be positive and batch a multiple of micro-batch");
        }
        if (trainRows < 0 || evalLimit < 0 || cutoff <= 1 || !(learningRate > 0)) {
            throw new IllegalArgumentException("fidelity: rows/limit must be >= 0, cutoff > 1 and learning rate > 0");
        }
    }

    /** Warm-up of a measurement's short fine-tune: a tenth of its steps, at least one. */
    public static int warmupFor(int steps) {
        return Math.max(1, steps / 10);
    }

    /** Cheap enough for a 2-core CPU and a tiny model; raise for real models. */
    public static Fidelity cheap() {
        return new Fidelity(20, 8, 4, 400, 20, 1e-3, 2, 128);
    }
}
