package org.rankadaptor.lora;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rankadaptor.stage.StageContext;
import org.rankadaptor.model.CheckpointLoader;
import org.rankadaptor.model.LlamaConfig;
import org.rankadaptor.model.LlamaModel;
import org.rankadaptor.model.Placement;
import org.rankadaptor.TinyModels;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** fp16 base weights with float32 LoRA parameters (the GPU recipe), run on the CPU with a tiny model. */
class HalfPrecisionTrainingTest {
    @TempDir
    static Path dir;
    private static LlamaModel full;
    private static LlamaModel half;
    private static TrainingData.Split data;

    @BeforeAll
    static void setUp() {
        Path modelDir = dir.resolve("model");
        full = TinyModels.write(modelDir, LlamaConfig.uniform(16, 2, 4, 2, 24, 40, true), 3);
        half = CheckpointLoader.load(modelDir, new Placement(Device.cpu(), DataType.FLOAT16));
        data = TrainingData.split(TinyModels.patterned(40, 40, 5), ValidationSplit.rows(8), 1);
    }

    @AfterAll
    static void tearDown() {
        full.close();
        half.close();
    }

    private static LoraAdapter lora(LlamaModel model) {
        return LoraAdapter.create(model, RankPlan.uniform(model.config(), LoraSettings.ALL_TARGETS, 4),
                LoraSettings.defaults().withDropout(0), 1);
    }

    @Test
    void adapterParametersStayFloat32OnAnFp16Model() {
        assertEquals(DataType.FLOAT16, half.weights().embedTokens().getDataType());
        try (LoraAdapter adapter = lora(half)) {
            for (NDArray p : adapter.parameters().values()) {
                assertEquals(DataType.FLOAT32, p.getDataType());
            }
        }
    }

    /** The gradient reaches every adapter parameter through the fp16 layers and matches the float32 model's. */
    @Test
    void gradientsThroughFp16LayersMatchFloat32() {
        try (LoraAdapter onHalf = lora(half); LoraAdapter onFull = lora(full)) {
            // B starts at zero, which would leave A's gradient zero: give both adapters the same non-zero B.
            for (String name : onFull.parameters().keySet()) {
                if (name.endsWith("lora_B")) {
                    onFull.parameters().get(name).stopGradient().addi(0.05);
                    onHalf.parameters().get(name).stopGradient().addi(0.05);
                }
            }
            Map<String, float[]> halfGrads = gradients(half, onHalf);
            Map<String, float[]> fullGrads = gradients(full, onFull);
            for (String name : fullGrads.keySet()) {
                float[] a = halfGrads.get(name);
                float[] b = fullGrads.get(name);
                double dot = 0;
                double na = 0;
                double nb = 0;
                for (int i = 0; i < a.length; i++) {
                    dot += a[i] * b[i];
                    na += a[i] * a[i];
                    nb += b[i] * b[i];
                }
                assertTrue(nb > 0, name + " has no gradient in float32");
                double cosine = dot / Math.sqrt(na * nb);
                assertTrue(cosine > 0.99, name + ": cosine " + cosine + " between fp16 and float32 gradients");
            }
        }
    }

    private static Map<String, float[]> gradients(LlamaModel model, LoraAdapter adapter) {
        Map<String, float[]> out = new java.util.LinkedHashMap<>();
        try (NDManager manager = model.manager().newSubManager(); NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            LanguageModelLoss.Batch batch = LanguageModelLoss.batch(manager, data.train().subList(0, 8), 2);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(LanguageModelLoss.nllSum(model, adapter, batch).div(batch.lossTokens()));
            }
            for (Map.Entry<String, NDArray> e : adapter.parameters().entrySet()) {
                NDArray g = e.getValue().getGradient();
                assertEquals(DataType.FLOAT32, g.getDataType(), e.getKey());
                out.put(e.getKey(), g.toFloatArray());
                g.subi(g);
            }
        }
        return out;
    }

    @Test
    void trainingAnFp16ModelLowersValidationLossUnderLossScaling() {
        TrainingSettings settings = TrainingSettings.defaults(RunLength.steps(12)).withLearningRate(2e-2)
                .withWarmupSteps(0).withBatch(8, 4).withIntervals(0, 6).withSeed(7);
        Path checkpoint = dir.resolve("fp16-ckpt");
        List<CurvePoint> points = new ArrayList<>();
        try (LoraAdapter adapter = lora(half)) {
            double before = LanguageModelLoss.meanNll(half, adapter, data.validation(), 4, 2);
            TrainingResult result = new Trainer(half, adapter, settings, points::add)
                    .train(data, checkpoint, StageContext.none());
            assertTrue(Double.isFinite(result.finalValLoss()));
            assertTrue(result.finalValLoss() < before - 0.03, "val loss " + before + " -> " + result.finalValLoss());
        }
        assertEquals(12, points.size());
        // 65536 overflows fp16 on some steps (then the step is skipped and the scale halves), as torch's GradScaler.
        double scale = TrainingCheckpoint.readInfo(checkpoint).lossScale();
        assertTrue(scale >= 1 && scale <= LossScaler.INITIAL_SCALE, "loss scale " + scale);
    }

    @Test
    void anOverflowedStepIsSkippedTheScaleHalvesAndTheGradientsClear() {
        try (NDManager manager = NDManager.newBaseManager(); NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray w = manager.ones(new ai.djl.ndarray.types.Shape(3));
            w.setRequiresGradient(true);
            AdamW optimizer = new AdamW(Map.of("w", w), AdamW.Settings.defaults(), manager);
            LossScaler scaler = LossScaler.forModel(half, 0);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(scaler.scaleLoss(w.mul(Float.MAX_VALUE).sum()));   // overflows once scaled
            }
            assertTrue(!scaler.unscale(List.of(w)));
            assertEquals(LossScaler.INITIAL_SCALE / 2, scaler.scale());
            optimizer.zeroGradients();
            assertEquals(0f, w.getGradient().abs().sum().getFloat());
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(scaler.scaleLoss(w.mul(3).sum()));
            }
            assertTrue(scaler.unscale(List.of(w)));
            assertEquals(3f, w.getGradient().getFloat(0), 1e-6f);
            assertEquals(1.0, LossScaler.forModel(full, 0).scale());
        }
    }
}
