package org.rankadaptor.model;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;

/**
 * A job's memory needs, printed before it starts: weights, activations kept for backward (or one forward's working
 * set), and optimizer state (AdamW: two moments plus the gradient per trainable parameter, float32).
 */
public record MemoryEstimate(long weightBytes, long activationBytes, long optimizerBytes) {

    public long totalBytes() {
        return weightBytes + activationBytes + optimizerBytes;
    }

    /** For inference (evaluation, generation, importance forward): no optimizer, no stored activations. */
    public static MemoryEstimate inference(LlamaConfig config, int bytesPerWeight, int batch, int seq) {
        return new MemoryEstimate(config.totalParameters() * bytesPerWeight, layerActivations(config, batch, seq, 1) + logits(config, batch, seq), 0);
    }

    /** For training with {@code trainableParameters} parameters getting gradients and AdamW state. */
    public static MemoryEstimate training(LlamaConfig config, int bytesPerWeight, int microBatch, int seq, long trainableParameters) {
        long activations = layerActivations(config, microBatch, seq, config.numLayers()) + 3 * logits(config, microBatch, seq);
        return new MemoryEstimate(config.totalParameters() * bytesPerWeight, activations, trainableParameters * 4L * 4);
    }

    /** Float32 activations a layer keeps for backward: residual stream, q/k/v/o, attention probabilities, MLP. */
    private static long layerActivations(LlamaConfig config, int batch, int seq, int layers) {
        long total = 0;
        for (int i = 0; i < Math.min(layers, config.numLayers()); i++) {
            LayerDims d = config.layer(i);
            long tokens = (long) batch * seq;
            long perToken = 6L * config.hiddenSize() + 2L * (d.numHeads() + d.numKvHeads()) * config.headDim()
                    + 4L * d.intermediateSize();
            long attention = 2L * batch * d.numHeads() * seq * seq;
            total += (tokens * perToken + attention) * 4;
        }
        return total;
    }

    private static long logits(LlamaConfig config, int batch, int seq) {
        return 2L * batch * seq * config.vocabSize() * 4;
    }

    /**
     * Taylor importance: float32 weights, a gradient and up to two float32 accumulators per weight (in the optimizer
     * column), and the activations of one calibration sample kept for backward.
     */
    public static MemoryEstimate importance(LlamaConfig config, int seq) {
        long parameters = config.totalParameters();
        long activations = layerActivations(config, 1, seq, config.numLayers()) + 3 * logits(config, 1, seq);
        return new MemoryEstimate(parameters * 4, activations, parameters * 12);
    }

    /** Memory the device can give a new job: free GPU memory, or physical RAM on CPU (tensors live off the Java heap). */
    public static long availableBytes(Device device) {
        if (device.isGpu()) {
            MemoryUsage usage = CudaUtils.getGpuMemory(device);
            return usage.getMax() - usage.getUsed();
        }
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean) {
            com.sun.management.OperatingSystemMXBean sun = (com.sun.management.OperatingSystemMXBean) os;
            return sun.getFreeMemorySize() + cachedFileBytes();
        }
        return Runtime.getRuntime().maxMemory();
    }

    /** Page cache counts as available on Linux; read it so a busy cache does not refuse jobs that fit. */
    private static long cachedFileBytes() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/meminfo"))) {
                if (line.startsWith("Cached:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (java.io.IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    /** Throws a readable refusal when the estimate exceeds what the device has. */
    public void requireFits(Device device, String job) {
        long available = availableBytes(device);
        if (totalBytes() > available) {
            throw new IllegalStateException(String.format(
                    "%s needs about %s (%s) but %s has %s available; lower the batch size or sequence length, or use a larger device",
                    job, human(totalBytes()), this, device, human(available)));
        }
    }

    @Override
    public String toString() {
        return String.format("weights %s, activations %s, optimizer %s", human(weightBytes), human(activationBytes), human(optimizerBytes));
    }

    public static String human(long bytes) {
        if (bytes < 1024L * 1024) {
            return String.format("%.1f KiB", bytes / 1024.0);
        }
        if (bytes < 1024L * 1024 * 1024) {
            return String.format("%.1f MiB", bytes / (1024.0 * 1024));
        }
        return String.format("%.2f GiB", bytes / (1024.0 * 1024 * 1024));
    }
}
