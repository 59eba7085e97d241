package org.rankadaptor.prune;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rankadaptor.stage.StageContext;
import org.rankadaptor.model.CheckpointLoader;
import org.rankadaptor.model.LlamaConfig;
import org.rankadaptor.model.LlamaModel;
import org.rankadaptor.TinyModels;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DepthPrunerTest {
    @TempDir
    static Path tmp;
    private static LlamaModel model;
    private static CalibrationSet calibration;

    @BeforeAll
    static void load() {
        model = TinyModels.random(tmp.resolve("src"), 6, 4, 2, true);
        calibration = TinyModels.calibration(2, 10, 3);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void taylorRemovesTheLowestScoringMiddleBlocks() {
        DepthPruner.Result result = DepthPruner.prune(model, new DepthPlan(2, DepthPlan.Method.TAYLOR, 1, 1),
                calibration, StageContext.none());
        try (LlamaModel pruned = result.model()) {
            double[] expected = ImportanceScorer.score(model, calibration, Estimator.TAYLOR_ELEMENT1, 0,
                    StageContext.none()).blockTaylor();
            assertArrayEquals(expected, result.blockScores(), 1e-9);
            List<Integer> middle = new ArrayList<>(List.of(1, 2, 3, 4));
            middle.sort((a, b) -> Double.compare(expected[a], expected[b]));
            List<Integer> lowest = new ArrayList<>(middle.subList(0, 2));
            lowest.sort(Integer::compare);
            assertEquals(lowest, result.removedBlocks());
            checkIsTheOriginalWithout(pruned, result.removedBlocks());
        }
    }

    @Test
    void perplexityRemovesTheBlocksWhoseRemovalHurtsLeast() {
        DepthPruner.Result result = DepthPruner.prune(model, new DepthPlan(1, DepthPlan.Method.PPL, 2, 1),
                calibration, StageContext.none());
        try (LlamaModel pruned = result.model()) {
            double best = Double.POSITIVE_INFINITY;
            int bestBlock = -1;
            for (int b = 2; b <= 4; b++) {
                try (LlamaModel without = DepthPruner.removeBlocks(model, List.of(b))) {
                    double ppl = CalibrationPerplexity.perplexity(without, calibration.samples(), StageContext.none());
                    assertEquals(ppl, result.blockScores()[b], 1e-9 * ppl);
                    if (ppl < best) {
                        best = ppl;
                        bestBlock = b;
                    }
                }
            }
            assertEquals(List.of(bestBlock), result.removedBlocks());
            assertEquals(Double.POSITIVE_INFINITY, result.blockScores()[0]);
            checkIsTheOriginalWithout(pruned, result.removedBlocks());
        }
    }

    private static void checkIsTheOriginalWithout(LlamaModel pruned, List<Integer> removed) {
        LlamaConfig config = pruned.config();
        assertEquals(6 - removed.size(), config.numLayers());
        assertTrue(config.isUniform(), "a depth-pruned config stays standard");
        assertEquals(config.totalParameters(), TinyModels.storedParameters(pruned));
        Path out = tmp.resolve("depth" + removed);
        PrunedCheckpoint.save(pruned, out, null, new PruningResult(null, DepthPlan.of(removed.size(), DepthPlan.Method.PPL),
                null, null, removed, null, model.config().totalParameters(), config.totalParameters(), null));
        try (LlamaModel reloaded = CheckpointLoader.load(out)) {
            long[][] inputs = TinyModels.inputs();
            assertArrayEquals(TinyModels.logits(pruned, inputs), TinyModels.logits(reloaded, inputs));
        }
        assertEquals(removed, PrunedCheckpoint.readResult(out).removedBlocks());
    }

    @Test
    void tooManyBlocksAreRejected() {
        PrunePlanException e = assertThrows(PrunePlanException.class, () -> DepthPruner.prune(model,
                DepthPlan.of(1, DepthPlan.Method.TAYLOR), calibration, StageContext.none()));
        assertTrue(e.getMessage().contains("keeping the first 4 and last 2"), e.getMessage());
    }
}
