package org.rankadaptor.eval;

import java.util.Arrays;

/**
 * What the model sees for one request: seq = [BOS] + context + continuation, window = seq[-(L+1):],
 * input = window[:-1]; the last {@code scored} input positions predict the last {@code scored} continuation
 * tokens, scored = min(len(continuation), len(input)) (an over-long continuation is scored only where the
 * window predicts it).
 *
 * @param window input followed by the final token; targets of input position p is window[p + 1]
 */
public record ScoringWindow(long[] window, int scored, int continuationTokens) {

    public static ScoringWindow of(TokenizedRequest request, BosPolicy bos, int bosId, int eosId, int maxLength) {
        long[] context = request.contextIds();
        long[] continuation = request.continuationIds();
        long[] prefix;
        if (bos == BosPolicy.PREPEND) {
            prefix = new long[] {bosId};
        } else if (context.length == 0) {
            prefix = new long[] {eosId}; // the old harness scores an empty context after EOS
        } else {
            prefix = new long[0];
        }
        long[] seq = new long[prefix.length + context.length + continuation.length];
        System.arraycopy(prefix, 0, seq, 0, prefix.length);
        System.arraycopy(context, 0, seq, prefix.length, context.length);
        System.arraycopy(continuation, 0, seq, prefix.length + context.length, continuation.length);
        long[] window = Arrays.copyOfRange(seq, Math.max(0, seq.length - (maxLength + 1)), seq.length);
        int inputLength = window.length - 1;
        return new ScoringWindow(window, Math.min(continuation.length, inputLength), continuation.length);
    }

    public int inputLength() {
        return window.length - 1;
    }

    @Override
    public String toString() {
        return "ScoringWindow[input=" + inputLength() + ", scored=" + scored + "/" + continuationTokens + "]";
    }
}
