package org.rankadaptor.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rankadaptor.lora.LoraSettings;
import org.rankadaptor.lora.TrainingData;
import org.rankadaptor.model.Projection;

/** The setup a cluster worker receives survives its JSON trip unchanged. */
class MeasurementSetupTest {
    @Test
    void roundTripsThroughJson() {
        LoraSettings lora = new LoraSettings(EnumSet.of(Projection.Q, Projection.V), 16, Map.of("q_proj", 8.0),
                LoraSettings.AlphaRule.FIXED, 0.05, LoraSettings.Scaling.RANK_STABILIZED);
        for (SearchObjective objective : new SearchObjective[] {SearchObjective.parse("ppl:/data/wiki.txt"),
                SearchObjective.parse("tasks-norm:boolq,piqa")}) {
            MeasurementSetup setup = new MeasurementSetup(Path.of("/models/pruned"), Path.of("/data/train.jsonl"),
                    TrainingData.LossTokens.ALL, objective, Path.of("/data/tasks"), Fidelity.cheap(), lora, 42);
            assertEquals(setup, MeasurementSetup.fromJson(setup.toJson()));
        }
    }

    @Test
    void aBrokenSetupIsRefusedWithAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MeasurementSetup.fromJson("{\"modelDir\": 3"));
        assertEquals(true, e.getMessage().startsWith("measurement setup is not valid JSON"), e.getMessage());
    }
}
