package org.rankadaptor.eval;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rankadaptor.stage.StageContext;
import org.rankadaptor.model.LinearAdapter;
import org.rankadaptor.model.LlamaModel;
import org.rankadaptor.TinyModels;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoglikelihoodScorerTest {

    /**
     * Choices of one document share the context: one pass over each (left-padded) context plus cached continuation
     * passes, and rows shared by prefix, must score exactly like one window per forward pass.
     */
    @Test
    void sharedRowsScoreLikeSeparateForwardPasses(@TempDir Path dir) {
        Random random = new Random(3);
        List<ScoringWindow> windows = new ArrayList<>();
        for (int doc = 0; doc < 6; doc++) {
            // doc 0's context is longer than the 40-token window, so its windows are truncated from the left
            long[] context = randomTokens(random, doc == 0 ? 45 : 5 + random.nextInt(20));
            for (int choice = 0; choice < 3; choice++) {
                long[] continuation = randomTokens(random, 1 + random.nextInt(4));
                windows.add(ScoringWindow.of(new TokenizedRequest(context, continuation), BosPolicy.PREPEND, 1, 2, 40));
            }
            // A one-token choice whose input is the bare context, and an exact duplicate of it.
            long[] single = {random.nextInt(64)};
            windows.add(ScoringWindow.of(new TokenizedRequest(context, single), BosPolicy.PREPEND, 1, 2, 40));
            windows.add(ScoringWindow.of(new TokenizedRequest(context, single), BosPolicy.PREPEND, 1, 2, 40));
        }
        try (LlamaModel model = TinyModels.write(dir, TinyModels.groupedTied(), 11)) {
            LoglikelihoodScorer scorer = new LoglikelihoodScorer(model, LinearAdapter.NONE, 4);
            List<Loglikelihood> shared = scorer.score(windows, StageContext.none(), "score");
            long sharedTokens = LoglikelihoodScorer.uniqueInputTokens(windows);
            long separateTokens = windows.stream().mapToLong(ScoringWindow::inputLength).sum();
            assertTrue(sharedTokens < separateTokens, sharedTokens + " >= " + separateTokens);
            for (int i = 0; i < windows.size(); i++) {
                Loglikelihood alone = scorer.scoreBatch(List.of(windows.get(i))).get(0);
                assertEquals(alone.loglik(), shared.get(i).loglik(), 1e-4, "window " + i);
                assertEquals(alone.greedy(), shared.get(i).greedy(), "window " + i);
                assertEquals(alone.scoredTokens(), shared.get(i).scoredTokens(), "window " + i);
            }
        }
    }

    private static long[] randomTokens(Random random, int length) {
        long[] tokens = new long[length];
        for (int i = 0; i < length; i++) {
            tokens[i] = 3 + random.nextInt(61);
        }
        return tokens;
    }
}
