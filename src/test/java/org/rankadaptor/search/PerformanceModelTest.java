package org.rankadaptor.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.rankadaptor.stage.StageContext;

class PerformanceModelTest {

    private static final SearchSpace SPACE = SearchSpace.allLayers(5);
    private static final RankEncoder ENCODER = RankEncoder.forSpace(SPACE);

    private static List<Sample> samples(SyntheticTasks.Task task, List<int[]> configs, long seed) {
        return SyntheticTasks.samples(ENCODER, task, configs, seed);
    }

    private static double rmse(PerformanceModel model, SyntheticTasks.Task task, List<int[]> configs) {
        double sq = 0;
        for (int[] c : configs) {
            double e = model.predict(ENCODER.encode(c)) - task.cleanScore(c);
            sq += e * e;
        }
        return Math.sqrt(sq / configs.size());
    }

    private static double spread(SyntheticTasks.Task task, List<int[]> configs) {
        double mean = configs.stream().mapToDouble(task::cleanScore).average().orElseThrow();
        return Math.sqrt(configs.stream().mapToDouble(c -> Math.pow(task.cleanScore(c) - mean, 2)).average()
                .orElseThrow());
    }

    @Test
    void learnsASmoothFunctionFromAFewDozenPoints() {
        SyntheticTasks.Task task = SyntheticTasks.related(SyntheticTasks.base(5, 1), "t", 2, 0.02);
        List<int[]> train = SyntheticTasks.randomConfigs(SPACE, 60, 3);
        List<int[]> test = SyntheticTasks.randomConfigs(SPACE, 500, 4);
        PerformanceModel model = PerformanceModel.create(ENCODER.featureCount(), ModelConfig.defaults());
        double before = rmse(model, task, test);
        long t0 = System.nanoTime();
        TrainingReport report = model.fit(samples(task, train, 5), StageContext.none());
        double seconds = (System.nanoTime() - t0) / 1e9;
        double after = rmse(model, task, test);
        double sd = spread(task, test);
        System.out.printf("fit on 60 points: %d epochs (held out %d) in %.2f s; test RMSE %.3f (score sd %.3f,"
                + " untrained %.3f)%n", report.epochs(), report.heldOut(), seconds, after, sd, before);
        assertTrue(after < 0.35 * sd, "test RMSE " + after + " should be well under the score spread " + sd);
    }

    @Test
    void sameSeedSameModelAndSnapshotRoundTrips() {
        SyntheticTasks.Task task = SyntheticTasks.related(SyntheticTasks.base(5, 1), "t", 2, 0.02);
        List<Sample> data = samples(task, SyntheticTasks.randomConfigs(SPACE, 12, 7), 8);
        PerformanceModel a = PerformanceModel.create(ENCODER.featureCount(), ModelConfig.defaults().withSeed(3));
        PerformanceModel b = PerformanceModel.create(ENCODER.featureCount(), ModelConfig.defaults().withSeed(3));
        a.fit(data, StageContext.none());
        b.fit(data, StageContext.none());
        float[] probe = ENCODER.encodeAll(SyntheticTasks.randomConfigs(SPACE, 50, 9).toArray(new int[0][]));
        assertArrayEquals(a.predictFlat(probe), b.predictFlat(probe));

        PerformanceModel restored = PerformanceModel.fromBytes(a.toBytes());
        assertArrayEquals(a.predictFlat(probe), restored.predictFlat(probe), 1e-5f);
        assertEquals(a.trainingSet().size(), restored.trainingSet().size());
        assertEquals(a.targetMean(), restored.targetMean());
    }

    @Test
    void updateContinuesFromCurrentWeightsAndKeepsScaling() {
        SyntheticTasks.Task task = SyntheticTasks.related(SyntheticTasks.base(5, 1), "t", 2, 0.02);
        List<int[]> configs = SyntheticTasks.randomConfigs(SPACE, 40, 11);
        List<Sample> data = samples(task, configs, 12);
        PerformanceModel model = PerformanceModel.create(ENCODER.featureCount(), ModelConfig.defaults());
        model.fit(data.subList(0, 20), StageContext.none());
        double mean = model.targetMean();
        double errBefore = rmse(model, task, configs.subList(20, 40));
        model.update(data.subList(20, 40), StageContext.none());
        assertEquals(40, model.trainingSet().size());
        assertEquals(mean, model.targetMean(), "update must keep the target scaling of the first fit");
        double errAfter = rmse(model, task, configs.subList(20, 40));
        assertTrue(errAfter < errBefore, "error on the new points should drop: " + errBefore + " -> " + errAfter);
    }

    @Test
    void rejectsWrongFeatureCountAndBadSnapshots() {
        PerformanceModel model = PerformanceModel.create(5, ModelConfig.defaults());
        SearchException e = assertThrows(SearchException.class, () -> model.predict(new float[4]));
        assertTrue(e.getMessage().contains("expected 5 features"), e.getMessage());
        assertThrows(SearchException.class, () -> model.fit(List.of(new Sample(new float[3], 1)),
                StageContext.none()));
        SearchException bad = assertThrows(SearchException.class,
                () -> PerformanceModel.fromBytes("{\"format\":\"other\"}".getBytes()));
        assertTrue(bad.getMessage().contains("format"), bad.getMessage());
    }

    @Test
    void djlAutogradBackendTrainsToo() {
        SyntheticTasks.Task task = SyntheticTasks.related(SyntheticTasks.base(5, 1), "t", 2, 0.02);
        List<int[]> configs = SyntheticTasks.randomConfigs(SPACE, 15, 21);
        PerformanceModel model = PerformanceModel.create(ENCODER.featureCount(),
                ModelConfig.defaults().withBackend(ModelConfig.TrainingBackend.DJL_AUTOGRAD).withMaxEpochs(1));
        model.fit(samples(task, configs, 22), StageContext.none());
        double afterOneStep = rmse(model, task, configs);
        PerformanceModel longer = model.withConfig(model.config().withMaxEpochs(25));
        longer.update(List.of(), StageContext.none());
        assertTrue(rmse(longer, task, configs) < 0.8 * afterOneStep,
                "25 autograd Adam steps should cut the training error: " + afterOneStep + " -> "
                        + rmse(longer, task, configs));
    }

    @Test
    void largeBatchesGoThroughPyTorchAndAgreeWithSmallBatches() {
        PerformanceModel model = PerformanceModel.create(ENCODER.featureCount(), ModelConfig.defaults());
        int[][] configs = SyntheticTasks.randomConfigs(SPACE, 20000, 31).toArray(new int[0][]);
        float[] big = model.predictFlat(ENCODER.encodeAll(configs));
        for (int i = 0; i < configs.length; i += 1999) {
            assertEquals(big[i], model.predict(ENCODER.encode(configs[i])), 1e-4);
        }
    }
}
