package org.rankadaptor.lora;

import java.util.OptionalDouble;

/**
 * One point of the training curve after optimizer step {@code step} (1-based: the number of updates made).
 *
 * @param trainLoss       mean token loss of the step's batch (before the update)
 * @param validationLoss  mean token loss on the validation rows after the update, when validated at this step
 * @param learningRate    the learning rate the update used
 * @param tokensPerSecond input tokens of the batch over the step's wall time
 */
public record CurvePoint(int step, double trainLoss, OptionalDouble validationLoss, double learningRate,
                         double tokensPerSecond) {
}
