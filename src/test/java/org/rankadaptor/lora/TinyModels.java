package org.rankadaptor.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.rankadaptor.model.CheckpointLoader;
import org.rankadaptor.model.LayerDims;
import org.rankadaptor.model.LayerWeights;
import org.rankadaptor.model.LlamaConfig;
import org.rankadaptor.model.LlamaModel;
import org.rankadaptor.model.LlamaWeights;
import org.rankadaptor.model.RandomCheckpoint;
import org.rankadaptor.model.TensorDType;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Small random models for adapter tests. */
final class TinyModels {
    private TinyModels() {
    }

    /** 3 layers, hidden 16, 4 heads / 2 kv heads, ffn 24, vocab 40; layer 1 "pruned" to 2 heads / 1 kv and ffn 10. */
    static LlamaConfig prunedConfig() {
        LlamaConfig uniform = LlamaConfig.uniform(16, 3, 4, 2, 24, 40, true);
        return uniform.withLayers(List.of(new LayerDims(4, 2, 24), new LayerDims(2, 1, 10), new LayerDims(4, 2, 24)));
    }

    static LlamaModel write(Path dir, LlamaConfig config, long seed) {
        RandomCheckpoint.write(dir, config, seed, TensorDType.F32);
        return CheckpointLoader.load(dir);
    }

    /** The same model with every weight in float64 (for finite differences). */
    static LlamaModel toFloat64(LlamaModel model) {
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

    static TrainingExample randomExample(SplittableRandom random, int length, int vocab) {
        long[] ids = new long[length];
        ids[0] = 1;
        for (int i = 1; i < length; i++) {
            ids[i] = 3 + random.nextInt(vocab - 3);
        }
        return new TrainingExample(ids, ids.clone());
    }

    /** Sequences with a learnable pattern (each token determines the next), various lengths. */
    static List<TrainingExample> patterned(int count, int vocab, long seed) {
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

    /** Adds normal noise to every value of a trainable array (outside gradient recording). */
    static void perturb(NDArray array, double std, long seed) {
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
