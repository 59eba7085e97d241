package org.rankadaptor.eval;

import java.util.Locale;

/**
 * @param windows         windows scored
 * @param window          tokens per window
 * @param predictedTokens tokens whose NLL was summed (window - 1 per window)
 * @param totalNll        sum of -log p over the predicted tokens
 * @param textTokens      tokens of the whole joined text (BOS included when prepended)
 * @param windowNll       the NLL sum of each window (window - 1 predicted tokens each), for the bootstrap
 *                        interval; empty when not kept
 */
public record PerplexityResult(String file, int windows, int window, long predictedTokens, double totalNll,
                               long textTokens, double seconds, double[] windowNll) {
    public PerplexityResult {
        windowNll = windowNll.clone();
    }

    /** Without per-window sums (no interval). */
    public PerplexityResult(String file, int windows, int window, long predictedTokens, double totalNll,
                            long textTokens, double seconds) {
        this(file, windows, window, predictedTokens, totalNll, textTokens, seconds, new double[0]);
    }

    @Override
    public double[] windowNll() {
        return windowNll.clone();
    }

    /**
     * Percentile bootstrap interval of the perplexity over windows (windows resampled with replacement, the
     * perplexity of each resample exp(sum NLL / predicted tokens)); needs the per-window sums.
     */
    public Statistics.Interval interval(double level, int resamples, long seed) {
        if (windowNll.length < 2) {
            throw new EvalDataException(file + ": a perplexity interval needs the NLL of at least 2 windows, have "
                    + windowNll.length);
        }
        return Statistics.perplexityInterval(windowNll, window - 1, level, resamples, seed);
    }
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
