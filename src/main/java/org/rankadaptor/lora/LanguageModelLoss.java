package org.rankadaptor.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import org.rankadaptor.model.LinearAdapter;
import org.rankadaptor.model.LlamaModel;

import java.util.List;

/**
 * Summed next-token negative log-likelihood over a micro-batch of right-padded sequences. Right padding needs no
 * attention mask: with causal attention real tokens never see the pads after them, and pad positions carry no loss.
 */
public final class LanguageModelLoss {
    private LanguageModelLoss() {
    }

    /** A micro-batch as arrays: ids (batch, len), targets (batch, len-1), mask (batch, len-1) of 1 where scored. */
    public record Batch(NDArray ids, NDArray targets, NDArray mask, int inputTokens, int lossTokens) {
    }

    public static Batch batch(NDManager manager, List<TrainingExample> examples, long padId) {
        int len = 0;
        for (TrainingExample e : examples) {
            len = Math.max(len, e.length());
        }
        len = Math.max(len, 2);
        int b = examples.size();
        long[] ids = new long[b * len];
        long[] targets = new long[b * (len - 1)];
        float[] mask = new float[b * (len - 1)];
        int inputTokens = 0;
        int lossTokens = 0;
        for (int i = 0; i < b; i++) {
            TrainingExample e = examples.get(i);
            java.util.Arrays.fill(ids, i * len, (i + 1) * len, padId);
            System.arraycopy(e.inputIds(), 0, ids, i * len, e.length());
            inputTokens += e.length();
            for (int t = 1; t < e.length(); t++) {
                long label = e.labels()[t];
                if (label != TrainingExample.IGNORE) {
                    targets[i * (len - 1) + t - 1] = label;
                    mask[i * (len - 1) + t - 1] = 1f;
                    lossTokens++;
                }
            }
        }
        return new Batch(manager.create(ids, new Shape(b, len)), manager.create(targets, new Shape(b, len - 1)),
                manager.create(mask, new Shape(b, len - 1)), inputTokens, lossTokens);
    }

    /** Sum of -log p(target) over the scored positions: a scalar in the model's dtype. */
    public static NDArray nllSum(LlamaModel model, LinearAdapter adapter, Batch batch) {
        return nllSum(model.forward(batch.ids(), null, adapter, null), batch);
    }

    /** The same sum from the batch's logits (batch, len, vocab). */
    public static NDArray nllSum(NDArray logits, Batch batch) {
        NDArray logp = LlamaModel.targetLogProbs(logits.get(":, :-1, :"), batch.targets()); // (batch, len-1)
        return logp.mul(batch.mask().toType(logp.getDataType(), false)).sum().neg();
    }

    /** Mean token NLL of the examples under model + adapter (no gradients are recorded by the caller). */
    public static double meanNll(LlamaModel model, LinearAdapter adapter, List<TrainingExample> examples,
                                 int microBatchSize, long padId) {
        double sum = 0;
        long tokens = 0;
        for (int start = 0; start < examples.size(); start += microBatchSize) {
            List<TrainingExample> chunk = examples.subList(start, Math.min(examples.size(), start + microBatchSize));
            try (NDManager manager = model.manager().newSubManager(); NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                Batch batch = batch(manager, chunk, padId);
                if (batch.lossTokens() == 0) {
                    continue;
                }
                sum += scalar(nllSum(model, adapter, batch));
                tokens += batch.lossTokens();
            }
        }
        if (tokens == 0) {
            throw new LoraException("no scored tokens in " + examples.size() + " examples");
        }
        return sum / tokens;
    }

    static double scalar(NDArray array) {
        return array.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
    }
}
