package org.rankadaptor.lora;

/** Receives a curve point after every optimizer step, on the training thread (e.g. to record it in the store). */
@FunctionalInterface
public interface TrainingListener {
    void onStep(CurvePoint point);

    TrainingListener NONE = point -> { };
}
