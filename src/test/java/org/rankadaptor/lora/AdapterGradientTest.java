package org.rankadaptor.lora;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rankadaptor.model.LinearAdapter;
import org.rankadaptor.model.LlamaConfig;
import org.rankadaptor.model.LlamaModel;
import org.rankadaptor.model.Projection;
import org.rankadaptor.TinyModels;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Autograd gradients of LoRA and AdaLoRA parameters against central finite differences, in float64. */
class AdapterGradientTest {
    @TempDir
    static Path dir;
    private static LlamaModel model32;
    private static LlamaModel model64;
    private static List<TrainingExample> examples;

    @BeforeAll
    static void setUp() {
        model32 = TinyModels.write(dir.resolve("m"), TinyModels.prunedConfig(), 7);
        model64 = TinyModels.toFloat64(model32);
        SplittableRandom random = new SplittableRandom(3);
        examples = List.of(TinyModels.randomExample(random, 7, 40), TinyModels.randomExample(random, 5, 40));
    }

    @AfterAll
    static void tearDown() {
        model64.close();
        model32.close();
    }

    @Test
    void withZeroBTheAdaptedLogitsEqualTheBaseLogitsExactly() {
        LlamaConfig config = model32.config();
        try (LoraAdapter adapter = LoraAdapter.create(model32, RankPlan.uniform(config, LoraSettings.ALL_TARGETS, 4),
                LoraSettings.defaults(), 11);
             NDManager manager = model32.manager().newSubManager()) {
            adapter.train();   // dropout active: the zero B still makes every delta zero
            NDArray ids = manager.create(examples.get(0).inputIds(), new Shape(1, 7));
            float[] base = model32.logits(ids).toFloatArray();
            float[] adapted = model32.forward(ids, null, adapter, null).toFloatArray();
            assertArrayEquals(base, adapted);
            assertEquals(RankPlan.uniform(config, LoraSettings.ALL_TARGETS, 4).trainableParameters(config),
                    adapter.trainableParameters());
        }
    }

    @Test
    void loraGradientsMatchFiniteDifferencesOnAPrunedModel() {
        LlamaConfig config = model64.config();
        RankPlan plan = RankPlan.perLayer(config, LoraSettings.ALL_TARGETS, new int[] {2, 3, 1});
        try (LoraAdapter adapter = LoraAdapter.create(model64, plan, LoraSettings.defaults().withAlpha(4), 5)) {
            int k = 0;
            for (NDArray p : adapter.parameters().values()) {
                TinyModels.perturb(p, 0.3, 100 + k++);
            }
            adapter.eval();
            checkGradients(adapter, 0.0);
        }
    }

    @Test
    void adaloraGradientsIncludingTheOrthogonalityPenaltyMatchFiniteDifferences() {
        AdaLoraSettings settings = AdaLoraSettings.defaults().withRanks(3, 2);
        try (AdaLoraAdapter adapter = AdaLoraAdapter.create(model64, java.util.EnumSet.of(Projection.Q, Projection.V,
                Projection.DOWN), LoraSettings.defaults(), settings, 9)) {
            int k = 0;
            for (Map.Entry<String, NDArray> e : adapter.parameters().entrySet()) {
                TinyModels.perturb(e.getValue(), e.getKey().endsWith("lora_E") ? 0.5 : 0.2, 200 + k++);
            }
            adapter.eval();
            checkGradients(adapter, 1.0);
        }
    }

    /** loss = mean NLL + regularization weight x penalty; compares sampled entries of every parameter. */
    private static void checkGradients(TrainableAdapter adapter, double regularizationFactor) {
        Map<String, NDArray> params = adapter.parameters();
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            for (NDArray p : params.values()) {
                if (p.hasGradient()) {
                    p.getGradient().subi(p.getGradient());
                }
            }
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(loss(adapter, regularizationFactor));
            }
            SplittableRandom random = new SplittableRandom(17);
            int checked = 0;
            int index = 0;
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                // every fifth array (all kinds, all layers incl. the pruned one), to keep the test fast
                if (index++ % 5 != 0) {
                    continue;
                }
                NDArray p = e.getValue();
                double[] grad = p.getGradient().toDoubleArray();
                double[] values = p.stopGradient().toDoubleArray();
                for (int sample = 0; sample < 2; sample++) {
                    int i = random.nextInt(values.length);
                    double h = 1e-6;
                    double original = values[i];
                    values[i] = original + h;
                    set(p, values);
                    double plus = value(adapter, regularizationFactor);
                    values[i] = original - h;
                    set(p, values);
                    double minus = value(adapter, regularizationFactor);
                    values[i] = original;
                    set(p, values);
                    double numeric = (plus - minus) / (2 * h);
                    assertEquals(numeric, grad[i], 1e-7 + 1e-5 * Math.abs(numeric),
                            e.getKey() + "[" + i + "]: autograd " + grad[i] + " vs finite difference " + numeric);
                    checked++;
                }
            }
            assertTrue(checked >= 2 * (params.size() / 5));
            // gradients are not all zero (the check above would pass trivially otherwise)
            double norm = 0;
            for (NDArray p : params.values()) {
                norm += p.getGradient().square().sum().getDouble();
            }
            assertTrue(norm > 1e-8, "gradient norm " + norm);
        }
    }

    private static NDArray loss(TrainableAdapter adapter, double regularizationFactor) {
        NDManager manager = model64.manager().newSubManager();
        LanguageModelLoss.Batch batch = LanguageModelLoss.batch(manager, examples, 2);
        NDArray loss = LanguageModelLoss.nllSum(model64, adapter, batch).div(batch.lossTokens());
        NDArray reg = adapter.regularization();
        if (reg != null && regularizationFactor != 0) {
            loss = loss.add(reg.mul(regularizationFactor));
        }
        return loss;
    }

    private static double value(TrainableAdapter adapter, double regularizationFactor) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            return loss(adapter, regularizationFactor).toType(DataType.FLOAT64, false).getDouble();
        }
    }

    private static void set(NDArray p, double[] values) {
        NDArray source = p.getManager().create(values, p.getShape());
        p.stopGradient().muli(0).addi(source);
    }

    @SuppressWarnings("unused")
    private static LinearAdapter unused() {
        return LinearAdapter.NONE;
    }
}
