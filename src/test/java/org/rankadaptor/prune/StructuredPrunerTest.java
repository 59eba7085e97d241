package org.rankadaptor.prune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rankadaptor.stage.StageContext;
import org.rankadaptor.model.CheckpointLoader;
import org.rankadaptor.model.LayerDims;
import org.rankadaptor.model.LlamaModel;
import org.rankadaptor.TinyModels;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pruned models compute exactly the original with the removed groups switched off. */
class StructuredPrunerTest {
    @TempDir
    Path tmp;

    @Test
    void groupedAttentionKeepsHeadSharing() {
        checkEqualsZeroedOriginal(8, 4, true);
    }

    @Test
    void ungroupedAttentionWithUntiedHead() {
        checkEqualsZeroedOriginal(4, 4, false);
    }

    /**
     * Keeps kv groups {0, 2} of layer 0 and MLP channels {1, 5, ...} of layer 1, then compares with the original model
     * whose removed groups' o_proj / down_proj columns are zeroed (so they contribute nothing).
     */
    private void checkEqualsZeroedOriginal(int heads, int kvHeads, boolean tied) {
        try (LlamaModel original = TinyModels.random(tmp.resolve("orig"), 2, heads, kvHeads, tied);
             LlamaModel zeroed = CheckpointLoader.load(tmp.resolve("orig"))) {
            int ffn = original.config().layer(0).intermediateSize();
            int[] keptChannels = {1, 5, 6, 7, 12, 20, 23};
            List<LayerSelection> selections = List.of(
                    LayerSelection.keeping(0, kvHeads, new int[] {0, 2}, ffn, java.util.stream.IntStream.range(0, ffn).toArray()),
                    LayerSelection.keeping(1, kvHeads, java.util.stream.IntStream.range(0, kvHeads).toArray(), ffn, keptChannels));
            int headDim = original.config().headDim();
            int groupWidth = heads / kvHeads * headDim;
            NDArray o = zeroed.weights().layer(0).o();
            for (int g : selections.get(0).removedAttentionGroups()) {
                o.set(new NDIndex(":, " + g * groupWidth + ":" + (g + 1) * groupWidth), 0f);
            }
            NDArray down = zeroed.weights().layer(1).down();
            for (int c : selections.get(1).removedMlpChannels()) {
                down.set(new NDIndex(":, " + c), 0f);
            }
            try (LlamaModel pruned = StructuredPruner.apply(original, selections, StageContext.none())) {
                assertEquals(new LayerDims(heads / kvHeads * 2, 2, ffn), pruned.config().layer(0));
                assertEquals(new LayerDims(heads, kvHeads, keptChannels.length), pruned.config().layer(1));
                assertEquals(pruned.config().totalParameters(), TinyModels.storedParameters(pruned));
                assertEquals(tied, pruned.weights().tied());
                long[][] inputs = TinyModels.inputs();
                float[] expected = TinyModels.logits(zeroed, inputs);
                float[] actual = TinyModels.logits(pruned, inputs);
                assertTrue(TinyModels.maxAbsDiff(expected, actual) < 1e-5f,
                        "max |logit difference| " + TinyModels.maxAbsDiff(expected, actual));
                // and the pruning really changed the model
                assertTrue(TinyModels.maxAbsDiff(TinyModels.logits(original, inputs), actual) > 1e-4f);
            }
        }
    }

    @Test
    void planPrunesToTheAnalyticCountAndReloadsWithTheSameLogits() {
        for (boolean tied : new boolean[] {true, false}) {
            Path dir = tmp.resolve("m" + tied);
            try (LlamaModel model = TinyModels.random(dir, 3, 8, 4, tied)) {
                CalibrationSet calibration = TinyModels.calibration(3, 12, 5);
                PrunePlan plan = new PrunePlan(List.of(LayerRange.parse("1-2:0.5:0.25")), Estimator.TAYLOR_ELEMENT1, 4, 0);
                ImportanceMaps maps = ImportanceScorer.score(model, calibration, plan.estimator(), plan.seed(), StageContext.none());
                PrunedModel pruned = StructuredPruner.prune(model, plan, maps, StageContext.none());
                try (LlamaModel prunedModel = pruned.model()) {
                    assertEquals(plan.prunedConfig(model.config()), prunedModel.config());
                    assertEquals(new LayerDims(4, 2, 20), prunedModel.config().layer(0)); // 18 kept, rounded up to 20
                    assertEquals(model.config().layer(2), prunedModel.config().layer(2));
                    long after = TinyModels.storedParameters(prunedModel);
                    assertEquals(prunedModel.config().totalParameters(), after);
                    // the kept attention groups are the two best-scoring ones
                    double[] scores = maps.attention()[0];
                    for (int kept : pruned.layers().get(0).keptAttentionGroups()) {
                        for (int removed : pruned.layers().get(0).removedAttentionGroups()) {
                            assertTrue(scores[kept] >= scores[removed]);
                        }
                    }
                    PruningResult result = new PruningResult(plan, null, calibration.source(), pruned.layers(), null,
                            null, model.config().totalParameters(), after, maps);
                    Path out = tmp.resolve("pruned" + tied);
                    PrunedCheckpoint.save(prunedModel, out, null, result);
                    try (LlamaModel reloaded = CheckpointLoader.load(out)) {
                        assertEquals(prunedModel.config(), reloaded.config());
                        long[][] inputs = TinyModels.inputs();
                        assertArrayEquals(TinyModels.logits(prunedModel, inputs), TinyModels.logits(reloaded, inputs));
                    }
                    PruningResult read = PrunedCheckpoint.readResult(out);
                    assertEquals(plan, read.plan());
                    assertEquals(calibration.source(), read.calibration());
                    assertEquals(after, read.parametersAfter());
                    assertArrayEquals(pruned.layers().get(0).keptMlpChannels(), read.layers().get(0).keptMlpChannels());
                    assertArrayEquals(maps.attention()[1], read.importance().attention()[1]);
                    assertArrayEquals(maps.mlp()[2], read.importance().mlp()[2]);
                    assertNotNull(read.importance().calibrationLoss());
                }
            }
        }
    }

    @Test
    void mapsForAnotherModelAreRejected() {
        try (LlamaModel model = TinyModels.random(tmp.resolve("a"), 2, 4, 2, true)) {
            ImportanceMaps maps = new ImportanceMaps(Estimator.L1, new double[][] {{1, 2}}, new double[][] {new double[24]}, null, null);
            PrunePlanException e = assertThrows(PrunePlanException.class,
                    () -> StructuredPruner.select(model.config(), PrunePlan.of(Estimator.L1, LayerRange.parse("1-2:0.5")), maps));
            assertTrue(e.getMessage().contains("1 layers"), e.getMessage());
        }
    }
}
