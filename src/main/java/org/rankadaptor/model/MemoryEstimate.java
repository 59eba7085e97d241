package org.rankadaptor.model;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;

/**
 * A job's memory needs, printed before it starts: weights, activations (what autograd keeps for backward, or one
 * decoder layer's working set and the logits for inference, since the forward pass releases each layer's
 * intermediates), optimizer or gradient state, and the runtime itself (JVM, libtorch, tokenizer: measured about
 * 300 MiB resident on the CPU before any weight is loaded). Checked against measured peaks on the TinyLlama-1.1B
 * preset (docs/BENCHMARKS.md, "Real size").
 */
public record MemoryEstimate(long weightBytes, long activationBytes, long optimizerBytes, long runtimeBytes) {
    /** Resident memory of the JVM, libtorch and the tokenizer with no model loaded (CPU; also counted on a GPU). */
    public static final long RUNTIME_BYTES = 320L << 20;

    public long totalBytes() {
        return weightBytes + activationBytes + optimizerBytes + runtimeBytes;
    }

    /** For inference (evaluation, generation, perplexity): no optimizer; one layer's working set plus the logits. */
    public static MemoryEstimate inference(LlamaConfig config, int bytesPerWeight, int batch, int seq) {
        return new MemoryEstimate(config.totalParameters() * bytesPerWeight,
                layerActivations(config, batch, seq, 1) + logits(config, batch, seq), 0, RUNTIME_BYTES);
    }

    /**
     * For zero-shot scoring: as {@link #inference}, but the float32 logits once, since the scorer takes the
     * log-softmax (in float64) of the continuation positions only, not of every position.
     */
    public static MemoryEstimate scoring(LlamaConfig config, int bytesPerWeight, int batch, int seq) {
        return new MemoryEstimate(config.totalParameters() * bytesPerWeight,
                layerActivations(config, batch, seq, 1) + logits(config, batch, seq) / 2, 0, RUNTIME_BYTES);
    }

    /** For training with {@code trainableParameters} parameters getting gradients and AdamW state. */
    public static MemoryEstimate training(LlamaConfig config, int bytesPerWeight, int microBatch, int seq, long trainableParameters) {
        long activations = layerActivations(config, microBatch, seq, config.numLayers()) + 3 * logits(config, microBatch, seq);
        return new MemoryEstimate(config.totalParameters() * bytesPerWeight, activations, trainableParameters * 4L * 4,
                RUNTIME_BYTES);
    }

    /**
     * For training with activation checkpointing: every layer's float32 input (and the top hidden state), a one-byte
     * dropout mask per adapted input (all seven projections assumed), one layer's autograd working set while it is
     * recomputed, the logits' backward, and the adapter's gradients and AdamW state.
     */
    public static MemoryEstimate checkpointedTraining(LlamaConfig config, int bytesPerWeight, int microBatch, int seq,
                                                      long trainableParameters) {
        long tokens = (long) microBatch * seq;
        long inputs = (config.numLayers() + 1) * tokens * config.hiddenSize() * 4;
        long masks = 0;
        for (int i = 0; i < config.numLayers(); i++) {
            LayerDims d = config.layer(i);
            masks += tokens * (5L * config.hiddenSize() + (long) d.numHeads() * config.headDim() + d.intermediateSize());
        }
        long activations = inputs + masks + layerActivations(config, microBatch, seq, 1) + 3 * logits(config, microBatch, seq);
        return new MemoryEstimate(config.totalParameters() * bytesPerWeight, activations, trainableParameters * 4L * 4,
                RUNTIME_BYTES);
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

    /** Float32 logits and their log-softmax over every position. */
    private static long logits(LlamaConfig config, int batch, int seq) {
        return 2L * batch * seq * config.vocabSize() * 4;
    }

    /**
     * Taylor importance, scored layer by layer: float32 weights; in the optimizer column, {@code gradientBuffers}
     * float32 copies of the largest layer (its gradient, plus the sum and sum of squares for estimators that need
     * per-sample squares); activations: every sample's input to every layer and the gradient arriving from above,
     * one layer's autograd working set and the logits of one sample.
     */
    public static MemoryEstimate importance(LlamaConfig config, int samples, int seq, int gradientBuffers) {
        long largestLayer = 0;
        for (int i = 0; i < config.numLayers(); i++) {
            largestLayer = Math.max(largestLayer, config.layerParameters(i));
        }
        long states = (long) samples * (config.numLayers() + 1) * seq * config.hiddenSize() * 4;
        long activations = states + layerActivations(config, 1, seq, 1) + 3 * logits(config, 1, seq);
        return new MemoryEstimate(config.totalParameters() * 4, activations, largestLayer * 4 * gradientBuffers,
                RUNTIME_BYTES);
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
        return String.format("weights %s, activations %s, optimizer/gradients %s, runtime %s, total %s", human(weightBytes),
                human(activationBytes), human(optimizerBytes), human(runtimeBytes), human(totalBytes()));
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
