package org.rankadaptor.model;

/** LLaMA-3.1 "llama3" RoPE frequency scaling; the only rope_scaling type we apply. */
public record RopeScaling(String type, double factor, double lowFreqFactor, double highFreqFactor,
                          int originalMaxPositionEmbeddings) {

    /** Rescales inverse frequencies as transformers' _compute_llama3_parameters does. */
    public double[] apply(double[] invFreq) {
        double lowFreqWavelen = originalMaxPositionEmbeddings / lowFreqFactor;
        double highFreqWavelen = originalMaxPositionEmbeddings / highFreqFactor;
        double[] scaled = new double[invFreq.length];
        for (int i = 0; i < invFreq.length; i++) {
            double wavelen = 2 * Math.PI / invFreq[i];
            if (wavelen < highFreqWavelen) {
                scaled[i] = invFreq[i];
            } else if (wavelen > lowFreqWavelen) {
                scaled[i] = invFreq[i] / factor;
            } else {
                double smooth = (originalMaxPositionEmbeddings / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
                scaled[i] = (1 - smooth) * invFreq[i] / factor + smooth * invFreq[i];
            }
        }
        return scaled;
    }
}
