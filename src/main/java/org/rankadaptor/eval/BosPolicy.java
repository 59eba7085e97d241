package org.rankadaptor.eval;

/** Whether scored sequences start with BOS. */
public enum BosPolicy {
    /** Current lm-evaluation-harness: BOS first. */
    PREPEND,
    /** The older harness LLM-Pruner ships: no BOS (an empty context is replaced by EOS, as it does). */
    OMIT
}
