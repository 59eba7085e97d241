package org.rankadaptor.ui;

import ai.djl.Device;
import ai.djl.engine.Engine;
import javafx.animation.Animation;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.application.Platform;
import javafx.scene.control.Label;
import javafx.util.Duration;

/**
 * Status-bar label: the compute device DJL will use (probed once on the job thread, since loading the engine's
 * natives takes seconds) and JVM heap used / max, refreshed every two seconds.
 */
public final class DeviceIndicator extends Label {
    private static final long MB = 1L << 20;
    private final Timeline refresh = new Timeline(new KeyFrame(Duration.seconds(2), e -> update()));
    private volatile String device = "device: probing...";

    public DeviceIndicator() {
        setId("deviceIndicator");
        refresh.setCycleCount(Animation.INDEFINITE);
        update();
    }

    /** Starts the memory refresh and queues the engine probe behind any queued jobs. */
    public void start(JobRunner jobs) {
        refresh.play();
        jobs.runAfterQueuedJobs("probe compute device", () -> {
            device = probe();
            Platform.runLater(this::update);
        });
    }

    public void stop() {
        refresh.stop();
    }

    static String probe() {
        try {
            Engine engine = Engine.getInstance();
            int gpus = engine.getGpuCount();
            Device preferred = engine.defaultDevice();
            String gpuText = gpus > 0 ? gpus + " GPU, default " + preferred : "CPU only";
            // LoadedModel uses CheckpointLoader.load(dir), which places weights on the CPU
            return engine.getEngineName() + ": " + gpuText + "  |  models on CPU";
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            return "engine unavailable: " + ErrorMessages.describe(e);
        }
    }

    private void update() {
        Runtime rt = Runtime.getRuntime();
        long used = (rt.totalMemory() - rt.freeMemory()) / MB;
        setText(device + "   |   JVM " + used + " / " + rt.maxMemory() / MB + " MB");
    }
}
