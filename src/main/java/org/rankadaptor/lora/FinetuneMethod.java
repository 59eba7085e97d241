package org.rankadaptor.lora;

/**
 * How a recovery fine-tune is set up: uniform LoRA, AdaLoRA (ranks pruned while training), or LoRA with the ranks of
 * a RankAdaptor rank JSON or of a custom plan file. The store records the same choice as its own
 * {@code RecoveryMethod} (the store depends on no stage); the job layer maps one to the other.
 */
public enum FinetuneMethod {
    LORA,
    ADALORA,
    RANKADAPTOR,
    CUSTOM
}
