package org.rankadaptor.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.rankadaptor.stage.StageContext;
import org.rankadaptor.model.KvCache;
import org.rankadaptor.model.LinearAdapter;
import org.rankadaptor.model.LlamaModel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Scores windows in batches. Choices that share a context run that context once and continue from its cached keys
 * and values; other windows go in rows, where a window whose input is a prefix of another's shares its row, rows go
 * longest first (so a batch pads little), right padded with an attention mask, one forward pass per batch, log-softmax in float64 over the
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

    /**
     * Results in the order of {@code windows}; progress counts forward batches under {@code step}. Choices that share
     * their context are scored from one pass over that context ({@link #scoreSharedContexts}); the other windows in
     * right-padded rows ({@link #scoreRows}).
     */
    public List<Loglikelihood> score(List<ScoringWindow> windows, StageContext context, String step) {
        List<List<ScoringWindow>> contexts = groupBySharedContext(windows);   // longest context first
        Set<ScoringWindow> shared = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        contexts.forEach(shared::addAll);
        List<List<ScoringWindow>> rows = groupBySharedInput(
                windows.stream().filter(w -> !shared.contains(w)).toList());  // longest first, so a batch pads little

        Map<ScoringWindow, Loglikelihood> results = new IdentityHashMap<>();
        int batches = (contexts.size() + batchSize - 1) / batchSize + (rows.size() + batchSize - 1) / batchSize;
        int done = 0;
        for (int start = 0; start < contexts.size(); start += batchSize) {
            context.checkCancelled(step);
            scoreSharedContexts(contexts.subList(start, Math.min(contexts.size(), start + batchSize)), results);
            done++;
            context.report(step, done, batches, done + "/" + batches + " batches");
        }
        for (int start = 0; start < rows.size(); start += batchSize) {
            context.checkCancelled(step);
            List<List<ScoringWindow>> batch = rows.subList(start, Math.min(rows.size(), start + batchSize));
            List<Loglikelihood> scored = scoreRows(batch);
            int k = 0;
            for (List<ScoringWindow> row : batch) {
                for (ScoringWindow w : row) {
                    results.put(w, scored.get(k++));
                }
            }
            done++;
            context.report(step, done, batches, done + "/" + batches + " batches");
        }
        List<Loglikelihood> out = new ArrayList<>(windows.size());
        for (ScoringWindow w : windows) {
            out.add(results.get(w));
        }
        return out;
    }

    /**
     * Each group is the choices of one context. Pass 1 runs the contexts, left padded so every context ends in the
     * last column (rotary attention depends only on relative positions, so the shift changes nothing), keeping keys
     * and values; its last position predicts each choice's first token. Pass 2 runs every choice's remaining tokens
     * after its own context's cached keys and values, right padded.
     */
    private void scoreSharedContexts(List<List<ScoringWindow>> groups, Map<ScoringWindow, Loglikelihood> results) {
        int groupCount = groups.size();
        int contextWidth = groups.stream().mapToInt(g -> contextLength(g.get(0))).max().orElseThrow();
        long[] contextIds = new long[groupCount * contextWidth];
        long[] contextMask = new long[groupCount * contextWidth];
        List<ScoringWindow> choices = new ArrayList<>();
        List<Integer> groupOfChoice = new ArrayList<>();
        for (int g = 0; g < groupCount; g++) {
            ScoringWindow first = groups.get(g).get(0);
            int length = contextLength(first);
            int pad = contextWidth - length;
            System.arraycopy(first.window(), 0, contextIds, g * contextWidth + pad, length);
            Arrays.fill(contextMask, g * contextWidth + pad, (g + 1) * contextWidth, 1L);
            for (ScoringWindow w : groups.get(g)) {
                choices.add(w);
                groupOfChoice.add(g);
            }
        }
        int rows = choices.size();
        long[] rowGroup = groupOfChoice.stream().mapToLong(Integer::longValue).toArray();
        long[] firstTargets = new long[rows];
        for (int r = 0; r < rows; r++) {
            ScoringWindow w = choices.get(r);
            firstTargets[r] = w.window()[contextLength(w)];
        }
        double[] firstLogProbs;
        long[] firstArgmax;
        // per choice r, token j >= 1 of its continuation: entry restOffset[r] + j - 1
        int[] restOffset = new int[rows + 1];
        for (int r = 0; r < rows; r++) {
            restOffset[r + 1] = restOffset[r] + choices.get(r).continuationTokens() - 1;
        }
        double[] restLogProbs = new double[restOffset[rows]];
        long[] restArgmax = new long[restOffset[rows]];
        long[] restTargets = new long[restOffset[rows]];
        for (int r = 0; r < rows; r++) {
            ScoringWindow w = choices.get(r);
            for (int j = 1; j < w.continuationTokens(); j++) {
                restTargets[restOffset[r] + j - 1] = w.window()[contextLength(w) + j];
            }
        }
        try (NDManager manager = model.manager().newSubManager(); NDScope scope = new NDScope();
             KvCache cache = new KvCache(model.config().numLayers())) {
            scope.suppressNotUsedWarning();
            NDArray input = manager.create(contextIds, new Shape(groupCount, contextWidth));
            NDArray attention = manager.create(contextMask, new Shape(groupCount, contextWidth));
            NDArray logits = model.forward(input, attention, adapter, cache);             // (groups, width, vocab)
            NDArray rowIndex = manager.create(rowGroup);                                    // (rows)
            NDArray last = logits.get(":, -1, :").get(new NDIndex("{}", rowIndex));         // (rows, vocab)
            firstLogProbs = targetLogProbs(last, firstTargets);                             // (rows)
            firstArgmax = argmax(last);                                                     // (rows)
            // Pass 2 in chunks of choices of similar length (a batch pads to its longest choice).
            Integer[] byRest = new Integer[rows];
            for (int r = 0; r < rows; r++) {
                byRest[r] = r;
            }
            Arrays.sort(byRest, Comparator.comparingInt((Integer r) -> -choices.get(r).continuationTokens()));
            for (int from = 0; from < rows; from += batchSize) {
                List<Integer> chunk = Arrays.asList(byRest).subList(from, Math.min(rows, from + batchSize));
                if (choices.get(chunk.get(0)).continuationTokens() > 1) {
                    scoreRest(chunk, choices, rowGroup, contextMask, contextWidth, cache, manager, restOffset,
                            restLogProbs, restArgmax);
                }
            }
        }
        int k = 0;
        for (int r = 0; r < rows; r++) {
            ScoringWindow w = choices.get(r);
            double sum = firstLogProbs[r];
            boolean greedy = firstArgmax[r] == firstTargets[r];
            for (int j = 1; j < w.continuationTokens(); j++, k++) {
                sum += restLogProbs[k];
                greedy &= restArgmax[k] == restTargets[k];
            }
            results.put(w, new Loglikelihood(sum, greedy, w.scored()));
        }
    }

    /**
     * Pass 2 for a chunk of choices (longest first): their tokens after the first, right padded, continuing from
     * their contexts' cached keys and values. Writes log-probs and argmaxes at {@code restOffset[choice] + j}.
     */
    private void scoreRest(List<Integer> chunk, List<ScoringWindow> choices, long[] rowGroup, long[] contextMask,
                           int contextWidth, KvCache contexts, NDManager manager, int[] restOffset,
                           double[] restLogProbs, long[] restArgmax) {
        int rows = chunk.size();
        int restWidth = choices.get(chunk.get(0)).continuationTokens() - 1;
        int total = contextWidth + restWidth;
        long[] ids = new long[rows * restWidth];
        long[] mask = new long[rows * total];
        long[] groups = new long[rows];
        int selectedCount = chunk.stream().mapToInt(r -> choices.get(r).continuationTokens() - 1).sum();
        long[] selected = new long[selectedCount];   // flat (row * restWidth + position) of each scored position
        long[] targets = new long[selectedCount];
        int[] destination = new int[selectedCount];
        int k = 0;
        for (int i = 0; i < rows; i++) {
            int r = chunk.get(i);
            ScoringWindow w = choices.get(r);
            int start = contextLength(w);
            groups[i] = rowGroup[r];
            System.arraycopy(contextMask, (int) rowGroup[r] * contextWidth, mask, i * total, contextWidth);
            for (int j = 0; j < w.continuationTokens() - 1; j++) {
                ids[i * restWidth + j] = w.window()[start + j];                 // choice token j predicts token j + 1
                mask[i * total + contextWidth + j] = 1L;
                selected[k] = (long) i * restWidth + j;
                targets[k] = w.window()[start + j + 1];
                destination[k] = restOffset[r] + j;
                k++;
            }
        }
        try (NDScope scope = new NDScope(); KvCache cache = contexts.selectRows(manager.create(groups))) {
            scope.suppressNotUsedWarning();
            NDArray input = manager.create(ids, new Shape(rows, restWidth));
            NDArray attention = manager.create(mask, new Shape(rows, total));
            NDArray logits = model.forward(input, attention, adapter, cache);               // (rows, rest, vocab)
            long vocab = logits.getShape().get(2);
            NDArray picked = logits.reshape((long) rows * restWidth, vocab)
                    .get(new NDIndex("{}", manager.create(selected)));                      // (selected, vocab)
            double[] logProbs = targetLogProbs(picked, targets);                            // (selected)
            long[] argmax = argmax(picked);                                                 // (selected)
            for (int i = 0; i < selectedCount; i++) {
                restLogProbs[destination[i]] = logProbs[i];
                restArgmax[destination[i]] = argmax[i];
            }
        }
    }

    /** log p(targets[i]) from row i of logits (n, vocab), log-softmax in float64. */
    private static double[] targetLogProbs(NDArray logits, long[] targets) {
        NDArray target = logits.getManager().create(targets, new Shape(targets.length, 1));    // (n, 1)
        return logits.toType(DataType.FLOAT64, false).logSoftmax(-1)
                .gather(target, 1).reshape(targets.length).toDoubleArray();                   // (n)
    }

    /** The most likely token of each row of logits (n, vocab). */
    private static long[] argmax(NDArray logits) {
        return logits.argMax(-1).toType(DataType.INT64, false).toLongArray();                 // (n)
    }

    /** Tokens before the continuation inside the window. */
    private static int contextLength(ScoringWindow w) {
        return w.window().length - w.continuationTokens();
    }

    /**
     * Windows whose whole continuation is scored and that share their context tokens with another window, grouped
     * by context (at least as long as the longest choice), longest context first. Other windows are left out.
     */
    private static List<List<ScoringWindow>> groupBySharedContext(List<ScoringWindow> windows) {
        Map<InputPrefix, List<ScoringWindow>> byContext = new java.util.LinkedHashMap<>();
        for (ScoringWindow w : windows) {
            int length = contextLength(w);
            if (w.scored() != w.continuationTokens() || w.continuationTokens() < 1 || length < 1) {
                continue;
            }
            byContext.computeIfAbsent(new InputPrefix(w.window(), length, prefixHashes(w.window(), length)),
                    key -> new ArrayList<>()).add(w);
        }
        // Sharing pays when the context is at least as long as the longest choice (measured on stories260K at one
        // thread: boolq 1.75x, arc 2-2.5x, hellaswag 1.3x faster; piqa, whose solutions outgrow the goal, 2x slower).
        List<List<ScoringWindow>> groups = new ArrayList<>(byContext.values().stream()
                .filter(g -> g.size() > 1 && contextLength(g.get(0))
                        >= g.stream().mapToInt(ScoringWindow::continuationTokens).max().orElseThrow())
                .toList());
        groups.sort(Comparator.comparingInt((List<ScoringWindow> g) -> -contextLength(g.get(0))));
        return groups;
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
            logProbs = targetLogProbs(picked, targets);                                     // (selected)
            argmax = argmax(picked);                                                        // (selected)
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

    /** Model input tokens, i.e. what {@link #score} feeds the model (padding excluded). */
    public static long uniqueInputTokens(List<ScoringWindow> windows) {
        List<List<ScoringWindow>> contexts = groupBySharedContext(windows);
        Set<ScoringWindow> shared = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        long tokens = 0;
        for (List<ScoringWindow> group : contexts) {
            shared.addAll(group);
            tokens += contextLength(group.get(0));
            tokens += group.stream().mapToLong(w -> w.continuationTokens() - 1).sum();
        }
        return tokens + groupBySharedInput(windows.stream().filter(w -> !shared.contains(w)).toList()).stream()
                .mapToLong(row -> row.get(0).inputLength()).sum();
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
