package org.rankadaptor.lora;

import ai.djl.ndarray.NDArray;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rankadaptor.stage.CancelledException;
import org.rankadaptor.stage.StageContext;
import org.rankadaptor.model.LlamaConfig;
import org.rankadaptor.model.LlamaModel;
import org.rankadaptor.model.Projection;
import org.rankadaptor.TinyModels;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainerTest {
    @TempDir
    static Path dir;
    private static LlamaModel model;
    private static TrainingData.Split data;

    @BeforeAll
    static void setUp() {
        model = TinyModels.write(dir.resolve("model"), LlamaConfig.uniform(16, 2, 4, 2, 24, 40, true), 3);
        List<TrainingExample> all = TinyModels.patterned(40, 40, 5);
        data = TrainingData.split(all, ValidationSplit.rows(8), 1);
    }

    @AfterAll
    static void tearDown() {
        model.close();
    }

    private static TrainingSettings settings(int steps) {
        return TrainingSettings.defaults(RunLength.steps(steps)).withLearningRate(2e-2).withWarmupSteps(0)
                .withBatch(8, 4).withIntervals(0, 0).withSeed(7);
    }

    private static LoraAdapter lora(long seed) {
        return LoraAdapter.create(model, RankPlan.uniform(model.config(), LoraSettings.ALL_TARGETS, 4),
                LoraSettings.defaults(), seed);
    }

    private static Map<String, float[]> snapshot(TrainableAdapter adapter) {
        Map<String, float[]> out = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : adapter.state().entrySet()) {
            out.put(e.getKey(), e.getValue().stopGradient().toFloatArray());
        }
        return out;
    }

    private static void assertSameState(Map<String, float[]> expected, Map<String, float[]> actual, float tolerance) {
        assertEquals(expected.keySet(), actual.keySet());
        for (String k : expected.keySet()) {
            assertArrayEquals(expected.get(k), actual.get(k), tolerance, k);
        }
    }

    @Test
    void trainingLowersValidationLossAndIsDeterministic() {
        Map<String, float[]> first;
        TrainingResult result;
        List<CurvePoint> points = new ArrayList<>();
        double before;
        try (LoraAdapter adapter = lora(1)) {
            before = LanguageModelLoss.meanNll(model, adapter, data.validation(), 4, 2);
            result = new Trainer(model, adapter, settings(12).withIntervals(4, 0), points::add)
                    .train(data, null, StageContext.none());
            first = snapshot(adapter);
        }
        assertEquals(12, points.size());
        assertTrue(points.get(3).validationLoss().isPresent() && points.get(2).validationLoss().isEmpty());
        assertTrue(result.finalValLoss() < before - 0.03, "val loss " + before + " -> " + result.finalValLoss());
        assertEquals(points.get(11).validationLoss().getAsDouble(), result.finalValLoss(), 0);
        assertTrue(points.get(0).learningRate() > points.get(11).learningRate());
        try (LoraAdapter adapter = lora(1)) {
            TrainingResult again = new Trainer(model, adapter, settings(12).withIntervals(4, 0),
                    TrainingListener.NONE)
                    .train(data, null, StageContext.none());
            assertSameState(first, snapshot(adapter), 0f);
            assertEquals(result.finalValLoss(), again.finalValLoss(), 0);
        }
    }

    /**
     * Garbage collections between forward and backward must not change training: the scalars autograd saves (the
     * attention scale, LoRA's alpha / r, the loss normaliser) once lived in Java buffers that a GC freed, and freed
     * memory refilled with NaN bytes then poisoned the gradients.
     */
    @Test
    void garbageCollectionsDuringTheForwardPassDoNotChangeTraining() {
        Map<String, float[]> quiet;
        try (LoraAdapter adapter = lora(5)) {
            new Trainer(model, adapter, settings(3), TrainingListener.NONE).train(data, null, StageContext.none());
            quiet = snapshot(adapter);
        }
        List<java.nio.ByteBuffer> poison = new ArrayList<>();
        try (LoraAdapter lora = lora(5)) {
            TrainableAdapter collecting = new DelegatingAdapter(lora) {
                @Override
                public NDArray delta(int layer, Projection projection, NDArray x) {
                    if (projection == Projection.DOWN) {   // after this layer's attention scale was used
                        collectAndRefillFreedMemory(poison);
                    }
                    return super.delta(layer, projection, x);
                }
            };
            new Trainer(model, collecting, settings(3), TrainingListener.NONE).train(data, null, StageContext.none());
            assertSameState(quiet, snapshot(lora), 0f);
        }
    }

    /** A GC (whose cleaners free unreachable direct buffers), then small direct buffers full of NaN bytes. */
    private static void collectAndRefillFreedMemory(List<java.nio.ByteBuffer> keep) {
        System.gc();
        try {
            Thread.sleep(2);   // the cleaner thread frees the buffers' memory
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (int i = 0; i < 200; i++) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocateDirect(8 << (i % 4));
            while (b.hasRemaining()) {
                b.put((byte) 0xFF);
            }
            keep.add(b);
        }
    }

    @Test
    void gradientAccumulationEqualsOneLargeBatch() {
        LoraSettings noDropout = LoraSettings.defaults().withDropout(0);
        RankPlan plan = RankPlan.uniform(model.config(), LoraSettings.ALL_TARGETS, 2);
        Map<String, float[]> accumulated;
        try (LoraAdapter adapter = LoraAdapter.create(model, plan, noDropout, 3)) {
            new Trainer(model, adapter, settings(2).withBatch(8, 2), TrainingListener.NONE).train(data, null, StageContext.none());
            accumulated = snapshot(adapter);
        }
        try (LoraAdapter adapter = LoraAdapter.create(model, plan, noDropout, 3)) {
            new Trainer(model, adapter, settings(2).withBatch(8, 8), TrainingListener.NONE).train(data, null, StageContext.none());
            assertSameState(accumulated, snapshot(adapter), 5e-5f);
        }
    }

    @Test
    void cancellationLeavesACheckpointThatResumesToTheSameResult() throws Exception {
        Map<String, float[]> straight;
        try (LoraAdapter adapter = lora(2)) {
            new Trainer(model, adapter, settings(6), TrainingListener.NONE).train(data, null, StageContext.none());
            straight = snapshot(adapter);
        }
        Path checkpoint = dir.resolve("cancel-ckpt");
        AtomicBoolean cancel = new AtomicBoolean();
        StageContext stopAfterThree = new StageContext((step, done, total, msg) -> cancel.set(done >= 3), cancel::get);
        try (LoraAdapter adapter = lora(2)) {
            Trainer trainer = new Trainer(model, adapter, settings(6), TrainingListener.NONE);
            assertThrows(CancelledException.class, () -> trainer.train(data, checkpoint, stopAfterThree));
        }
        assertEquals(3, TrainingCheckpoint.readInfo(checkpoint).completedSteps());
        try (LoraAdapter adapter = lora(99)) {   // a different init: the checkpoint must overwrite it
            TrainingResult result = new Trainer(model, adapter, settings(6), TrainingListener.NONE)
                    .resume(checkpoint, data, checkpoint, StageContext.none());
            assertEquals(6, result.completedSteps());
            assertEquals(6, result.curve().size());
            assertSameState(straight, snapshot(adapter), 1e-6f);
        }
        assertEquals(6, TrainingCheckpoint.readInfo(checkpoint).completedSteps());
    }

    @Test
    void aNanLossStopsTheRunNamingTheStepAndKeepsTheLastGoodCheckpoint() throws Exception {
        Path checkpoint = dir.resolve("nan-ckpt");
        try (LoraAdapter lora = lora(4)) {
            AtomicInteger forwards = new AtomicInteger();
            // a hook: from the 4th optimizer step on (2 micro-batches per step), q_proj deltas become NaN
            TrainableAdapter poisoned = new DelegatingAdapter(lora) {
                @Override
                public NDArray delta(int layer, Projection projection, NDArray x) {
                    NDArray d = super.delta(layer, projection, x);
                    if (layer == 0 && projection == Projection.Q && forwards.incrementAndGet() > 6) {
                        return d.mul(Float.NaN);
                    }
                    return d;
                }
            };
            Trainer trainer = new Trainer(model, poisoned, settings(8).withIntervals(0, 2), TrainingListener.NONE);
            TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                    () -> trainer.train(data, checkpoint, StageContext.none()));
            assertEquals(4, e.step());
            assertTrue(e.getMessage().contains("step 4") && e.getMessage().contains("NaN"), e.getMessage());
            assertEquals(checkpoint, e.lastCheckpoint());
            for (NDArray p : lora.parameters().values()) {
                for (float v : p.stopGradient().toFloatArray()) {
                    assertTrue(Float.isFinite(v));
                }
            }
        }
        assertEquals(2, TrainingCheckpoint.readInfo(checkpoint).completedSteps());
        assertTrue(Files.exists(checkpoint.resolve(TrainingCheckpoint.STATE_FILE)));
    }

    @Test
    void adaloraEndsAtItsTargetBudget() {
        AdaLoraSettings ada = AdaLoraSettings.defaults().withRanks(6, 2).withDeltaT(2);
        try (AdaLoraAdapter adapter = AdaLoraAdapter.create(model, EnumSet.of(Projection.Q, Projection.V, Projection.UP),
                LoraSettings.defaults(), ada, 5)) {
            assertEquals(6 * 6, adapter.initialBudget());
            List<Integer> totals = new ArrayList<>();
            new Trainer(model, adapter, settings(12).withBatch(4, 4), p -> totals.add(adapter.totalRank()))
                    .train(data, null, StageContext.none());
            assertEquals(adapter.targetBudget(), adapter.totalRank(), "final ranks " + adapter.currentRanks());
            assertEquals(12, adapter.targetBudget());
            // first steps are warm-up (lambda starts at 0 but becomes nonzero); the budget then only shrinks
            // 12 steps: tinit 1, tfinal 2; allocations after steps (0-based) 2, 4, 6, 8 shrink the total rank along the
            // cubic schedule; masked values may regrow in between (as in PEFT) until the final mask at step 10
            assertEquals(12, totals.size());
            AdaLoraSettings.Schedule schedule = ada.schedule(12);
            for (int step : new int[] {2, 4, 6, 8}) {
                assertTrue(totals.get(step) <= new RankAllocator(adapter, ada, model.manager()).budget(step, schedule),
                        "ranks over steps " + totals);
            }
            assertTrue(totals.get(2) > totals.get(8), "ranks over steps " + totals);
            assertEquals(adapter.targetBudget(), totals.get(10));
            assertEquals(adapter.targetBudget(), totals.get(11));
            assertFalse(adapter.currentRanks().isEmpty());
        }
    }

    @Test
    void learningRateScheduleWarmsUpThenDecaysToZero() {
        LearningRateSchedule s = new LearningRateSchedule(1e-4, 100, 200);
        assertEquals(0, s.at(0), 0);
        assertEquals(5e-5, s.at(50), 1e-12);
        assertEquals(1e-4, s.at(100), 1e-12);
        assertEquals(5e-5, s.at(150), 1e-12);
        assertEquals(1e-6, s.at(199), 1e-12);
    }

    /** Forwards everything to another adapter, so a test can hook into delta(). */
    private static class DelegatingAdapter implements TrainableAdapter {
        private final TrainableAdapter inner;

        DelegatingAdapter(TrainableAdapter inner) {
            this.inner = inner;
        }

        @Override
        public NDArray delta(int layer, Projection projection, NDArray x) {
            return inner.delta(layer, projection, x);
        }

        @Override
        public Map<String, NDArray> parameters() {
            return inner.parameters();
        }

        @Override
        public long trainableParameters() {
            return inner.trainableParameters();
        }

        @Override
        public void train() {
            inner.train();
        }

        @Override
        public void eval() {
            inner.eval();
        }

        @Override
        public String method() {
            return inner.method();
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
