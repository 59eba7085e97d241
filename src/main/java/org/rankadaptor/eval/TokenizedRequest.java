package org.rankadaptor.eval;

import org.rankadaptor.model.TextTokenizer;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/** Context and continuation token ids of a request, without BOS, split the way lm-eval splits them. */
public record TokenizedRequest(long[] contextIds, long[] continuationIds) {

    /**
     * Encodes requests: trailing whitespace of the context moves to the front of the continuation, then
     * whole = enc(context + continuation), ctx = enc(context), continuation = whole[len(ctx):]. Context encodings
     * are cached, as the choices of a document share their context.
     */
    public static final class Encoder {
        private final TextTokenizer tokenizer;
        private final Map<String, long[]> contextCache = new HashMap<>();

        public Encoder(TextTokenizer tokenizer) {
            this.tokenizer = tokenizer;
        }

        public TokenizedRequest encode(Request request) {
            String context = PyText.rstrip(request.context());
            String continuation = request.context().substring(context.length()) + request.continuation();
            long[] whole = tokenizer.encode(context + continuation);
            long[] contextIds = contextCache.computeIfAbsent(context, tokenizer::encode);
            if (whole.length <= contextIds.length) {
                throw new EvalDataException("continuation " + abbreviate(request.continuation())
                        + " encodes to no tokens after context " + abbreviate(request.context()));
            }
            return new TokenizedRequest(contextIds, Arrays.copyOfRange(whole, contextIds.length, whole.length));
        }

        private static String abbreviate(String s) {
            String oneLine = s.replace("\n", "\\n");
            return "'" + (oneLine.length() <= 50 ? oneLine : oneLine.substring(0, 47) + "...") + "'";
        }
    }
}
