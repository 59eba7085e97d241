package org.rankadaptor.ui;

import ai.djl.Device;
import ai.djl.engine.Engine;
import javafx.animation.Animation;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.application.Platform;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.util.Duration;
import javafx.util.StringConverter;
import org.rankadaptor.model.Placement;

import java.util.ArrayList;
import java.util.List;

/**
 * Status-bar label: the engine and its GPUs (probed once on the job thread, since loading the engine's natives takes
 * seconds) and JVM heap used / max, refreshed every two seconds; beside it the device choice (CPU, or each GPU once
 * the probe found them) that models opened and jobs started afterwards use.
 */
public final class DeviceIndicator extends Label {
    private static final long MB = 1L << 20;
    private final Timeline refresh = new Timeline(new KeyFrame(Duration.seconds(2), e -> update()));
    private final ChoiceBox<Placement> choice = new ChoiceBox<>();
    private volatile String device = "device: probing...";

    public DeviceIndicator() {
        setId("deviceIndicator");
        refresh.setCycleCount(Animation.INDEFINITE);
        choice.setId("deviceChoice");
        choice.getItems().add(Placement.cpu());
        choice.setValue(Placement.cpu());
        choice.setConverter(new StringConverter<>() {
            @Override
            public String toString(Placement placement) {
                return placement == null ? "" : placement.toString();
            }

            @Override
            public Placement fromString(String text) {
                throw new UnsupportedOperationException();
            }
        });
        choice.setTooltip(new Tooltip("Device for models opened and jobs started from now on: CPU (float32) or a GPU "
                + "(fp16 weights, float32 LoRA; importance scoring in float32). Reopen a model to move it."));
        update();
    }

    /** The device choice, for the status bar and to bind to the workbench state. */
    public ChoiceBox<Placement> choice() {
        return choice;
    }

    /** Starts the memory refresh and queues the engine probe behind any queued jobs. */
    public void start(JobRunner jobs) {
        refresh.play();
        jobs.runAfterQueuedJobs("probe compute device", () -> {
            device = probe();
            List<Placement> gpus = gpuPlacements();
            Platform.runLater(() -> {
                choice.getItems().addAll(gpus);
                update();
            });
        });
    }

    private static List<Placement> gpuPlacements() {
        List<Placement> out = new ArrayList<>();
        try {
            for (int i = 0; i < Engine.getInstance().getGpuCount(); i++) {
                out.add(Placement.on(Device.gpu(i)));
            }
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            // the probe text already says the engine is unavailable
        }
        return out;
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
            return engine.getEngineName() + ": " + gpuText;
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
