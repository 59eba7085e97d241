package org.rankadaptor.search;

import java.util.List;
import org.rankadaptor.stage.StageContext;

/**
 * A trainable predictor of a task score from encoded rank vectors ({@link RankEncoder}): what the search needs of
 * its performance model. {@link PerformanceModel} is the RankAdaptor MLP.
 */
public interface Surrogate {

    /** Length of one encoded configuration. */
    int inputSize();

    /** Replaces the training set with {@code samples} and trains. */
    TrainingReport fit(List<Sample> samples, StageContext ctx);

    /** Adds {@code newSamples} to the training set and continues training. */
    TrainingReport update(List<Sample> newSamples, StageContext ctx);

    /** Predicted score of one encoded configuration. */
    double predict(float[] features);

    /** Predicted scores of row-major features (length = rows * inputSize). */
    float[] predictFlat(float[] flatFeatures);
}
