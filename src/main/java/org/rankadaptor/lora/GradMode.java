package org.rankadaptor.lora;

import ai.djl.engine.Engine;

/**
 * PyTorch's grad mode is thread-local and on by default in new threads; DJL only switches it off on the thread that
 * started the engine. Training may run on any worker thread, and evaluation and in-place updates must not record
 * graphs, so the trainer switches it off on its own thread (the GradientCollector turns it on while collecting).
 */
final class GradMode {
    private GradMode() {
    }

    static void disable() {
        if ("PyTorch".equals(Engine.getInstance().getEngineName())) {
            ai.djl.pytorch.jni.JniUtils.setGradMode(false);
        }
    }
}
