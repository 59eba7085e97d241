package org.rankadaptor.lora;

/**
 * Linear warm-up from 0 to the peak over {@code warmupSteps}, then linear decay to 0 at the last step: Hugging Face's
 * get_linear_schedule_with_warmup, evaluated at the 0-based index of the update (so with warm-up the first update
 * uses lr 0, as in transformers).
 */
public record LearningRateSchedule(double peak, int warmupSteps, int totalSteps) {
    public LearningRateSchedule {
        if (!(peak > 0) || Double.isInfinite(peak) || warmupSteps < 0 || totalSteps <= 0) {
            throw new LoraException("bad learning-rate schedule: lr " + peak + ", warm-up " + warmupSteps
                    + ", total steps " + totalSteps);
        }
    }

    public double at(int step) {
        if (step < warmupSteps) {
            return peak * step / Math.max(1, warmupSteps);
        }
        return peak * Math.max(0.0, (double) (totalSteps - step) / Math.max(1, totalSteps - warmupSteps));
    }
}
