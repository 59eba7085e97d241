package org.rankadaptor.eval;

import java.util.List;

/**
 * Scores of one document.
 *
 * @param loglik             per choice
 * @param continuationTokens per choice, the continuation's token count
 * @param scoredTokens       per choice, the tokens actually scored (fewer only for over-long continuations)
 * @param greedy             per choice, every scored token was the argmax
 * @param pred               argmax of loglik (first on ties)
 * @param predNorm           argmax of loglik / choice length in code points (first on ties)
 */
public record DocResult(String task, int index, int gold, List<Double> loglik, List<Integer> continuationTokens,
                        List<Integer> scoredTokens, List<Boolean> greedy, int pred, int predNorm) {
    public DocResult {
        loglik = List.copyOf(loglik);
        continuationTokens = List.copyOf(continuationTokens);
        scoredTokens = List.copyOf(scoredTokens);
        greedy = List.copyOf(greedy);
    }

    public double acc() {
        return pred == gold ? 1 : 0;
    }

    public double accNorm() {
        return predNorm == gold ? 1 : 0;
    }

    static DocResult of(String task, Doc doc, List<TokenizedRequest> tokens, List<Loglikelihood> scores) {
        int n = doc.requests().size();
        double[] ll = new double[n];
        double[] normalised = new double[n];
        for (int i = 0; i < n; i++) {
            ll[i] = scores.get(i).loglik();
            normalised[i] = ll[i] / PyText.length(doc.choiceStrings().get(i));
        }
        return new DocResult(task, doc.index(), doc.gold(),
                scores.stream().map(Loglikelihood::loglik).toList(),
                tokens.stream().map(t -> t.continuationIds().length).toList(),
                scores.stream().map(Loglikelihood::scoredTokens).toList(),
                scores.stream().map(Loglikelihood::greedy).toList(),
                firstArgmax(ll), firstArgmax(normalised));
    }

    static int firstArgmax(double[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
