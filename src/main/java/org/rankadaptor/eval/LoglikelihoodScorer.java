package org.rankadaptor.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.rankadaptor.job.StageContext;
import org.rankadaptor.model.LinearAdapter;
import org.rankadaptor.model.LlamaModel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores windows in batches: a window whose input is a prefix of another's shares its row, rows go longest first
 * (so a batch pads little), right padded with an attention mask, one forward pass per batch, log-softmax in float64 over the
 * scored positions only.
 */
public final class LoglikelihoodScorer {
    private final LlamaModel model;
    private final LinearAdapter adapter;
    private final int batchSize;

    public LoglikelihoodScorer(LlamaModel model, LinearAdapter adapter, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        this.model = model;
        this.adapter = adapter;
        this.batchSize = batchSize;
    }

    /** Results in the order of {@code windows}; progress counts distinct model inputs under {@code step}. */
    public List<Loglikelihood> score(List<ScoringWindow> windows, StageContext context, String step) {
        List<List<ScoringWindow>> rows = groupBySharedInput(windows);  // longest first, so a batch pads little

        Map<ScoringWindow, Loglikelihood> results = new IdentityHashMap<>();
        for (int start = 0; start < rows.size(); start += batchSize) {
            context.checkCancelled(step);
            int end = Math.min(rows.size(), start + batchSize);
            List<List<ScoringWindow>> batch = rows.subList(start, end);
            List<Loglikelihood> scored = scoreRows(batch);
            int k = 0;
            for (List<ScoringWindow> row : batch) {
                for (ScoringWindow w : row) {
                    results.put(w, scored.get(k++));
                }
            }
            context.report(step, end, rows.size(), end + "/" + rows.size() + " batch rows");
        }
        List<Loglikelihood> out = new ArrayList<>(windows.size());
        for (ScoringWindow w : windows) {
            out.add(results.get(w));
        }
        return out;
    }

    /** One forward pass over a right-padded batch, one row per window. */
    public List<Loglikelihood> scoreBatch(List<ScoringWindow> batch) {
        return scoreRows(batch.stream().map(List::of).toList());
    }

    /**
     * One forward pass over a right-padded batch. The first window of a row is its longest; the input of every other
     * window of the row is a prefix of it, so a causal model gives it the same logits at its positions. Results row
     * by row.
     */
    private List<Loglikelihood> scoreRows(List<List<ScoringWindow>> batch) {
        int rows = batch.size();
        int width = batch.stream().mapToInt(row -> row.get(0).inputLength()).max().orElseThrow();
        long[] ids = new long[rows * width];
        long[] mask = new long[rows * width];
        int selectedCount = batch.stream().flatMap(List::stream).mapToInt(ScoringWindow::scored).sum();
        long[] selectedRows = new long[selectedCount];   // flat (row * width + position) of each scored position
        long[] targets = new long[selectedCount];
        int k = 0;
        for (int b = 0; b < rows; b++) {
            List<ScoringWindow> row = batch.get(b);
            int length = row.get(0).inputLength();
            System.arraycopy(row.get(0).window(), 0, ids, b * width, length);
            Arrays.fill(mask, b * width, b * width + length, 1L);
            for (ScoringWindow w : row) {
                for (int p = w.inputLength() - w.scored(); p < w.inputLength(); p++) {
                    selectedRows[k] = (long) b * width + p;
                    targets[k] = w.window()[p + 1];
                    k++;
                }
            }
        }
        double[] logProbs;
        long[] argmax;
        try (NDManager manager = model.manager().newSubManager(); NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray input = manager.create(ids, new Shape(rows, width));
            NDArray attention = manager.create(mask, new Shape(rows, width));
            NDArray logits = model.forward(input, attention, adapter, null);              // (rows, width, vocab)
            long vocab = logits.getShape().get(2);
            NDArray flat = logits.reshape(rows * (long) width, vocab);                     // (rows * width, vocab)
            NDArray picked = flat.get(new NDIndex("{}", manager.create(selectedRows)));    // (selected, vocab)
            NDArray logSoftmax = picked.toType(DataType.FLOAT64, false).logSoftmax(-1);    // (selected, vocab)
            NDArray target = manager.create(targets, new Shape(selectedCount, 1));
            logProbs = logSoftmax.gather(target, 1).reshape(selectedCount).toDoubleArray(); // (selected)
            argmax = picked.argMax(-1).toType(DataType.INT64, false).toLongArray();         // (selected)
        }
        List<Loglikelihood> out = new ArrayList<>();
        k = 0;
        for (List<ScoringWindow> row : batch) {
            for (ScoringWindow w : row) {
                double sum = 0;
                boolean greedy = true;
                for (int j = 0; j < w.scored(); j++, k++) {
                    sum += logProbs[k];
                    greedy &= argmax[k] == targets[k];
                }
                out.add(new Loglikelihood(sum, greedy, w.scored()));
            }
        }
        return out;
    }

    /** Model input tokens of the distinct inputs, i.e. what {@link #score} feeds the model (padding excluded). */
    public static long uniqueInputTokens(List<ScoringWindow> windows) {
        return groupBySharedInput(windows).stream().mapToLong(row -> row.get(0).inputLength()).sum();
    }

    /**
     * Rows of windows that one forward pass can score: a window joins the row of a longer window whose input starts
     * with its input (" no" and " y|es" after the same passage; identical windows), else it starts a row. Each row
     * begins with its longest window. Only the last {@link #PREFIX_REACH} prefixes of a row are looked up, enough for
     * choices of one document, which differ only in their continuation.
     */
    private static List<List<ScoringWindow>> groupBySharedInput(List<ScoringWindow> windows) {
        List<ScoringWindow> longestFirst = new ArrayList<>(windows);
        longestFirst.sort(Comparator.comparingInt((ScoringWindow w) -> -w.inputLength()));
        Map<InputPrefix, List<ScoringWindow>> rowByPrefix = new HashMap<>();
        List<List<ScoringWindow>> rows = new ArrayList<>();
        for (ScoringWindow w : longestFirst) {
            long[] prefixHashes = prefixHashes(w.window(), w.inputLength());
            List<ScoringWindow> row = rowByPrefix.get(new InputPrefix(w.window(), w.inputLength(), prefixHashes));
            if (row != null) {
                row.add(w);
                continue;
            }
            row = new ArrayList<>();
            row.add(w);
            rows.add(row);
            for (int length = w.inputLength(); length >= Math.max(1, w.inputLength() - PREFIX_REACH); length--) {
                rowByPrefix.putIfAbsent(new InputPrefix(w.window(), length, prefixHashes), row);
            }
        }
        return rows;
    }

    private static final int PREFIX_REACH = 64;

    /** hashes[n] = hash of tokens[0 .. n - 1]. */
    private static long[] prefixHashes(long[] tokens, int length) {
        long[] hashes = new long[length + 1];
        for (int i = 0; i < length; i++) {
            hashes[i + 1] = 1_000_003L * hashes[i] + tokens[i] + 1;
        }
        return hashes;
    }

    /** The first {@code length} tokens of {@code tokens}, compared by content. */
    private record InputPrefix(long[] tokens, int length, long[] prefixHashes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof InputPrefix other && other.length == length
                    && Arrays.equals(other.tokens, 0, length, tokens, 0, length);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(prefixHashes[length]);
        }
    }
}
