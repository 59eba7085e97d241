package org.rankadaptor.prune;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rankadaptor.stage.CancelledException;
import org.rankadaptor.stage.StageContext;
import org.rankadaptor.model.LlamaModel;
import org.rankadaptor.TinyModels;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImportanceScorerTest {
    @TempDir
    static Path tmp;
    private static LlamaModel model;
    private static CalibrationSet calibration;

    @BeforeAll
    static void load() {
        model = TinyModels.random(tmp, 2, 8, 4, false);
        calibration = TinyModels.calibration(3, 10, 11);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static ImportanceMaps score(Estimator estimator, CalibrationSet set) {
        return ImportanceScorer.score(model, set, estimator, 42, StageContext.none());
    }

    /** element2 uses per-sample squared gradients: it is the mean of the single-sample element2 scores. */
    @Test
    void element2IsTheMeanOverSamplesOfSingleSampleScores() {
        ImportanceMaps all = score(Estimator.TAYLOR_ELEMENT2, calibration);
        double[][] meanAttention = new double[2][4];
        double[][] meanMlp = new double[2][24];
        for (int j = 0; j < calibration.size(); j++) {
            CalibrationSet one = new CalibrationSet(List.of(calibration.samples().get(j)), calibration.source());
            ImportanceMaps single = score(Estimator.TAYLOR_ELEMENT2, one);
            for (int l = 0; l < 2; l++) {
                for (int g = 0; g < 4; g++) {
                    meanAttention[l][g] += single.attention()[l][g] / calibration.size();
                }
                for (int c = 0; c < 24; c++) {
                    meanMlp[l][c] += single.mlp()[l][c] / calibration.size();
                }
            }
        }
        for (int l = 0; l < 2; l++) {
            assertClose(meanAttention[l], all.attention()[l], 1e-4);
            assertClose(meanMlp[l], all.mlp()[l], 1e-4);
        }
        // and differs from the square of the mean gradient, which element1 of the batch would imply
        ImportanceMaps element1 = score(Estimator.TAYLOR_ELEMENT1, calibration);
        assertFalse(java.util.Arrays.equals(element1.attention()[0], all.attention()[0]));
    }

    @Test
    void mixIsElement1MinusHalfElement2AndVectorizeIsBoundedByElement1() {
        ImportanceMaps e1 = score(Estimator.TAYLOR_ELEMENT1, calibration);
        ImportanceMaps e2 = score(Estimator.TAYLOR_ELEMENT2, calibration);
        ImportanceMaps mix = score(Estimator.TAYLOR_MIX, calibration);
        ImportanceMaps vec = score(Estimator.TAYLOR_VECTORIZE, calibration);
        for (int l = 0; l < 2; l++) {
            for (int g = 0; g < 4; g++) {
                assertEquals(e1.attention()[l][g] - 0.5 * e2.attention()[l][g], mix.attention()[l][g], 1e-6 * e1.attention()[l][g]);
                assertTrue(vec.attention()[l][g] <= e1.attention()[l][g] * (1 + 1e-6));
                assertTrue(e2.attention()[l][g] > 0);
            }
            for (int c = 0; c < 24; c++) {
                assertEquals(e1.mlp()[l][c] - 0.5 * e2.mlp()[l][c], mix.mlp()[l][c], 1e-6 * e1.mlp()[l][c]);
                assertTrue(vec.mlp()[l][c] <= e1.mlp()[l][c] * (1 + 1e-6));
            }
        }
        assertEquals(e1.calibrationLoss(), mix.calibrationLoss(), 1e-9);
    }

    /** Magnitude scores by hand for layer 1, attention group 2 and MLP channel 5. */
    @Test
    void magnitudeScoresSumOverTheDependencyGroup() {
        int hd = model.config().headDim();
        float[] q = model.weights().layer(1).q().toFloatArray();
        float[] k = model.weights().layer(1).k().toFloatArray();
        float[] v = model.weights().layer(1).v().toFloatArray();
        float[] o = model.weights().layer(1).o().toFloatArray();
        int hidden = 32;
        int qWidth = 2 * hd; // 2 query heads per kv head
        double l1 = 0;
        double l2 = 0;
        for (int r = 2 * qWidth; r < 3 * qWidth; r++) {
            for (int c = 0; c < hidden; c++) {
                l1 += Math.abs(q[r * hidden + c]);
                l2 += q[r * hidden + c] * q[r * hidden + c];
                l1 += Math.abs(o[c * 32 + r]);
                l2 += o[c * 32 + r] * o[c * 32 + r];
            }
        }
        for (int r = 2 * hd; r < 3 * hd; r++) {
            for (int c = 0; c < hidden; c++) {
                l1 += Math.abs(k[r * hidden + c]) + Math.abs(v[r * hidden + c]);
                l2 += k[r * hidden + c] * k[r * hidden + c] + v[r * hidden + c] * v[r * hidden + c];
            }
        }
        assertEquals(l1, score(Estimator.L1, null).attention()[1][2], 1e-5 * l1);
        assertEquals(Math.sqrt(l2), score(Estimator.L2, null).attention()[1][2], 1e-5 * Math.sqrt(l2));

        float[] gate = model.weights().layer(1).gate().toFloatArray();
        float[] up = model.weights().layer(1).up().toFloatArray();
        float[] down = model.weights().layer(1).down().toFloatArray();
        double m = 0;
        for (int c = 0; c < hidden; c++) {
            m += Math.abs(gate[5 * hidden + c]) + Math.abs(up[5 * hidden + c]) + Math.abs(down[c * 24 + 5]);
        }
        assertEquals(m, score(Estimator.L1, null).mlp()[1][5], 1e-5 * m);
    }

    @Test
    void randomScoresDependOnTheSeedOnly() {
        ImportanceMaps a = ImportanceScorer.score(model, null, Estimator.RANDOM, 1, StageContext.none());
        ImportanceMaps b = ImportanceScorer.score(model, null, Estimator.RANDOM, 1, StageContext.none());
        ImportanceMaps c = ImportanceScorer.score(model, null, Estimator.RANDOM, 2, StageContext.none());
        assertArrayEquals(a.mlp()[1], b.mlp()[1]);
        assertFalse(java.util.Arrays.equals(a.mlp()[1], c.mlp()[1]));
    }

    @Test
    void taylorWithoutCalibrationOrWhenCancelledFailsClearly() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> score(Estimator.TAYLOR_MIX, null));
        assertTrue(e.getMessage().contains("--calib"));
        assertThrows(CancelledException.class, () -> ImportanceScorer.score(model, calibration,
                Estimator.TAYLOR_ELEMENT1, 0, new StageContext((s, d, t, m) -> { }, () -> true)));
        // a cancelled run stops recording gradients on the weights
        assertFalse(model.weights().layer(0).q().hasGradient());
        score(Estimator.TAYLOR_ELEMENT1, calibration);
    }

    private static void assertClose(double[] expected, double[] actual, double relative) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], relative * Math.abs(expected[i]) + 1e-12, "index " + i);
        }
    }
}
