package org.rankadaptor.model;

import ai.djl.Device;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MemoryEstimateTest {
    @Test
    void sevenBillionParametersInFloat32AreAbout25GiBOfWeights() {
        LlamaConfig llama7b = LlamaConfig.uniform(4096, 32, 32, 32, 11008, 32000, false);
        MemoryEstimate e = MemoryEstimate.inference(llama7b, 4, 1, 128);
        assertEquals(6_738_415_616L * 4, e.weightBytes());
        assertEquals(0, e.optimizerBytes());
    }

    @Test
    void trainingCountsAdamStateForTrainableParametersOnly() {
        LlamaConfig tiny = LlamaConfig.uniform(64, 5, 8, 4, 172, 512, true);
        MemoryEstimate e = MemoryEstimate.training(tiny, 4, 4, 256, 41_344);
        assertEquals(41_344L * 16, e.optimizerBytes());
        assertTrue(e.activationBytes() > 0);
    }

    @Test
    void aJobThatCannotFitIsRefusedWithTheFigures() {
        LlamaConfig huge = LlamaConfig.uniform(16384, 400, 128, 8, 53248, 128256, false);
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> MemoryEstimate.training(huge, 4, 4, 4096, 1_000_000_000L).requireFits(Device.cpu(), "fine-tuning"));
        assertTrue(refused.getMessage().startsWith("fine-tuning needs about "), refused.getMessage());
        assertTrue(refused.getMessage().contains("available"), refused.getMessage());
    }

    /**
     * Peaks measured with /usr/bin/time -v on the TinyLlama-1.1B preset by bench/run_memory_bench.sh (docs/BENCHMARKS.md,
     * "Real size"), in KB; finetune without checkpointing from the run before {@link NativeHeap}.
     */
    @Test
    void estimatesStayWithinFifteenPercentOfTheMeasuredPeaksAtRealSize() {
        LlamaConfig c = ModelPreset.TINYLLAMA_1_1B.config();
        assertWithin(4_528_224, MemoryEstimate.inference(c, 4, 1, 8 + 64), "generate --max-tokens 8");
        assertWithin(4_974_948, MemoryEstimate.inference(c, 4, 4, 128), "ppl --window 128");
        assertWithin(4_925_344, MemoryEstimate.scoring(c, 4, 4, 512), "eval, rows estimated at 512 tokens");
        assertWithin(4_891_320, MemoryEstimate.importance(c, 4, 64, 1), "importance --samples 4");
        assertWithin(6_198_704, MemoryEstimate.training(c, 4, 1, 128, 6_307_840L), "finetune 1 x 128, rank 8");
        assertWithin(5_073_412, MemoryEstimate.checkpointedTraining(c, 4, 1, 128, 6_307_840L),
                "finetune 1 x 128, rank 8, activation checkpointing");
    }

    private static void assertWithin(long peakKb, MemoryEstimate estimate, String job) {
        double ratio = estimate.totalBytes() / (peakKb * 1024.0);
        assertTrue(ratio > 0.85 && ratio < 1.15, job + ": estimate " + estimate + " is " + ratio + " of the peak");
    }
}
