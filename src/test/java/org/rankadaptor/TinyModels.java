package org.rankadaptor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.rankadaptor.lora.TrainingExample;
import org.rankadaptor.model.CheckpointLoader;
import org.rankadaptor.model.LayerDims;
import org.rankadaptor.model.LayerWeights;
import org.rankadaptor.model.LlamaConfig;
import org.rankadaptor.model.LlamaModel;
import org.rankadaptor.model.LlamaWeights;
import org.rankadaptor.model.RandomCheckpoint;
import org.rankadaptor.model.TensorDType;
import org.rankadaptor.prune.CalibrationSet;
import org.rankadaptor.prune.CalibrationSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Small random models for tests of every stage, with inputs for them: model shapes (grouped and ungrouped
 * attention, tied and untied embeddings, a pruned layer), random checkpoints written and loaded, token batches,
 * training examples and calibration sets.
 */
public final class TinyModels {
    /** Vocabulary of {@link #random} models and of {@link #inputs} / {@link #calibration}. */
    public static final int VOCAB = 64;

    private TinyModels() {
    }

    /** 8 query heads sharing 4 kv heads, tied embeddings, like stories260K. */
    public static LlamaConfig groupedTied() {
        return LlamaConfig.uniform(32, 2, 8, 4, 48, 64, true);
    }

    /** 4 heads, 4 kv heads, untied head. */
    public static LlamaConfig ungroupedUntied() {
        return LlamaConfig.uniform(32, 2, 4, 4, 40, 64, false);
    }

    public static LlamaConfig[] all() {
        return new LlamaConfig[] {groupedTied(), ungroupedUntied(),
            LlamaConfig.uniform(24, 3, 6, 2, 36, 50, false), LlamaConfig.uniform(16, 1, 2, 2, 20, 40, true)};
    }

    /** 3 layers, hidden 16, 4 heads / 2 kv heads, ffn 24, vocab 40; layer 1 "pruned" to 2 heads / 1 kv and ffn 10. */
    public static LlamaConfig prunedConfig() {
        LlamaConfig uniform = LlamaConfig.uniform(16, 3, 4, 2, 24, 40, true);
        return uniform.withLayers(List.of(new LayerDims(4, 2, 24), new LayerDims(2, 1, 10), new LayerDims(4, 2, 24)));
    }

    /** Writes a random float32 checkpoint of {@code config} into {@code dir} and loads it. */
    public static LlamaModel write(Path dir, LlamaConfig config, long seed) {
        RandomCheckpoint.write(dir, config, seed, TensorDType.F32);
        return CheckpointLoader.load(dir);
    }

    /** Hidden 32, ffn 24, vocab {@link #VOCAB}; the seed follows the head counts. */
    public static LlamaModel random(Path dir, int layers, int heads, int kvHeads, boolean tied) {
        LlamaConfig config = LlamaConfig.uniform(32, layers, heads, kvHeads, 24, VOCAB, tied);
        return write(dir, config, 7 + heads * 31L + kvHeads);
    }

    /** The same model with every weight in float64 (for finite differences). */
    public static LlamaModel toFloat64(LlamaModel model) {
        LlamaWeights w = model.weights();
        NDManager manager = NDManager.newBaseManager();
        NDArray embed = f64(w.embedTokens(), manager);
        List<LayerWeights> layers = new ArrayList<>();
        for (LayerWeights l : w.layers()) {
            layers.add(new LayerWeights(f64(l.inputNorm(), manager), f64(l.q(), manager), f64(l.k(), manager),
                    f64(l.v(), manager), f64(l.o(), manager), f64(l.postAttentionNorm(), manager),
                    f64(l.gate(), manager), f64(l.up(), manager), f64(l.down(), manager)));
        }
        NDArray head = w.tied() ? embed : f64(w.lmHead(), manager);
        return new LlamaModel(model.config(), new LlamaWeights(manager, embed, layers, f64(w.finalNorm(), manager), head));
    }

    private static NDArray f64(NDArray a, NDManager manager) {
        NDArray copy = a.toType(DataType.FLOAT64, true);
        copy.attach(manager);
        return copy;
    }

    /** Stored weight scalars, tied embeddings counted once. */
    public static long storedParameters(LlamaModel model) {
        return model.weights().byHuggingFaceName().values().stream().mapToLong(a -> a.getShape().size()).sum();
    }

    /** Logits of a fixed batch of token ids, as a Java array. */
    public static float[] logits(LlamaModel model, long[][] batch) {
        try (NDManager scratch = model.manager().newSubManager(); NDScope scope = new NDScope()) {
            long[] flat = new long[batch.length * batch[0].length];
            for (int i = 0; i < batch.length; i++) {
                System.arraycopy(batch[i], 0, flat, i * batch[0].length, batch[0].length);
            }
            NDArray ids = scratch.create(flat, new Shape(batch.length, batch[0].length));
            return model.logits(ids).toFloatArray();
        }
    }

    /** A fixed batch of 2 x 11 token ids below {@link #VOCAB}. */
    public static long[][] inputs() {
        SplittableRandom random = new SplittableRandom(99);
        long[][] batch = new long[2][11];
        for (long[] row : batch) {
            for (int t = 0; t < row.length; t++) {
                row[t] = random.nextInt(VOCAB);
            }
        }
        return batch;
    }

    public static float maxAbsDiff(float[] a, float[] b) {
        float worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
        return worst;
    }

    /** BOS (1) then {@code length - 1} random ids from 3 up to {@code vocab}, past the special tokens. */
    private static long[] randomIds(SplittableRandom random, int length, int vocab) {
        long[] ids = new long[length];
        ids[0] = 1;
        for (int i = 1; i < length; i++) {
            ids[i] = 3 + random.nextInt(vocab - 3);
        }
        return ids;
    }

    public static TrainingExample randomExample(SplittableRandom random, int length, int vocab) {
        long[] ids = randomIds(random, length, vocab);
        return new TrainingExample(ids, ids.clone());
    }

    /** Sequences with a learnable pattern (each token determines the next), various lengths. */
    public static List<TrainingExample> patterned(int count, int vocab, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<TrainingExample> out = new ArrayList<>();
        for (int n = 0; n < count; n++) {
            int length = 6 + random.nextInt(6);
            long[] ids = new long[length];
            ids[0] = 1;
            ids[1] = 3 + random.nextInt(vocab - 3);
            for (int i = 2; i < length; i++) {
                ids[i] = 3 + (ids[i - 1] * 7 + 2) % (vocab - 3);
            }
            out.add(new TrainingExample(ids, ids.clone()));
        }
        return out;
    }

    /** {@code samples} random rows of {@code seqLen} ids below {@link #VOCAB}, described as source "random". */
    public static CalibrationSet calibration(int samples, int seqLen, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<long[]> rows = new ArrayList<>();
        List<Integer> indices = new ArrayList<>();
        for (int i = 0; i < samples; i++) {
            rows.add(randomIds(random, seqLen, VOCAB));
            indices.add(i);
        }
        return new CalibrationSet(rows, new CalibrationSource("random", samples, seqLen, seed, indices));
    }

    /** Adds normal noise to every value of a trainable array (outside gradient recording). */
    public static void perturb(NDArray array, double std, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] noise = new double[(int) array.size()];
        for (int i = 0; i < noise.length; i++) {
            double u = 1 - random.nextDouble();
            noise[i] = std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
        }
        NDArray n = array.getManager().create(noise, array.getShape()).toType(array.getDataType(), false);
        array.stopGradient().addi(n);
        n.close();
    }
}
