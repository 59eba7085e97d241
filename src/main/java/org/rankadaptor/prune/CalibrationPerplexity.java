package org.rankadaptor.prune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.rankadaptor.stage.StageContext;
import org.rankadaptor.model.LlamaModel;
import org.rankadaptor.model.TextTokenizer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Minimal token-weighted perplexity, exp(total NLL / predicted tokens), for depth pruning's PPL criterion and the
 * pruning tables. Rows of equal length are batched together, so no padding is needed.
 */
public final class CalibrationPerplexity {
    public static final String STEP = "perplexity";
    private static final int BATCH = 16;

    private CalibrationPerplexity() {
    }

    /** Rows of a text file as BOS + tokens, truncated to {@code maxTokens}; rows shorter than 2 tokens are dropped. */
    public static List<long[]> rows(Path file, TextTokenizer tokenizer, int maxTokens) {
        List<long[]> rows = new ArrayList<>();
        for (String text : TextRows.read(file)) {
            long[] ids = TextRows.withBos(tokenizer, text);
            if (ids.length >= 2) {
                rows.add(ids.length <= maxTokens ? ids : java.util.Arrays.copyOf(ids, maxTokens));
            }
        }
        return rows;
    }

    public static double perplexity(LlamaModel model, List<long[]> rows, StageContext ctx) {
        Map<Integer, List<long[]>> byLength = new TreeMap<>();
        for (long[] row : rows) {
            byLength.computeIfAbsent(row.length, k -> new ArrayList<>()).add(row);
        }
        double nll = 0;
        long tokens = 0;
        int done = 0;
        try (NDManager scratch = model.manager().newSubManager()) {
            for (Map.Entry<Integer, List<long[]>> e : byLength.entrySet()) {
                int length = e.getKey();
                List<long[]> group = e.getValue();
                for (int start = 0; start < group.size(); start += BATCH) {
                    ctx.checkCancelled(STEP);
                    int n = Math.min(BATCH, group.size() - start);
                    long[] flat = new long[n * length];
                    for (int i = 0; i < n; i++) {
                        System.arraycopy(group.get(start + i), 0, flat, i * length, length);
                    }
                    try (NDScope scope = new NDScope()) {
                        NDArray ids = scratch.create(flat, new Shape(n, length));
                        NDArray logits = model.logits(ids.get(":, :-1"));                    // (n, L-1, vocab)
                        NDArray logp = LlamaModel.targetLogProbs(logits, ids.get(":, 1:"));  // (n, L-1)
                        nll -= logp.toType(DataType.FLOAT64, false).sum().getDouble();
                    }
                    tokens += (long) n * (length - 1);
                    done += n;
                    ctx.report(STEP, done, rows.size(), "");
                }
            }
        }
        if (tokens == 0) {
            throw new IllegalArgumentException("perplexity needs at least one row of 2 or more tokens");
        }
        return Math.exp(nll / tokens);
    }
}
