package org.rankadaptor.lora;

/**
 * One tokenised training sequence. labels[t] is the token predicted at position t (equal to inputIds[t]) or
 * {@link #IGNORE} where no loss is taken (the prompt with response-only training); position t is predicted from
 * positions before it, as in Hugging Face causal-LM training.
 */
public record TrainingExample(long[] inputIds, long[] labels) {
    public static final long IGNORE = -100;

    public TrainingExample {
        if (inputIds.length == 0 || inputIds.length != labels.length) {
            throw new LoraException("training example needs as many labels as tokens (" + inputIds.length + " vs "
                    + labels.length + ")");
        }
    }

    public int length() {
        return inputIds.length;
    }

    /** Positions that contribute to the loss (labels after the first position that are not ignored). */
    public int lossTokens() {
        int n = 0;
        for (int t = 1; t < labels.length; t++) {
            if (labels[t] != IGNORE) {
                n++;
            }
        }
        return n;
    }
}
