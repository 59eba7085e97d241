package org.rankadaptor.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rankadaptor.stage.CancelCheck;
import org.rankadaptor.TinyModels;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TinyModelForwardTest {
    @TempDir
    Path tmp;

    @Test
    void djlRunsOfflineOnPyTorch() {
        assertEquals("true", System.getenv("DJL_OFFLINE"), "surefire must run with DJL_OFFLINE=true");
        assertEquals("PyTorch", Engine.getInstance().getEngineName());
    }

    @Test
    void loaderReadsRandomCheckpointsBackBitExactlyInEveryDtype() {
        int n = 0;
        for (LlamaConfig config : TinyModels.all()) {
            for (TensorDType dtype : TensorDType.values()) {
                Path dir = tmp.resolve("m" + n++);
                Map<String, TensorData> written = RandomCheckpoint.write(dir, config, n, dtype);
                try (LlamaModel model = CheckpointLoader.load(dir)) {
                    assertEquals(config, model.config());
                    Map<String, NDArray> loaded = model.weights().byHuggingFaceName();
                    assertEquals(written.keySet(), loaded.keySet());
                    written.forEach((name, data) -> {
                        assertArrayEquals(data.shape(), loaded.get(name).getShape().getShape(), name);
                        assertArrayEquals(data.values(), loaded.get(name).toFloatArray(), name + " in " + dtype);
                    });
                }
            }
        }
    }

    @Test
    void shardedCheckpointLoadsLikeTheSingleFile() throws Exception {
        LlamaConfig config = TinyModels.ungroupedUntied();
        Path single = tmp.resolve("single");
        Map<String, TensorData> tensors = RandomCheckpoint.write(single, config, 7, TensorDType.F32);
        Path sharded = tmp.resolve("sharded");
        java.nio.file.Files.createDirectories(sharded);
        config.write(sharded.resolve("config.json"));
        SafetensorsWriter first = new SafetensorsWriter();
        SafetensorsWriter second = new SafetensorsWriter();
        StringBuilder map = new StringBuilder("{\"metadata\":{},\"weight_map\":{");
        int i = 0;
        for (var e : tensors.entrySet()) {
            String file = i % 2 == 0 ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors";
            (i % 2 == 0 ? first : second).put(e.getKey(), e.getValue());
            map.append(i == 0 ? "" : ",").append('"').append(e.getKey()).append("\":\"").append(file).append('"');
            i++;
        }
        map.append("}}");
        first.write(sharded.resolve("model-00001-of-00002.safetensors"), TensorDType.F32);
        second.write(sharded.resolve("model-00002-of-00002.safetensors"), TensorDType.F32);
        java.nio.file.Files.writeString(sharded.resolve("model.safetensors.index.json"), map);
        try (LlamaModel a = CheckpointLoader.load(single); LlamaModel b = CheckpointLoader.load(sharded);
             NDManager m = NDManager.newBaseManager()) {
            NDArray ids = m.create(new long[] {1, 5, 9, 3}, new Shape(1, 4));
            assertArrayEquals(a.logits(ids).toFloatArray(), b.logits(ids).toFloatArray());
        }
    }

    @Test
    void rightPaddedBatchGivesTheSameLogitsAsEachSequenceAlone() {
        for (LlamaConfig config : new LlamaConfig[] {TinyModels.groupedTied(), TinyModels.ungroupedUntied()}) {
            try (LlamaModel model = TinyModels.write(tmp.resolve("pad" + config.hashCode()), config, 3);
                 NDManager m = model.manager().newSubManager(); NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                long[][] sequences = {{1, 4, 9, 16, 25, 36, 49}, {1, 2, 3}, {1, 60, 61, 62, 63}};
                int longest = 7;
                long[] ids = new long[sequences.length * longest];
                long[] mask = new long[ids.length];
                for (int b = 0; b < sequences.length; b++) {
                    for (int t = 0; t < sequences[b].length; t++) {
                        ids[b * longest + t] = sequences[b][t];
                        mask[b * longest + t] = 1;
                    }
                }
                NDArray batch = model.forward(m.create(ids, new Shape(sequences.length, longest)),
                        m.create(mask, new Shape(sequences.length, longest)), LinearAdapter.NONE, null);
                for (int b = 0; b < sequences.length; b++) {
                    int len = sequences[b].length;
                    float[] alone = model.logits(m.create(sequences[b], new Shape(1, len))).toFloatArray();
                    float[] padded = batch.get(b + ", :" + len + ", :").toFloatArray();
                    assertEquals(alone.length, padded.length);
                    for (int i = 0; i < alone.length; i++) {
                        assertEquals(alone[i], padded[i], 1e-5, "row " + b + " element " + i);
                    }
                }
            }
        }
    }

    @Test
    void kvCacheDecodingMatchesTheFullForward() {
        try (LlamaModel model = TinyModels.write(tmp.resolve("kv"), TinyModels.groupedTied(), 5);
             NDManager m = model.manager().newSubManager(); KvCache cache = new KvCache(model.config().numLayers())) {
            long[] ids = {1, 7, 3, 22, 5};
            float[] full = model.logits(m.create(ids, new Shape(1, ids.length))).get("0, -1, :").toFloatArray();
            model.forward(m.create(new long[] {1, 7, 3}, new Shape(1, 3)), null, LinearAdapter.NONE, cache);
            model.forward(m.create(new long[] {22}, new Shape(1, 1)), null, LinearAdapter.NONE, cache);
            float[] step = model.forward(m.create(new long[] {5}, new Shape(1, 1)), null, LinearAdapter.NONE, cache)
                    .get("0, -1, :").toFloatArray();
            assertEquals(5, cache.length());
            for (int i = 0; i < full.length; i++) {
                assertEquals(full[i], step[i], 1e-5);
            }
        }
    }

    @Test
    void seededSamplingIsReproducibleAndTopPRestrictsToTheNucleus() {
        try (LlamaModel model = TinyModels.write(tmp.resolve("gen"), TinyModels.ungroupedUntied(), 9)) {
            GenerationSettings settings = new GenerationSettings(20, 0.8, 0.9, 42);
            Generator generator = new Generator(model, LinearAdapter.NONE);
            long[] a = generator.generate(new long[] {1}, settings, id -> { }, CancelCheck.NEVER);
            long[] b = generator.generate(new long[] {1}, settings, id -> { }, CancelCheck.NEVER);
            assertArrayEquals(a, b);
        }
        float[] logits = {10f, 9.9f, 0f, -5f};
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < 200; i++) {
            int picked = Generator.sample(logits, new GenerationSettings(1, 1, 0.5, 0), random);
            assertTrue(picked == 0, "top-p 0.5 keeps only the most likely token, got " + picked);
        }
    }

    /** Autograd gradients equal central finite differences for sampled entries of every weight type (float64). */
    @Test
    void gradientsMatchFiniteDifferences() {
        for (LlamaConfig config : new LlamaConfig[] {TinyModels.groupedTied(), TinyModels.ungroupedUntied()}) {
            try (LlamaModel f32 = TinyModels.write(tmp.resolve("grad" + config.hashCode()), config, 11)) {
                LlamaModel model = toFloat64(f32);
                NDManager m = model.manager();
                NDArray ids = m.create(new long[] {1, 8, 3, 30, 12, 5, 2, 19}, new Shape(2, 4));
                NDArray targets = m.create(new long[] {8, 3, 30, 12, 9, 2, 19, 33}, new Shape(2, 4));
                List<NDArray> params = new ArrayList<>(model.weights().byHuggingFaceName().values());
                params.forEach(p -> p.setRequiresGradient(true));
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    gc.backward(loss(model, ids, targets));
                }
                SplittableRandom random = new SplittableRandom(2);
                for (Map.Entry<String, NDArray> e : model.weights().byHuggingFaceName().entrySet()) {
                    NDArray w = e.getValue();
                    double[] grad = w.getGradient().toDoubleArray();
                    for (int s = 0; s < 3; s++) {
                        int index = random.nextInt((int) w.size());
                        double numeric = centralDifference(model, ids, targets, w, index, 1e-6);
                        assertEquals(numeric, grad[index], 1e-6 + 1e-4 * Math.abs(numeric), e.getKey() + "[" + index + "]");
                    }
                }
                model.close();
            }
        }
    }

    private static NDArray loss(LlamaModel model, NDArray ids, NDArray targets) {
        return LlamaModel.targetLogProbs(model.logits(ids), targets).mean().neg();
    }

    private static double centralDifference(LlamaModel model, NDArray ids, NDArray targets, NDArray w, int index, double h) {
        double[] values = w.toDoubleArray();
        double original = values[index];
        double[] loss = new double[2];
        for (int side = 0; side < 2; side++) {
            values[index] = original + (side == 0 ? h : -h);
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray replaced = w.getManager().create(values, w.getShape());
                w.set(replaced.toByteBuffer());
                loss[side] = loss(model, ids, targets).getDouble();
            }
        }
        values[index] = original;
        w.set(w.getManager().create(values, w.getShape()).toByteBuffer());
        return (loss[0] - loss[1]) / (2 * h);
    }

    private static LlamaModel toFloat64(LlamaModel model) {
        NDManager m = NDManager.newBaseManager();
        LlamaWeights w = model.weights();
        List<LayerWeights> layers = new ArrayList<>();
        for (LayerWeights l : w.layers()) {
            NDList c = new NDList();
            for (NDArray a : l.all()) {
                c.add(a.toType(DataType.FLOAT64, true).toDevice(a.getDevice(), true));
            }
            c.forEach(a -> a.attach(m));
            layers.add(new LayerWeights(c.get(0), c.get(1), c.get(2), c.get(3), c.get(4), c.get(5), c.get(6), c.get(7), c.get(8)));
        }
        NDArray embed = w.embedTokens().toType(DataType.FLOAT64, true);
        embed.attach(m);
        NDArray norm = w.finalNorm().toType(DataType.FLOAT64, true);
        norm.attach(m);
        NDArray head = embed;
        if (!w.tied()) {
            head = w.lmHead().toType(DataType.FLOAT64, true);
            head.attach(m);
        }
        return new LlamaModel(model.config(), new LlamaWeights(m, embed, layers, norm, head));
    }
}
