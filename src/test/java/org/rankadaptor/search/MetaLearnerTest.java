package org.rankadaptor.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rankadaptor.stage.StageContext;

class MetaLearnerTest {

    private static final SearchSpace SPACE = SearchSpace.allLayers(5);
    private static final RankEncoder ENCODER = RankEncoder.forSpace(SPACE);
    private static final int SOURCE_TASKS = 6;
    private static final int TARGET_POINTS = 4;

    @TempDir
    Path dir;

    /** Source measurements of six related tasks on 40 shared configs, plus rows of a 4-layer model to be skipped. */
    private Path writeMeasurements(SyntheticTasks.Task base, long seed) {
        List<SyntheticTasks.Task> sources = new ArrayList<>();
        for (int t = 0; t < SOURCE_TASKS; t++) {
            sources.add(SyntheticTasks.related(base, "task" + t, seed * 100 + t, 0.03));
        }
        Random noise = new Random(seed);
        List<Measurement> rows = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        int line = 0;
        for (int[] ranks : SyntheticTasks.randomConfigs(SPACE, 40, seed)) {
            Map<String, Double> scores = new LinkedHashMap<>();
            for (SyntheticTasks.Task task : sources) {
                scores.put(task.name(), task.noisyScore(ranks, noise));
            }
            rows.add(new Measurement("gen:" + ++line, "tiny-llama", json.createObjectNode().put("ratio", 0.2),
                    ranks, scores));
        }
        rows.add(new Measurement("gen:other", "other-model", json.createObjectNode(), new int[] {8, 8, 8, 8},
                Map.of("task0", 1.0)));
        Path file = dir.resolve("measurements-" + seed + ".jsonl");
        MeasurementFile.write(file, rows);
        return file;
    }

    private static double relativeError(PerformanceModel model, SyntheticTasks.Task task, List<int[]> probe) {
        double mean = probe.stream().mapToDouble(task::cleanScore).average().orElseThrow();
        double sq = 0;
        double var = 0;
        for (int[] c : probe) {
            double e = model.predict(ENCODER.encode(c)) - task.cleanScore(c);
            sq += e * e;
            var += (task.cleanScore(c) - mean) * (task.cleanScore(c) - mean);
        }
        return Math.sqrt(sq / var);
    }

    @Test
    void metaLearnedInitPredictsANewTaskBetterThanColdStartAfterFourPoints() {
        MetaLearner learner = new MetaLearner(MetaLearningConfig.defaults().withMetaIterations(200));
        int seeds = 3;
        double metaSum = 0;
        double coldSum = 0;
        long start = System.nanoTime();
        for (int seed = 1; seed <= seeds; seed++) {
            SyntheticTasks.Task base = SyntheticTasks.base(5, 500 + seed);
            List<Measurement> rows = MeasurementFile.read(writeMeasurements(base, seed));
            List<MetaLearner.SourceTask> sources = MetaLearner.sourceTasks(rows, ENCODER, Set.of("target"));
            assertEquals(SOURCE_TASKS, sources.size(), "the 4-layer rows must be skipped");

            SyntheticTasks.Task target = SyntheticTasks.related(base, "target", 9000 + seed, 0.03);
            Random noise = new Random(seed);
            List<Sample> early = new ArrayList<>();
            for (int[] c : SyntheticTasks.randomConfigs(SPACE, TARGET_POINTS, 77 + seed)) {
                early.add(new Sample(ENCODER.encode(c), target.noisyScore(c, noise)));
            }
            List<int[]> probe = SyntheticTasks.randomConfigs(SPACE, 400, 99 + seed);

            PerformanceModel meta = learner.pretrain(sources, ENCODER.featureCount(), seed, StageContext.none());
            meta.fit(early, StageContext.none());
            PerformanceModel cold = PerformanceModel.create(ENCODER.featureCount(),
                    ModelConfig.defaults().withSeed(seed));
            cold.fit(early, StageContext.none());
            double metaError = relativeError(meta, target, probe);
            double coldError = relativeError(cold, target, probe);
            System.out.printf("seed %d: relative RMSE after %d target points: meta-learned %.3f, cold start %.3f%n",
                    seed, TARGET_POINTS, metaError, coldError);
            metaSum += metaError;
            coldSum += coldError;
        }
        System.out.printf("mean relative RMSE over %d seeds: meta-learned %.3f, cold start %.3f (%.1f s)%n", seeds,
                metaSum / seeds, coldSum / seeds, (System.nanoTime() - start) / 1e9);
        assertTrue(metaSum < 0.8 * coldSum, "meta-learning should cut early error: meta " + metaSum / seeds
                + " vs cold " + coldSum / seeds);
    }

    @Test
    void badMeasurementRowsNameFileAndLine() throws Exception {
        Path file = dir.resolve("bad.jsonl");
        Files.writeString(file, """
                {"model": "m", "ranks": [8, 8], "scores": {"boolq": 61.5}}
                # comment lines and blank lines are skipped

                {"model": "m", "ranks": [8, "x"], "scores": {"boolq": 61.5}}
                """);
        MeasurementFormatException e = assertThrows(MeasurementFormatException.class,
                () -> MeasurementFile.read(file));
        assertTrue(e.getMessage().startsWith("bad.jsonl:4: ranks[1]"), e.getMessage());

        Files.writeString(file, "{\"model\": \"m\", \"ranks\": [8], \"scores\": {}}\n");
        e = assertThrows(MeasurementFormatException.class, () -> MeasurementFile.read(file));
        assertTrue(e.getMessage().startsWith("bad.jsonl:1: field 'scores'"), e.getMessage());

        Files.writeString(file, "{\"model\": \"m\", \"ranks\": [8], \"scores\": {\"a\": 1}}\nnot json\n");
        e = assertThrows(MeasurementFormatException.class, () -> MeasurementFile.read(file));
        assertTrue(e.getMessage().startsWith("bad.jsonl:2: not valid JSON"), e.getMessage());

        Files.writeString(file, "{\"ranks\": [8], \"scores\": {\"a\": 1}}\n");
        e = assertThrows(MeasurementFormatException.class, () -> MeasurementFile.read(file));
        assertTrue(e.getMessage().contains("'model'"), e.getMessage());
    }

    @Test
    void pruningFeaturesComeFromEachRow() {
        ObjectMapper json = new ObjectMapper();
        Measurement row = MeasurementFile.parse("{\"model\": \"m\", \"pruning\": {\"keptFraction\": [1.0, 0.5]},"
                + " \"ranks\": [4, 12], \"scores\": {\"piqa\": 70}}", "x.jsonl:1");
        RankEncoder encoder = new RankEncoder(2, 2, 12, new float[] {0, 0});
        List<MetaLearner.SourceTask> tasks = MetaLearner.sourceTasks(List.of(row), encoder, Set.of());
        float[] features = tasks.get(0).samples().get(0).features();
        assertEquals(0.2f, features[0], 1e-6);
        assertEquals(1.0f, features[1], 1e-6);
        assertEquals(0.5f, features[3], 1e-6);
        Measurement without = new Measurement("y.jsonl:3", "m", json.createObjectNode(), new int[] {4, 4},
                Map.of("piqa", 1.0));
        MeasurementFormatException e = assertThrows(MeasurementFormatException.class,
                () -> MetaLearner.sourceTasks(List.of(without), encoder, Set.of()));
        assertTrue(e.getMessage().startsWith("y.jsonl:3"), e.getMessage());
    }
}
