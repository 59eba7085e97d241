package org.rankadaptor.prune;

import org.junit.jupiter.api.Test;
import org.rankadaptor.model.LayerDims;
import org.rankadaptor.model.LlamaConfig;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PrunePlanTest {
    /** LLaMA-7B: hidden 4096, 32 layers, 32 heads (no GQA), FFN 11008, vocab 32000, untied: 6,738,415,616 parameters. */
    private static final LlamaConfig LLAMA_7B = LlamaConfig.uniform(4096, 32, 32, 32, 11008, 32000, false);

    @Test
    void llama7bShapeHasTheKnownParameterCount() {
        assertEquals(6_738_415_616L, LLAMA_7B.totalParameters());
    }

    /**
     * LLM-Pruner prunes layers 5-30 (1-based; 4..29 0-based) at 25%, 32%, 38% and 63.5% for about 20%, 25%, 30% and
     * 50% fewer parameters (whole model incl. embeddings). "About" is within one percentage point here.
     */
    @Test
    void llama7bRangeRatiosGiveThePaperGlobalReductions() {
        double[][] ratioAndGlobal = {{0.25, 0.20}, {0.32, 0.25}, {0.38, 0.30}, {0.635, 0.50}};
        for (double[] rg : ratioAndGlobal) {
            PrunePlan plan = PrunePlan.of(Estimator.TAYLOR_ELEMENT1, LayerRange.parse("5-30:" + rg[0]));
            double reduction = plan.parameterReduction(LLAMA_7B);
            assertEquals(rg[1], reduction, 0.01, "ratio " + rg[0] + " gives " + reduction);
        }
        // 25%: 24 of 32 heads and 8256 of 11008 channels kept in layers 5-30, the rest untouched
        List<LayerDims> dims = PrunePlan.of(Estimator.L1, LayerRange.parse("5-30:0.25")).prunedDims(LLAMA_7B);
        assertEquals(new LayerDims(32, 32, 11008), dims.get(3));
        assertEquals(new LayerDims(24, 24, 8256), dims.get(4));
        assertEquals(new LayerDims(24, 24, 8256), dims.get(29));
        assertEquals(new LayerDims(32, 32, 11008), dims.get(30));
    }

    @Test
    void globalTargetSolvesForTheRangeRatio() {
        for (double target : new double[] {0.2, 0.25, 0.3, 0.5}) {
            PrunePlan plan = PrunePlan.forGlobalTarget(LLAMA_7B, 4, 29, target, Estimator.TAYLOR_ELEMENT1, 1, 0);
            double reduction = plan.parameterReduction(LLAMA_7B);
            assertTrue(reduction >= target && reduction < target + 0.005, "target " + target + " gave " + reduction);
            LayerRange range = plan.ranges().get(0);
            assertEquals(4, range.firstLayer());
            assertEquals(29, range.lastLayer());
            // the smallest such ratio: a slightly smaller one falls short
            PrunePlan less = new PrunePlan(List.of(range.withRatios(range.attentionRatio() - 1e-4, range.mlpRatio() - 1e-4)),
                    Estimator.TAYLOR_ELEMENT1, 1, 0);
            assertTrue(less.parameterReduction(LLAMA_7B) < target);
        }
        PrunePlanException e = assertThrows(PrunePlanException.class,
                () -> PrunePlan.forGlobalTarget(LLAMA_7B, 4, 29, 0.9, Estimator.L2, 1, 0));
        assertTrue(e.getMessage().contains("cannot be reached"), e.getMessage());
    }

    @Test
    void mlpChannelsAreRoundedUpToTheMultiple() {
        PrunePlan plan = new PrunePlan(List.of(LayerRange.parse("1-32:0.32")), Estimator.L1, 8, 0);
        for (LayerDims d : plan.prunedDims(LLAMA_7B)) {
            assertEquals(7488, d.intermediateSize()); // floor(11008 * 0.68) = 7485 -> 7488
            assertEquals(21, d.numHeads());
        }
    }

    @Test
    void cliRangesAreOneBasedAndInclusive() {
        LayerRange r = LayerRange.parse("1-3:0.3");
        assertEquals(new LayerRange(0, 2, 0.3, 0.3), r);
        assertEquals(new LayerRange(3, 4, 0.2, 0.4), LayerRange.parse("4-5:0.2:0.4"));
        assertEquals(new LayerRange(6, 6, 0.5, 0.5), LayerRange.parse("7:0.5"));
        assertEquals(r, LayerRange.parse(r.toCli()));
    }

    @Test
    void badPlansAreRejectedWithClearErrors() {
        LlamaConfig small = LlamaConfig.uniform(32, 5, 8, 4, 24, 64, true);
        assertMessage("overlap", () -> PrunePlan.of(Estimator.L1, LayerRange.parse("1-3:0.3"), LayerRange.parse("3-5:0.2")));
        assertMessage("outside [0, 1)", () -> LayerRange.parse("1-3:1.0"));
        assertMessage("outside [0, 1)", () -> LayerRange.parse("1-3:0.2:-0.1"));
        assertMessage("outside the model's layers 1-5",
                () -> PrunePlan.of(Estimator.L1, LayerRange.parse("4-6:0.3")).validate(small));
        // 4 kv groups at 0.8: floor(4 * 0.2) = 0 groups would remain
        assertMessage("would remove all 4 attention groups",
                () -> PrunePlan.of(Estimator.L1, LayerRange.parse("2-3:0.8:0.1")).validate(small));
        assertMessage("layers are numbered from 1", () -> LayerRange.parse("0-2:0.3"));
        assertMessage("not after the last", () -> LayerRange.parse("3-2:0.3"));
        assertMessage("not a number", () -> LayerRange.parse("1-2:abc"));
        assertMessage("expected FIRST-LAST:RATIO", () -> LayerRange.parse("1-2"));
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable action) {
        PrunePlanException e = assertThrows(PrunePlanException.class, action);
        assertTrue(e.getMessage().contains(expected), "message: " + e.getMessage());
    }
}
