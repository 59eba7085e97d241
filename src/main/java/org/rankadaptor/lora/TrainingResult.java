package org.rankadaptor.lora;

import java.util.List;

/**
 * Outcome of a training run.
 *
 * @param completedSteps   optimizer steps done in total (including those before a resume)
 * @param finalValLoss     validation loss at the end, NaN when there were no validation rows
 * @param tokensPerSecond  mean training throughput of this session (input tokens, forward + backward + update)
 */
public record TrainingResult(int completedSteps, int totalSteps, double finalTrainLoss, double finalValLoss,
                             double tokensPerSecond, long trainableParameters, List<CurvePoint> curve) {
    public TrainingResult {
        curve = List.copyOf(curve);
    }
}
