package org.rankadaptor.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.rankadaptor.stage.StageContext;
import org.rankadaptor.model.LinearAdapter;
import org.rankadaptor.model.LlamaModel;
import org.rankadaptor.model.TextTokenizer;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * Perplexity as LLM-Pruner computes it for wikitext2/ptb: the documents of {@link TextDocuments} are joined with
 * "\n\n" and tokenised once (with the checkpoint's BOS at the very start when its tokenizer adds one, as a
 * Hugging Face tokenizer call does); the ids are cut into non-overlapping windows of {@code window} tokens (a
 * shorter tail is dropped); within each window every token but the first is predicted from the ones before it;
 * perplexity = exp(total NLL / predicted tokens).
 */
public final class PerplexityEvaluator {
    /** Score every window. */
    public static final int ALL_WINDOWS = 0;
    /** Use the model's max_position_embeddings as the window. */
    public static final int MODEL_WINDOW = 0;
    private static final int WINDOWS_PER_BATCH = 4;

    private PerplexityEvaluator() {
    }

    public static PerplexityResult perplexity(LlamaModel model, LinearAdapter adapter, TextTokenizer tokenizer, Path file,
                                              int window, int maxWindows, StageContext context) {
        if (window < 0 || window == 1) {
            throw new IllegalArgumentException("window must be >= 2 (0 = the model's maximum), got " + window);
        }
        if (maxWindows < 0) {
            throw new IllegalArgumentException("max windows must be >= 0 (0 = all), got " + maxWindows);
        }
        long start = System.nanoTime();
        String step = "perplexity";
        int length = window == MODEL_WINDOW ? model.config().maxPositionEmbeddings() : window;
        context.report(step, 0, -1, "tokenizing " + file.getFileName());
        long[] ids = tokenizer.encodePrompt(TextDocuments.joined(file));
        int available = ids.length / length;
        if (available == 0) {
            throw new EvalDataException(file + ": the text has " + ids.length + " tokens, fewer than one window of "
                    + length + "; use a smaller window");
        }
        int windows = maxWindows == ALL_WINDOWS ? available : Math.min(available, maxWindows);
        double totalNll = 0;
        double[] windowNll = new double[windows];
        for (int first = 0; first < windows; first += WINDOWS_PER_BATCH) {
            context.checkCancelled(step);
            int rows = Math.min(WINDOWS_PER_BATCH, windows - first);
            long[] batch = Arrays.copyOfRange(ids, first * length, (first + rows) * length);
            double[] nll = batchNll(model, adapter, batch, rows, length);
            for (int r = 0; r < rows; r++) {
                windowNll[first + r] = nll[r];
                totalNll += nll[r];
            }
            context.report(step, first + rows, windows, (first + rows) + "/" + windows + " windows");
        }
        long predicted = (long) windows * (length - 1);
        return new PerplexityResult(file.toString(), windows, length, predicted, totalNll, ids.length,
                (System.nanoTime() - start) / 1e9, windowNll);
    }

    /** Sum of -log p(token) over positions 1.. of each of {@code rows} windows, one sum per window. */
    private static double[] batchNll(LlamaModel model, LinearAdapter adapter, long[] batch, int rows, int length) {
        try (NDManager manager = model.manager().newSubManager(); NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray input = manager.create(batch, new Shape(rows, length));                    // (rows, length)
            NDArray logits = model.forward(input, null, adapter, null).get(":, :-1, :");      // (rows, length-1, vocab)
            NDArray targets = input.get(":, 1:");                                              // (rows, length-1)
            NDArray logp = LlamaModel.targetLogProbs(logits, targets);                         // (rows, length-1)
            return logp.toType(DataType.FLOAT64, false).sum(new int[] {1}).neg().toDoubleArray();
        }
    }
}
