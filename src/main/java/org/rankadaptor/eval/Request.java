package org.rankadaptor.eval;

/** One log-likelihood request as lm-evaluation-harness builds it: score {@code continuation} after {@code context}. */
public record Request(String context, String continuation) {
    public Request {
        if (context == null || continuation == null) {
            throw new EvalDataException("a request needs a context and a continuation");
        }
    }
}
