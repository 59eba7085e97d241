package org.rankadaptor.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import org.rankadaptor.stage.CancelCheck;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.LongConsumer;

/** Autoregressive decoding with a KV cache: greedy, or temperature with top-p (nucleus) sampling. */
public final class Generator {
    private final LlamaModel model;
    private final LinearAdapter adapter;

    public Generator(LlamaModel model, LinearAdapter adapter) {
        this.model = model;
        this.adapter = adapter;
    }

    /**
     * @param promptIds ids to start from, BOS included when the tokenizer adds it
     * @param onToken   receives each new id as soon as it is chosen
     * @return the new ids, stopping early at EOS (not included) or the context limit
     */
    public long[] generate(long[] promptIds, GenerationSettings settings, LongConsumer onToken, CancelCheck cancel) {
        if (promptIds.length == 0) {
            throw new IllegalArgumentException("generation needs at least one prompt token (e.g. BOS)");
        }
        int limit = Math.min(settings.maxNewTokens(), model.config().maxPositionEmbeddings() - promptIds.length);
        long[] out = new long[Math.max(limit, 0)];
        int produced = 0;
        SplittableRandom random = new SplittableRandom(settings.seed());
        try (NDManager manager = model.manager().newSubManager();
             KvCache cache = new KvCache(model.config().numLayers())) {
            long[] step = promptIds;
            while (produced < limit) {
                cancel.throwIfCancelled("generate");
                float[] lastLogits;
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    NDArray ids = manager.create(step, new Shape(1, step.length));
                    NDArray logits = model.forward(ids, null, adapter, cache);                 // (1, seq, vocab)
                    lastLogits = logits.get(0, step.length - 1).toFloatArray();                 // (vocab)
                }
                int next = settings.isGreedy() ? argmax(lastLogits) : sample(lastLogits, settings, random);
                if (next == model.config().eosTokenId()) {
                    break;
                }
                out[produced++] = next;
                onToken.accept(next);
                step = new long[] {next};
            }
        }
        return Arrays.copyOf(out, produced);
    }

    static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    /** Softmax at the temperature, keep the smallest most-likely prefix whose mass reaches top-p, renormalise, draw. */
    static int sample(float[] logits, GenerationSettings settings, SplittableRandom random) {
        int n = logits.length;
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double[] probs = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            probs[i] = Math.exp((logits[i] - max) / settings.temperature());
            sum += probs[i];
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
            probs[i] /= sum;
        }
        Arrays.sort(order, (a, b) -> Double.compare(probs[b], probs[a]));
        double mass = 0;
        int keep = 0;
        while (keep < n && mass < settings.topP()) {
            mass += probs[order[keep++]];
        }
        double draw = random.nextDouble() * mass;
        double cumulative = 0;
        for (int i = 0; i < keep; i++) {
            cumulative += probs[order[i]];
            if (draw < cumulative) {
                return order[i];
            }
        }
        return order[keep - 1];
    }
}
