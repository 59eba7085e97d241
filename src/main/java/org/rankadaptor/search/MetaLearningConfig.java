package org.rankadaptor.search;

/**
 * Reptile settings for {@link MetaLearner}.
 *
 * @param model              architecture and optimiser of the performance model; its maxEpochs is replaced by
 *                           {@code adaptationEpochs} in the returned init
 * @param metaIterations     outer Reptile steps (one source task each)
 * @param innerSteps         Adam steps on one task's subset per outer step
 * @param innerBatch         points of the task drawn per outer step (few-shot, like the online phase)
 * @param outerStepStart     Reptile interpolation factor at the first outer step ...
 * @param outerStepEnd       ... annealed linearly to this at the last
 * @param adaptationEpochs   maxEpochs of each fit/update on the target task, starting from the init
 */
public record MetaLearningConfig(ModelConfig model, int metaIterations, int innerSteps, int innerBatch,
                                 double outerStepStart, double outerStepEnd, int adaptationEpochs) {

    public MetaLearningConfig {
        if (model == null) {
            throw new SearchException("meta-learning config: model config is null");
        }
        if (metaIterations < 1 || innerSteps < 1 || innerBatch < 1 || adaptationEpochs < 0) {
            throw new SearchException("meta-learning config: need metaIterations, innerSteps, innerBatch >= 1 and"
                    + " adaptationEpochs >= 0, got " + metaIterations + ", " + innerSteps + ", " + innerBatch + ", "
                    + adaptationEpochs);
        }
        if (!(outerStepStart > 0 && outerStepStart <= 1 && outerStepEnd >= 0 && outerStepEnd <= outerStepStart)) {
            throw new SearchException("meta-learning config: need 0 <= outerStepEnd <= outerStepStart <= 1, got "
                    + outerStepStart + ", " + outerStepEnd);
        }
    }

    public static MetaLearningConfig defaults() {
        return new MetaLearningConfig(ModelConfig.defaults(), 300, 10, 16, 1.0, 0.05, 100);
    }

    public MetaLearningConfig withMetaIterations(int iterations) {
        return new MetaLearningConfig(model, iterations, innerSteps, innerBatch, outerStepStart, outerStepEnd,
                adaptationEpochs);
    }

    public MetaLearningConfig withModel(ModelConfig newModel) {
        return new MetaLearningConfig(newModel, metaIterations, innerSteps, innerBatch, outerStepStart, outerStepEnd,
                adaptationEpochs);
    }
}
