package org.rankadaptor.search;

/** Makes the starting performance model for ensemble member {@code memberIndex} (0 when there is no ensemble). */
@FunctionalInterface
public interface ModelFactory {
    PerformanceModel create(int memberIndex);

    /** Fresh random weights; member i uses seed {@code config.seed() + 1000 * i}. */
    static ModelFactory coldStart(int inputSize, ModelConfig config) {
        return memberIndex -> PerformanceModel.create(inputSize, config.withSeed(config.seed() + 1000L * memberIndex));
    }
}
