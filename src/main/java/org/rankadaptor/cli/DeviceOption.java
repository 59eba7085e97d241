package org.rankadaptor.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import org.rankadaptor.lora.ActivationCheckpointing;
import org.rankadaptor.model.LlamaConfig;
import org.rankadaptor.model.MemoryEstimate;
import org.rankadaptor.model.Placement;
import picocli.CommandLine.Option;

import java.io.PrintWriter;

/** --device cpu|gpu|gpu:N, shared by every command that runs the model. */
public class DeviceOption {
    @Option(names = "--device", defaultValue = "cpu", paramLabel = "cpu|gpu:N",
            description = "Where to run: cpu (default, float32) or gpu:N when PyTorch sees a GPU (a -Pcu124 build, or a CUDA libtorch via PYTORCH_LIBRARY_PATH): fp16 weights for inference and LoRA training (adapters stay float32), float32 for importance scoring.")
    String device;

    public Device device() {
        String d = device.trim().toLowerCase(java.util.Locale.ROOT);
        if (d.equals("cpu")) {
            return Device.cpu();
        }
        if (d.equals("gpu") || d.startsWith("gpu:")) {
            int index = d.equals("gpu") ? 0 : parseIndex(d.substring(4));
            int available = Engine.getInstance().getGpuCount();
            if (index >= available) {
                throw new IllegalArgumentException("--device " + device + ": " + available
                        + " GPU(s) visible to PyTorch; on a CUDA machine build with -Pcu124, or point DJL at a CUDA libtorch"
                        + " (PYTORCH_LIBRARY_PATH; see the README's GPU path)");
            }
            return Device.gpu(index);
        }
        throw new IllegalArgumentException("--device must be cpu or gpu:N, got '" + device + "'");
    }

    /** fp32 on CPU (fp16 matmuls on CPU are extremely slow), fp16 weights on GPU. */
    public Placement placement() {
        return Placement.on(device());
    }

    /** Prints the memory an inference job needs and refuses it when the device cannot hold it. */
    public void requireInferenceFits(LlamaConfig config, int batch, int seq, PrintWriter out, String job) {
        requireFits(MemoryEstimate.inference(config, placement().bytesPerWeight(), batch, seq), placement(), out, job);
    }

    /**
     * Prints the memory a fine-tune needs (weights, activations, adapter gradients and AdamW state) under
     * {@code checkpointing} and refuses it when too much.
     */
    public void requireTrainingFits(LlamaConfig config, int microBatch, int seq, long trainableParameters,
                                    ActivationCheckpointing checkpointing, PrintWriter out, String job) {
        requireFits(checkpointing.estimate(config, placement().bytesPerWeight(), microBatch, seq, trainableParameters,
                MemoryEstimate.availableBytes(device())), placement(), out, job);
    }

    /**
     * Prints the memory Taylor importance scoring needs (always float32 weights; {@code gradientBuffers} per weight of
     * one layer, see {@link MemoryEstimate#importance}) and refuses it when too much.
     */
    public void requireImportanceFits(LlamaConfig config, int samples, int seq, int gradientBuffers, PrintWriter out,
                                      String job) {
        requireFits(MemoryEstimate.importance(config, samples, seq, gradientBuffers), placement().withFloat32(), out, job);
    }

    /**
     * Prints the memory zero-shot scoring needs and refuses it when too much. Task windows are short (a context and
     * one choice), so rows are estimated at {@value #TYPICAL_SCORING_TOKENS} tokens unless the length cap is lower.
     */
    public void requireScoringFits(LlamaConfig config, int batch, int maxLength, PrintWriter out, String job) {
        requireFits(MemoryEstimate.scoring(config, placement().bytesPerWeight(), batch,
                Math.min(maxLength, TYPICAL_SCORING_TOKENS)), placement(), out, job);
    }

    private static final int TYPICAL_SCORING_TOKENS = 512;

    private void requireFits(MemoryEstimate need, Placement where, PrintWriter out, String job) {
        out.println("memory estimate: " + need + " on " + where);
        need.requireFits(device(), job);
    }

    private int parseIndex(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--device gpu:N needs a number, got '" + device + "'");
        }
    }
}
