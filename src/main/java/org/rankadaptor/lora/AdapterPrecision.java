package org.rankadaptor.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import org.rankadaptor.model.GradCasts;
import org.rankadaptor.model.LlamaModel;

/**
 * Adapter parameters are at least float32 whatever the base model's precision, as PEFT keeps them: on an fp16 model
 * the delta is computed in float32 from the upcast input and rounded to fp16 once, so small updates are not lost.
 * A float64 model (gradient checks) gets float64 parameters.
 */
final class AdapterPrecision {
    private AdapterPrecision() {
    }

    /** float32, or the model's precision when that is wider. */
    static DataType parameterType(LlamaModel model) {
        DataType modelType = model.weights().embedTokens().getDataType();
        return modelType == DataType.FLOAT64 ? DataType.FLOAT64 : DataType.FLOAT32;
    }

    /** {@code array} as a parameter of {@code type} that requires gradients. */
    static NDArray trainable(NDArray array, DataType type) {
        NDArray typed = array.getDataType() == type ? array : array.toType(type, false);
        typed.setRequiresGradient(true);
        return typed;
    }

    /** The layer input in the precision of {@code parameter} (gradient flows back through the cast). */
    static NDArray input(NDArray x, NDArray parameter) {
        return GradCasts.cast(x, parameter.getDataType());
    }

    /** A delta computed in float32, in the precision of the layer input {@code like}. */
    static NDArray output(NDArray delta, NDArray like) {
        return GradCasts.cast(delta, like.getDataType());
    }
}
