package org.rankadaptor.search;

/**
 * What the last fit/update of a {@link PerformanceModel} did.
 *
 * @param points           training points used (held-out ones excluded)
 * @param heldOut          points used only for early stopping (0 when the training loss was watched)
 * @param epochs           full-batch Adam steps taken
 * @param monitoredLoss    best watched loss (validation or training), in normalised units (MSE / scale^2)
 * @param stoppedEarly     true when patience ran out before maxEpochs
 */
public record TrainingReport(int points, int heldOut, int epochs, double monitoredLoss, boolean stoppedEarly) {
}
