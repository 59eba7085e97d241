package org.rankadaptor.prune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import org.rankadaptor.model.CheckpointLoader;
import org.rankadaptor.model.LlamaConfig;
import org.rankadaptor.model.LlamaModel;
import org.rankadaptor.model.RandomCheckpoint;
import org.rankadaptor.model.TensorDType;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Small random models and inputs for pruning tests. */
final class TinyModels {
    static final int VOCAB = 64;

    private TinyModels() {
    }

    static LlamaModel random(Path dir, int layers, int heads, int kvHeads, boolean tied) {
        LlamaConfig config = LlamaConfig.uniform(32, layers, heads, kvHeads, 24, VOCAB, tied);
        RandomCheckpoint.write(dir, config, 7 + heads * 31L + kvHeads, TensorDType.F32);
        return CheckpointLoader.load(dir);
    }

    static CalibrationSet calibration(int samples, int seqLen, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<long[]> rows = new ArrayList<>();
        List<Integer> indices = new ArrayList<>();
        for (int i = 0; i < samples; i++) {
            long[] ids = new long[seqLen];
            ids[0] = 1;
            for (int t = 1; t < seqLen; t++) {
                ids[t] = 3 + random.nextInt(VOCAB - 3);
            }
            rows.add(ids);
            indices.add(i);
        }
        return new CalibrationSet(rows, new CalibrationSource("random", samples, seqLen, seed, indices));
    }

    /** Logits of a fixed batch of token ids, as a Java array. */
    static float[] logits(LlamaModel model, long[][] batch) {
        try (NDManager scratch = model.manager().newSubManager(); NDScope scope = new NDScope()) {
            long[] flat = new long[batch.length * batch[0].length];
            for (int i = 0; i < batch.length; i++) {
                System.arraycopy(batch[i], 0, flat, i * batch[0].length, batch[0].length);
            }
            NDArray ids = scratch.create(flat, new Shape(batch.length, batch[0].length));
            return model.logits(ids).toFloatArray();
        }
    }

    static long[][] inputs() {
        SplittableRandom random = new SplittableRandom(99);
        long[][] batch = new long[2][11];
        for (long[] row : batch) {
            for (int t = 0; t < row.length; t++) {
                row[t] = random.nextInt(VOCAB);
            }
        }
        return batch;
    }

    static float maxAbsDiff(float[] a, float[] b) {
        float worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
        return worst;
    }

    static long storedParameters(LlamaModel model) {
        return model.weights().byHuggingFaceName().values().stream().mapToLong(a -> a.getShape().size()).sum();
    }
}
