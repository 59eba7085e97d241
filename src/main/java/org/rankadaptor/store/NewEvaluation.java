package org.rankadaptor.store;

/** A task result to store; see {@link Evaluation}. */
public record NewEvaluation(Long runId, long modelId, String task, int n, Double acc, Double accStderr,
                            Double accNorm, Double accNormStderr, Double perplexity) {
    public NewEvaluation {
        if (task == null || task.isBlank()) {
            throw new StoreException("evaluation task name must be given for model " + modelId);
        }
        if (n <= 0) {
            throw new StoreException("evaluation of task " + task + " must count > 0 examples, got " + n);
        }
        if (acc == null && accNorm == null && perplexity == null) {
            throw new StoreException("evaluation of task " + task + " has no acc, acc_norm or perplexity");
        }
    }
}
