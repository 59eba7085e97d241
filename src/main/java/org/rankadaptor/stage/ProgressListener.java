package org.rankadaptor.stage;

/** Receives progress from a long-running stage. Called on the stage's worker thread. */
@FunctionalInterface
public interface ProgressListener {
    /**
     * @param step     short name of what is running, e.g. "finetune"
     * @param done     units finished so far
     * @param total    units in all, or -1 when unknown
     * @param message  human-readable detail, may be empty
     */
    void onProgress(String step, long done, long total, String message);

    ProgressListener NONE = (step, done, total, message) -> { };
}
