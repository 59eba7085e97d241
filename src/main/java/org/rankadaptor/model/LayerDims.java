package org.rankadaptor.model;

/** Shape of one decoder layer. Pruned models have different dims per layer. */
public record LayerDims(int numHeads, int numKvHeads, int intermediateSize) {
    public LayerDims {
        if (numHeads <= 0 || numKvHeads <= 0 || intermediateSize <= 0) {
            throw new IllegalArgumentException("layer dims must be positive: " + numHeads + "/" + numKvHeads + "/" + intermediateSize);
        }
        if (numHeads % numKvHeads != 0) {
            throw new IllegalArgumentException("num heads " + numHeads + " not divisible by kv heads " + numKvHeads);
        }
    }

    public int queryHeadsPerKvHead() {
        return numHeads / numKvHeads;
    }
}
