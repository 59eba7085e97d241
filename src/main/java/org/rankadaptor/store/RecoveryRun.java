package org.rankadaptor.store;

import java.time.Instant;

/**
 * One LoRA / AdaLoRA / RankAdaptor recovery run on {@code modelId}, optionally tied to the pruning run that
 * made it. {@code label} tells runs of the same method apart in comparisons.
 */
public record RecoveryRun(long id, long modelId, Long pruningRunId, RecoveryMethod method, String label,
                          String rankPlanJson, String hyperparamsJson, long seed, RunStatus status,
                          String adapterPath, Long trainableParams, String error, Instant created, Instant updated,
                          Instant heartbeat, Long ownerPid) {
    /** The label, led by the method unless it already starts with it ("LoRA r=8" rather than "LORA LoRA r=8"). */
    public String name() {
        return nameOf(method.name(), label);
    }

    static String nameOf(String method, String label) {
        if (label == null || label.isBlank()) {
            return method;
        }
        return label.toLowerCase(java.util.Locale.ROOT).startsWith(method.toLowerCase(java.util.Locale.ROOT))
                ? label : method + " " + label;
    }

    public RunRef ref() {
        return new RunRef(RunKind.RECOVERY, id);
    }
}
