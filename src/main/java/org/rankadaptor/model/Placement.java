package org.rankadaptor.model;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Where a model's weights live and in which precision: float32 on the CPU (fp16 matmuls on CPU are extremely slow),
 * fp16 on a GPU for inference and LoRA training (adapter parameters stay float32, see {@link GradCasts}), float32 on
 * a GPU for Taylor importance, whose weight gradients need the range.
 */
public record Placement(Device device, DataType weightType) {
    public Placement {
        if (weightType != DataType.FLOAT32 && weightType != DataType.FLOAT16) {
            throw new IllegalArgumentException("weights are float32 or float16, not " + weightType);
        }
    }

    public static Placement cpu() {
        return new Placement(Device.cpu(), DataType.FLOAT32);
    }

    /** The usual precision for {@code device}: fp16 on a GPU, float32 on the CPU. */
    public static Placement on(Device device) {
        return new Placement(device, device.isGpu() ? DataType.FLOAT16 : DataType.FLOAT32);
    }

    public Placement withFloat32() {
        return new Placement(device, DataType.FLOAT32);
    }

    public int bytesPerWeight() {
        return weightType.getNumOfBytes();
    }

    /** "cpu fp32", "gpu:0 fp16": how runs store it and the status bar shows it. */
    @JsonValue
    @Override
    public String toString() {
        String where = device.isGpu() ? "gpu:" + device.getDeviceId() : "cpu";   // as --device spells it
        return where + " " + (weightType == DataType.FLOAT16 ? "fp16" : "fp32");
    }
}
