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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores windows in batches: identical windows once, longest first (so a batch pads little), right padding with
 * an attention mask, one forward pass per batch, log-softmax in float64 over the scored positions only.
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

    /** Results in the order of {@code windows}; progress counts unique windows under {@code step}. */
    public List<Loglikelihood> score(List<ScoringWindow> windows, StageContext context, String step) {
        Map<WindowKey, Integer> uniqueIndex = new LinkedHashMap<>();
        List<ScoringWindow> unique = new ArrayList<>();
        int[] slot = new int[windows.size()];
        for (int i = 0; i < windows.size(); i++) {
            ScoringWindow w = windows.get(i);
            Integer existing = uniqueIndex.putIfAbsent(new WindowKey(w.window(), w.scored()), unique.size());
            if (existing == null) {
                slot[i] = unique.size();
                unique.add(w);
            } else {
                slot[i] = existing;
            }
        }
        Integer[] order = new Integer[unique.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingInt((Integer i) -> -unique.get(i).inputLength()));

        Loglikelihood[] results = new Loglikelihood[unique.size()];
        for (int start = 0; start < order.length; start += batchSize) {
            context.checkCancelled(step);
            int end = Math.min(order.length, start + batchSize);
            List<ScoringWindow> batch = new ArrayList<>();
            for (int i = start; i < end; i++) {
                batch.add(unique.get(order[i]));
            }
            List<Loglikelihood> scored = scoreBatch(batch);
            for (int i = start; i < end; i++) {
                results[order[i]] = scored.get(i - start);
            }
            context.report(step, end, order.length, end + "/" + order.length + " unique requests");
        }
        List<Loglikelihood> out = new ArrayList<>(windows.size());
        for (int s : slot) {
            out.add(results[s]);
        }
        return out;
    }

    /** One forward pass over a right-padded batch. */
    public List<Loglikelihood> scoreBatch(List<ScoringWindow> batch) {
        int rows = batch.size();
        int width = batch.stream().mapToInt(ScoringWindow::inputLength).max().orElseThrow();
        long[] ids = new long[rows * width];
        long[] mask = new long[rows * width];
        int selectedCount = batch.stream().mapToInt(ScoringWindow::scored).sum();
        long[] selectedRows = new long[selectedCount];   // flat (row * width + position) of each scored position
        long[] targets = new long[selectedCount];
        int k = 0;
        for (int b = 0; b < rows; b++) {
            ScoringWindow w = batch.get(b);
            long[] window = w.window();
            int length = w.inputLength();
            System.arraycopy(window, 0, ids, b * width, length);
            Arrays.fill(mask, b * width, b * width + length, 1L);
            for (int p = length - w.scored(); p < length; p++) {
                selectedRows[k] = (long) b * width + p;
                targets[k] = window[p + 1];
                k++;
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
        List<Loglikelihood> out = new ArrayList<>(rows);
        k = 0;
        for (ScoringWindow w : batch) {
            double sum = 0;
            boolean greedy = true;
            for (int j = 0; j < w.scored(); j++, k++) {
                sum += logProbs[k];
                greedy &= argmax[k] == targets[k];
            }
            out.add(new Loglikelihood(sum, greedy, w.scored()));
        }
        return out;
    }

    /** Model input tokens of the distinct windows, i.e. what {@link #score} feeds the model (padding excluded). */
    public static long uniqueInputTokens(List<ScoringWindow> windows) {
        Map<WindowKey, Integer> seen = new LinkedHashMap<>();
        long tokens = 0;
        for (ScoringWindow w : windows) {
            if (seen.putIfAbsent(new WindowKey(w.window(), w.scored()), 0) == null) {
                tokens += w.inputLength();
            }
        }
        return tokens;
    }

    private record WindowKey(long[] window, int scored) {
        @Override
        public boolean equals(Object o) {
            return o instanceof WindowKey key && key.scored == scored && Arrays.equals(key.window, window);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(window) + scored;
        }
    }
}
