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
}
