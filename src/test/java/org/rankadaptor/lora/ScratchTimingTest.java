package org.rankadaptor.lora;

import ai.djl.ndarray.*;
import ai.djl.ndarray.types.*;
import org.junit.jupiter.api.Test;
import org.rankadaptor.model.*;
import java.nio.file.Path;

class ScratchTimingTest {
    @Test
    void time() {
        LlamaModel m32 = TinyModels.write(Path.of("/tmp/scratch/m"), TinyModels.prunedConfig(), 7);
        LlamaModel m64 = TinyModels.toFloat64(m32);
        for (LlamaModel m : new LlamaModel[]{m32, m64}) {
            LoraAdapter a = LoraAdapter.create(m, RankPlan.uniform(m.config(), LoraSettings.ALL_TARGETS, 2), LoraSettings.defaults(), 1);
            a.eval();
            for (int rep = 0; rep < 3; rep++) {
                long t = System.nanoTime();
                for (int i = 0; i < 20; i++) {
                    try (NDManager mg = m.manager().newSubManager(); NDScope s = new NDScope()) {
                        NDArray ids = mg.create(new long[]{1,5,6,7,8,9,10}, new Shape(1, 7));
                        m.forward(ids, null, a, null).sum().toType(DataType.FLOAT64, false).getDouble();
                    }
                }
                long t2 = System.nanoTime();
                for (int i = 0; i < 20; i++) {
                    try (NDManager mg = m.manager().newSubManager(); NDScope s = new NDScope()) {
                        NDArray ids = mg.create(new long[]{1,5,6,7,8,9,10}, new Shape(1, 7));
                        m.forward(ids, null, LinearAdapter.NONE, null).sum().toType(DataType.FLOAT64, false).getDouble();
                    }
                }
                System.out.println(m.weights().embedTokens().getDataType() + " adapter ms/fwd " + (t2 - t) / 20e6 + " base " + (System.nanoTime() - t2) / 20e6);
            }
        }
    }
}
