package org.rankadaptor.prune;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.rankadaptor.Stories260K;
import org.rankadaptor.TestData;
import org.rankadaptor.stage.StageContext;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Taylor importance of stories260K equals the independent reference (reference/stories260K/taylor.json). */
class Stories260KTaylorTest {
    @RegisterExtension
    static final Stories260K STORIES = new Stories260K();
    private static JsonNode reference;
    private static CalibrationSet calibration;

    @BeforeAll
    static void load() {
        reference = TestData.referenceJson("taylor.json");
        calibration = CalibrationSet.load(TestData.path("text/tinystories-gen/valid.jsonl"), STORIES.tokenizer(), 8, 64, null);
    }

    @Test
    void calibrationSamplesAreTheReferenceInputs() {
        JsonNode ids = reference.get("input_ids");
        assertEquals(ids.size(), calibration.size());
        for (int i = 0; i < ids.size(); i++) {
            long[] expected = new long[ids.get(i).size()];
            for (int t = 0; t < expected.length; t++) {
                expected[t] = ids.get(i).get(t).asLong();
            }
            assertArrayEquals(expected, calibration.samples().get(i), "sample " + i);
        }
        List<Integer> rows = new ArrayList<>();
        reference.get("calibration_rows").forEach(r -> rows.add(r.asInt()));
        assertEquals(rows, calibration.source().rows());
    }

    @Test
    void element1GroupImportanceAndLossMatchTheReference() {
        List<String> progress = new ArrayList<>();
        ImportanceMaps maps = ImportanceScorer.score(STORIES.model(), calibration, Estimator.TAYLOR_ELEMENT1, 0,
                new StageContext((step, done, total, msg) -> progress.add(step + " " + done + "/" + total), () -> false));
        assertEquals(reference.get("loss").asDouble(), maps.calibrationLoss(), 1e-5);
        assertClose(reference.get("attention_group_importance"), maps.attention(), 4);
        assertClose(reference.get("mlp_channel_importance"), maps.mlp(), 172);
        assertTrue(progress.contains("importance 8/8"), "a progress report per calibration sample: " + progress);
        // Taylor+ block score = sum over the block's tensors of sum |w * g|
        JsonNode perTensor = reference.get("per_tensor");
        for (int l = 0; l < 5; l++) {
            double expected = 0;
            for (String name : new String[] {"input_layernorm", "post_attention_layernorm", "self_attn.q_proj",
                "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj", "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"}) {
                expected += perTensor.get("model.layers." + l + "." + name + ".weight").get("sum_abs_w_grad").asDouble();
            }
            assertEquals(expected, maps.blockTaylor()[l], 1e-4 * expected, "block " + l);
        }
    }

    private static void assertClose(JsonNode expected, double[][] actual, int width) {
        assertEquals(expected.size(), actual.length);
        double worst = 0;
        for (int l = 0; l < actual.length; l++) {
            assertEquals(width, actual[l].length);
            for (int g = 0; g < width; g++) {
                double e = expected.get(l).get(g).asDouble();
                worst = Math.max(worst, Math.abs(actual[l][g] - e) / Math.abs(e));
            }
        }
        assertTrue(worst < 1e-4, "max relative difference " + worst);
    }
}
