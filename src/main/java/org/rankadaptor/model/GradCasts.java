package org.rankadaptor.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Dtype casts that stay on the autograd graph. On PyTorch, DJL's {@code NDArray.toType} detaches its result, so a
 * cast inside the forward pass of an fp16 model with fp32 LoRA parameters would cut the gradient. Type promotion
 * against a one-element array (upcast) and an in-place add into a zero array (downcast) are recorded ops whose
 * backward casts the gradient back.
 */
public final class GradCasts {
    private GradCasts() {
    }

    /** {@code x} in {@code type}, with gradient flowing back to {@code x}; {@code x} itself when it has that type. */
    public static NDArray cast(NDArray x, DataType type) {
        DataType from = x.getDataType();
        if (from == type) {
            return x;
        }
        if (!from.isFloating() || !type.isFloating()) {
            throw new IllegalArgumentException("grad-preserving casts are between floating types, not " + from
                    + " -> " + type);
        }
        if (type.getNumOfBytes() > from.getNumOfBytes()) {
            return x.mul(x.getManager().ones(new Shape(1), type));                  // promotion: same values, wider
        }
        return x.getManager().zeros(x.getShape(), type).addi(x);                     // in-place add rounds to type
    }

    /** fp16/bf16 to float32 (for reductions); float32 and float64 stay as they are. */
    public static NDArray widenHalf(NDArray x) {
        DataType type = x.getDataType();
        return type == DataType.FLOAT16 || type == DataType.BFLOAT16 ? cast(x, DataType.FLOAT32) : x;
    }
}
