package org.rankadaptor.eval;

import java.util.List;
import java.util.OptionalDouble;
import java.util.function.ToDoubleFunction;

/**
 * Task metrics as lm-eval reports them: means over documents, standard error = sample standard deviation
 * (ddof 1) / sqrt(n) (NaN for n < 2). acc_norm is empty for tasks that lm-eval reports with acc only.
 * inputTokens counts the model inputs of the unique scored windows; seconds is the task's wall time.
 */
public record TaskResult(String task, int n, double acc, double accStderr,
                         OptionalDouble accNorm, OptionalDouble accNormStderr, long inputTokens, double seconds) {

    static TaskResult of(Task task, List<DocResult> docs, long inputTokens, double seconds) {
        double acc = mean(docs, DocResult::acc);
        double accStderr = stderr(docs, DocResult::acc);
        if (!task.reportsAccNorm()) {
            return new TaskResult(task.name(), docs.size(), acc, accStderr, OptionalDouble.empty(), OptionalDouble.empty(),
                    inputTokens, seconds);
        }
        return new TaskResult(task.name(), docs.size(), acc, accStderr,
                OptionalDouble.of(mean(docs, DocResult::accNorm)), OptionalDouble.of(stderr(docs, DocResult::accNorm)),
                inputTokens, seconds);
    }

    static double mean(List<DocResult> docs, ToDoubleFunction<DocResult> metric) {
        return docs.stream().mapToDouble(metric).average().orElse(Double.NaN);
    }

    /** lm-eval mean_stderr: sqrt(sample variance / n). */
    static double stderr(List<DocResult> docs, ToDoubleFunction<DocResult> metric) {
        return Statistics.meanStandardError(docs.stream().mapToDouble(metric).toArray());
    }
}
