package org.rankadaptor.store;

import java.time.Instant;

/**
 * One zero-shot task result. {@code runId} is the recovery run whose adapter was evaluated, null for the bare
 * model. Accuracy fields are null for perplexity-only tasks and {@code accNorm} for tasks without it.
 */
public record Evaluation(long id, Long runId, long modelId, String task, int n, Double acc, Double accStderr,
                         Double accNorm, Double accNormStderr, Double perplexity, Instant created) {
}
