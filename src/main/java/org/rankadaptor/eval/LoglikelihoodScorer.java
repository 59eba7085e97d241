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
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores windows in batches: windows with the same input tokens share one row, rows go longest first (so a batch
 * pads little), right padded with an attention mask, one forward pass per batch, log-softmax in float64 over the
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
        List<List<ScoringWindow>> rows = groupBySharedInput(windows);
        rows.sort(Comparator.comparingInt((List<ScoringWindow> row) -> -row.get(0).inputLength()));

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
            context.report(step, end, rows.size(), end + "/" + rows.size() + " distinct inputs");
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
     * One forward pass over a right-padded batch; every window of a row has the same input tokens, so they differ
     * only in the final target (boolq's "no"/"yes") and are read from the same logits. Results row by row.
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
                for (int p = length - w.scored(); p < length; p++) {
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

    /** Windows with identical input tokens (window without its last token), in first-seen order. */
    private static List<List<ScoringWindow>> groupBySharedInput(List<ScoringWindow> windows) {
        Map<InputKey, List<ScoringWindow>> rows = new LinkedHashMap<>();
        for (ScoringWindow w : windows) {
            rows.computeIfAbsent(new InputKey(w.window()), key -> new ArrayList<>()).add(w);
        }
        return new ArrayList<>(rows.values());
    }

    /** Equality on window[0 .. length - 2], the tokens the model reads. */
    private record InputKey(long[] window) {
        @Override
        public boolean equals(Object o) {
            return o instanceof InputKey key
                    && Arrays.equals(key.window, 0, key.window.length - 1, window, 0, window.length - 1);
        }

        @Override
        public int hashCode() {
            int h = 1;
            for (int i = 0; i < window.length - 1; i++) {
                h = 31 * h + Long.hashCode(window[i]);
            }
            return h;
        }
    }
}
