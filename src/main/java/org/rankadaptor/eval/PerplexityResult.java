package org.rankadaptor.eval;

import java.util.Locale;

/**
 * @param windows         windows scored
 * @param window          tokens per window
 * @param predictedTokens tokens whose NLL was summed (window - 1 per window)
 * @param totalNll        sum of -log p over the predicted tokens
 * @param textTokens      tokens of the whole joined text (BOS included when prepended)
 */
public record PerplexityResult(String file, int windows, int window, long predictedTokens, double totalNll,
                               long textTokens, double seconds) {
    public double meanNll() {
        return totalNll / predictedTokens;
    }

    /** exp(total NLL / predicted tokens). */
    public double perplexity() {
        return Math.exp(meanNll());
    }

    public String summary() {
        return String.format(Locale.ROOT, "%s: perplexity %.4f (mean NLL %.6f over %d tokens in %d windows of %d; text %d tokens; %.1f s)",
                file, perplexity(), meanNll(), predictedTokens, windows, window, textTokens, seconds);
    }
}
