package org.rankadaptor.lora;

import ai.djl.ndarray.NDArray;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rankadaptor.TinyModels;
import org.rankadaptor.model.LlamaConfig;
import org.rankadaptor.model.LlamaModel;
import org.rankadaptor.model.MemoryEstimate;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One training step with per-layer activation checkpointing gives the loss and adapter gradients of the plain pass,
 * on grouped and ungrouped attention, for LoRA and AdaLoRA (whose orthogonality term joins the head's backward),
 * with dropout active (the recompute replays the first pass's masks) and over two accumulated micro-batches.
 */
class ActivationCheckpointingTest {
    private static final double TOLERANCE = 1e-5;

    @TempDir
    static Path dir;
    private static final List<LlamaModel> models = new ArrayList<>();

    @BeforeAll
    static void setUp() {
        LlamaConfig[] configs = TinyModels.all();
        for (int i = 0; i < configs.length; i++) {
            models.add(TinyModels.write(dir.resolve("m" + i), configs[i], 7 + i));
        }
    }

    /** Four rows of uneven length: the micro-batches are right-padded. */
    private static List<TrainingExample> batch(LlamaConfig config) {
        SplittableRandom random = new SplittableRandom(3);
        List<TrainingExample> rows = new ArrayList<>();
        for (int length : new int[] {9, 6, 8, 9}) {
            rows.add(TinyModels.randomExample(random, length, config.vocabSize()));
        }
        return rows;
    }

    @AfterAll
    static void tearDown() {
        models.forEach(LlamaModel::close);
    }

    @Test
    void loraGradientsAndLossEqualThePlainPassWithDropout() {
        for (LlamaModel model : models) {
            LoraSettings lora = LoraSettings.defaults().withDropout(0.2);
            compare(model, m -> LoraAdapter.create(m, RankPlan.uniform(m.config(), LoraSettings.ALL_TARGETS, 3), lora, 11));
        }
    }

    @Test
    void adaloraGradientsWithItsOrthogonalityTermEqualThePlainPass() {
        for (LlamaModel model : models) {
            LoraSettings lora = LoraSettings.defaults().withDropout(0.1);
            compare(model, m -> AdaLoraAdapter.create(m, LoraSettings.ALL_TARGETS, lora,
                    AdaLoraSettings.defaults().withRanks(4, 2), 13));
        }
    }

    @Test
    void autoCheckpointsLargeModelsOrWhenThePlainEstimateDoesNotFit() {
        LlamaConfig small = models.get(0).config();
        assertFalse(ActivationCheckpointing.AUTO.enabled(small, 4, 4, 256, 1000, Long.MAX_VALUE));
        assertTrue(ActivationCheckpointing.AUTO.enabled(small, 4, 4, 256, 1000, 1));
        assertTrue(ActivationCheckpointing.ON.enabled(small, 4, 4, 256, 1000, Long.MAX_VALUE));
        assertFalse(ActivationCheckpointing.OFF.enabled(small, 4, 4, 256, 1000, 1));
        assertTrue(ActivationCheckpointing.ON.estimate(small, 4, 4, 256, 1000, 0).activationBytes()
                < MemoryEstimate.training(small, 4, 4, 256, 1000).activationBytes());
        assertEquals(ActivationCheckpointing.ON, ActivationCheckpointing.parse(" On"));
        assertThrows(LoraException.class, () -> ActivationCheckpointing.parse("sometimes"));
    }

    private static void compare(LlamaModel model, Function<LlamaModel, TrainableAdapter> create) {
        double[] loss = new double[2];
        List<Map<String, float[]>> grads = new ArrayList<>();
        ActivationCheckpointing[] modes = {ActivationCheckpointing.OFF, ActivationCheckpointing.ON};
        for (int k = 0; k < modes.length; k++) {
            try (TrainableAdapter adapter = create.apply(model)) {
                int p = 0;
                for (NDArray param : adapter.parameters().values()) {
                    TinyModels.perturb(param, 0.3, 100 + p++);   // nonzero B: every parameter gets a gradient
                }
                adapter.train();
                TrainingSettings settings = TrainingSettings.defaults(RunLength.steps(1)).withBatch(4, 2)
                        .withActivationCheckpointing(modes[k]);
                loss[k] = new Trainer(model, adapter, settings, TrainingListener.NONE).stepGradients(batch(model.config()), 3);
                Map<String, float[]> g = new LinkedHashMap<>();
                adapter.parameters().forEach((name, param) -> g.put(name, param.getGradient().toFloatArray()));
                grads.add(g);
                adapter.eval();
            }
        }
        String where = model.config().layer(0).numHeads() + "/" + model.config().layer(0).numKvHeads() + " heads";
        assertEquals(loss[0], loss[1], TOLERANCE * Math.abs(loss[0]), "loss, " + where);
        for (String name : grads.get(0).keySet()) {
            float[] plain = grads.get(0).get(name);
            float[] checkpointed = grads.get(1).get(name);
            double scale = 0;
            double diff = 0;
            for (int i = 0; i < plain.length; i++) {
                scale = Math.max(scale, Math.abs(plain[i]));
                diff = Math.max(diff, Math.abs(plain[i] - checkpointed[i]));
            }
            assertTrue(scale > 0, name + " has no gradient, " + where);
            assertTrue(diff <= TOLERANCE * scale, name + ": max difference " + diff + " against " + scale + ", " + where);
        }
    }
}
