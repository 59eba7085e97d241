package org.rankadaptor.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class StatisticsTest {

    @Test
    void standardErrorIsTheHarnessFormula() {
        // mean 0.75, squares 3 * 0.0625 + 0.5625 = 0.75, sample variance 0.25, / n = 0.0625 -> 0.25
        assertEquals(0.25, Statistics.meanStandardError(new double[] {1, 0, 1, 1}), 1e-15);
        // lm-eval on 5 docs with 2 correct: sqrt(p(1-p) n/(n-1) / n) = sqrt(0.24 * 1.25 / 5) = sqrt(0.06)
        assertEquals(Math.sqrt(0.06), Statistics.meanStandardError(new double[] {1, 1, 0, 0, 0}), 1e-15);
        assertTrue(Double.isNaN(Statistics.meanStandardError(new double[] {1})));
        assertEquals(Math.sqrt(0.5), Statistics.sampleStd(new double[] {1, 2}), 1e-15);
    }

    @Test
    void quantileInterpolatesLikeNumpy() {
        double[] sorted = {1, 2, 3, 4, 5};
        assertEquals(1.1, Statistics.quantile(sorted, 0.025), 1e-12);   // pos 0.1
        assertEquals(4.9, Statistics.quantile(sorted, 0.975), 1e-12);   // pos 3.9
        assertEquals(3, Statistics.quantile(sorted, 0.5), 1e-12);
    }

    @Test
    void mcnemarIsTheExactBinomialTest() {
        // 8 items only A got right, 2 only B, 5 both, 3 neither: p = 2 (C(10,0)+C(10,1)+C(10,2)) / 2^10 = 112/1024
        double[] a = new double[18];
        double[] b = new double[18];
        for (int i = 0; i < 8; i++) {
            a[i] = 1;
        }
        b[8] = 1;
        b[9] = 1;
        for (int i = 10; i < 15; i++) {
            a[i] = 1;
            b[i] = 1;
        }
        Statistics.McNemar m = Statistics.mcnemar(a, b);
        assertEquals(8, m.onlyA());
        assertEquals(2, m.onlyB());
        assertEquals(112.0 / 1024, m.pValue(), 1e-15);
        assertFalse(m.significantAt(0.05));
        assertEquals(1.0, Statistics.mcnemar(a, a).pValue());
        // 10 vs 0: 2 / 1024
        double[] ten = new double[10];
        java.util.Arrays.fill(ten, 1);
        assertEquals(2.0 / 1024, Statistics.mcnemar(ten, new double[10]).pValue(), 1e-15);
    }

    @Test
    void pairedBootstrapOfTwoItemsHasTheHandComputedDistribution() {
        // differences {0, 1}: resampled means 0 (1/4), 0.5 (1/2), 1 (1/4) -> 95% interval [0, 1], p = 2 * 1/4
        Statistics.PairedDifference d = Statistics.pairedBootstrap(new double[] {1, 1}, new double[] {1, 0},
                0.95, 20_000, 3);
        assertEquals(0.5, d.difference(), 1e-15);
        assertEquals(0, d.interval().lower(), 1e-15);
        assertEquals(1, d.interval().upper(), 1e-15);
        assertEquals(0.5, d.pValue(), 0.02);
        assertFalse(d.significant());
    }

    @Test
    void pairedBootstrapOfAConstantDifferenceIsSignificantAndDegenerate() {
        double[] a = {0.7, 0.5, 0.9, 0.2};
        double[] b = {0.5, 0.3, 0.7, 0.0};
        Statistics.PairedDifference d = Statistics.pairedBootstrap(a, b, 0.95, 500, 1);
        assertEquals(0.2, d.interval().lower(), 1e-12);
        assertEquals(0.2, d.interval().upper(), 1e-12);
        assertTrue(d.significant());
        assertEquals(0, d.pValue());
        assertThrows(IllegalArgumentException.class, () -> Statistics.pairedBootstrap(a, new double[3], 0.95, 100, 1));
    }

    @Test
    void pairedBootstrapWidthMatchesTheNormalApproximationOnManyItems() {
        SplittableRandom r = new SplittableRandom(9);
        int n = 2000;
        double[] a = new double[n];
        double[] b = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextDouble() < 0.62 ? 1 : 0;
            b[i] = r.nextDouble() < 0.60 ? 1 : 0;
        }
        double[] diff = new double[n];
        for (int i = 0; i < n; i++) {
            diff[i] = a[i] - b[i];
        }
        double se = Statistics.meanStandardError(diff);
        Statistics.PairedDifference d = Statistics.pairedBootstrap(a, b, 0.95, 4000, 2);
        double halfWidth = (d.interval().upper() - d.interval().lower()) / 2;
        assertEquals(1.96 * se, halfWidth, 0.1 * 1.96 * se);
        assertEquals(d.significant(), d.pValue() < 0.05 + 0.01);
    }

    @Test
    void perplexityIntervalResamplesWindows() {
        // two windows of one token with NLL 0 and 2: mean NLL 0 (1/4), 1 (1/2), 2 (1/4) -> ppl interval [1, e^2]
        Statistics.Interval i = Statistics.perplexityInterval(new double[] {0, 2}, 1, 0.95, 20_000, 4);
        assertEquals(Math.E, i.estimate(), 1e-12);
        assertEquals(1, i.lower(), 1e-12);
        assertEquals(Math.exp(2), i.upper(), 1e-12);
        PerplexityResult same = new PerplexityResult("f", 3, 5, 12, 12, 15, 0, new double[] {4, 4, 4});
        Statistics.Interval flat = same.interval(0.95, 100, 1);
        assertEquals(Math.E, flat.lower(), 1e-12);
        assertEquals(Math.E, flat.upper(), 1e-12);
        assertEquals(same.perplexity(), flat.estimate(), 1e-12);
        assertThrows(EvalDataException.class, () -> new PerplexityResult("f", 1, 5, 4, 4, 5, 0).interval(0.95, 100, 1));
    }
}
