package org.rankadaptor.eval;

/**
 * @param loglik        sum of the scored continuation tokens' log-probabilities
 * @param greedy        every scored continuation token is the argmax at its position
 * @param scoredTokens  continuation tokens inside the window (fewer than the continuation only when it is over-long)
 */
public record Loglikelihood(double loglik, boolean greedy, int scoredTokens) {
}
