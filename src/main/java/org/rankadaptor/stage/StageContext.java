package org.rankadaptor.stage;

/** What every long-running stage receives: where to report progress and how to learn it should stop. */
public record StageContext(ProgressListener progress, CancelCheck cancel) {
    public static StageContext none() {
        return new StageContext(ProgressListener.NONE, CancelCheck.NEVER);
    }

    public void report(String step, long done, long total, String message) {
        progress.onProgress(step, done, total, message);
    }

    public void checkCancelled(String step) {
        cancel.throwIfCancelled(step);
    }
}
