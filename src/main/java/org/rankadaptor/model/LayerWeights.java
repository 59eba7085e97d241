package org.rankadaptor.model;

import ai.djl.ndarray.NDArray;

import java.util.List;

/** Weights of one decoder layer. Linear weights are (out, in), as in Hugging Face. */
public record LayerWeights(NDArray inputNorm, NDArray q, NDArray k, NDArray v, NDArray o,
                           NDArray postAttentionNorm, NDArray gate, NDArray up, NDArray down) {

    public NDArray projection(Projection p) {
        switch (p) {
            case Q: return q;
            case K: return k;
            case V: return v;
            case O: return o;
            case GATE: return gate;
            case UP: return up;
            default: return down;
        }
    }

    public List<NDArray> all() {
        return List.of(inputNorm, q, k, v, o, postAttentionNorm, gate, up, down);
    }
}
