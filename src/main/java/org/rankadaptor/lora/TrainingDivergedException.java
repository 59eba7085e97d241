package org.rankadaptor.lora;

import java.nio.file.Path;

/** The loss became NaN or infinite. The run stopped without writing; the last good checkpoint (if any) is kept. */
public class TrainingDivergedException extends RuntimeException {
    private final int step;
    private final transient Path lastCheckpoint;

    public TrainingDivergedException(int step, double loss, Path lastCheckpoint, int lastCheckpointStep) {
        super("training diverged at step " + step + ": loss is " + loss + "; "
                + (lastCheckpoint == null ? "no checkpoint was written yet"
                : "the last good checkpoint (after step " + lastCheckpointStep + ") is kept in " + lastCheckpoint)
                + ". Lower the learning rate or resume from the checkpoint.");
        this.step = step;
        this.lastCheckpoint = lastCheckpoint;
    }

    /** 1-based optimizer step whose loss was not finite. */
    public int step() {
        return step;
    }

    /** Directory of the last good checkpoint, or null. */
    public Path lastCheckpoint() {
        return lastCheckpoint;
    }
}
