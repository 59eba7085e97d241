package org.rankadaptor.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.rankadaptor.stage.CancelledException;
import org.rankadaptor.stage.StageContext;

class RankSearchTest {

    /** 5 searched layers x 6 candidates = 7776 configurations: enumerated every iteration. */
    private static final SearchSpace SPACE = SearchSpace.allLayers(5);
    private static final RankEncoder ENCODER = RankEncoder.forSpace(SPACE);
    private static final int BUDGET = 15;
    private static final int SEEDS = 10;

    /** Noisy synthetic objective with a known noise-free optimum; counts calls per configuration. */
    private static final class SyntheticObjective implements Objective {
        final SyntheticTasks.Task task;
        final Random noise;
        final List<int[]> calls = new ArrayList<>();

        SyntheticObjective(SyntheticTasks.Task task, long seed) {
            this.task = task;
            this.noise = new Random(seed);
        }

        @Override
        public double measure(int[] ranks, StageContext ctx) {
            calls.add(ranks.clone());
            return task.noisyScore(ranks, noise);
        }
    }

    private static SyntheticTasks.Task task(int seed) {
        return SyntheticTasks.related(SyntheticTasks.base(5, 100 + seed), "synthetic-" + seed, 200 + seed, 0.05);
    }

    /** Noise-free score of the configuration ranked at the top 1% boundary. */
    private static double topOnePercentThreshold(SyntheticTasks.Task task) {
        List<int[]> all = new RankSampler(SPACE).enumerateIfAtMost(10_000).orElseThrow();
        double[] scores = all.stream().mapToDouble(task::cleanScore).sorted().toArray();
        int top = (int) Math.ceil(all.size() * 0.01);
        return scores[scores.length - top];
    }

    /** Defaults, but no early convergence: both methods get exactly the same 15 evaluations. */
    private static SearchSettings settings(int seed) {
        return SearchSettings.defaults().withSeed(seed).withMaxEvaluations(BUDGET).withConvergenceThreshold(0)
                .withRepeats(1, 1);
    }

    private static ModelFactory coldStart(int seed) {
        return ModelFactory.coldStart(ENCODER.featureCount(), ModelConfig.defaults().withSeed(seed));
    }

    @Test
    void findsTopOnePercentMoreOftenThanRandomSearchWithTheSameBudget() {
        int searchHits = 0;
        int randomHits = 0;
        int evaluationsUsed = 0;
        long start = System.nanoTime();
        for (int seed = 0; seed < SEEDS; seed++) {
            SyntheticTasks.Task task = task(seed);
            double threshold = topOnePercentThreshold(task);
            SyntheticObjective objective = new SyntheticObjective(task, seed);
            SearchResult result = new RankSearch(SPACE, ENCODER, coldStart(seed), settings(seed))
                    .run(objective, new InMemorySearchJournal(), StageContext.none());
            assertTrue(result.evaluations() <= BUDGET);
            evaluationsUsed += result.evaluations();
            boolean hit = result.iterations().stream().anyMatch(it -> task.cleanScore(it.ranks()) >= threshold);
            searchHits += hit ? 1 : 0;

            SplittableRandom random = new SplittableRandom(1000 + seed);
            RankSampler sampler = new RankSampler(SPACE);
            Set<String> drawn = new HashSet<>();
            boolean randomHit = false;
            while (drawn.size() < BUDGET) {
                int[] c = sampler.sample(random);
                if (drawn.add(Arrays.toString(c))) {
                    randomHit |= task.cleanScore(c) >= threshold;
                }
            }
            randomHits += randomHit ? 1 : 0;
            System.out.printf("seed %d: search %s (best clean %.3f, threshold %.3f, %d evals, %s), random %s%n",
                    seed, hit ? "HIT" : "miss", task.cleanScore(result.bestMeasuredRanks()), threshold,
                    result.evaluations(), result.stopReason(), randomHit ? "HIT" : "miss");
        }
        double analyticRandom = 1 - Math.pow(0.99, BUDGET);
        System.out.printf("top-1%% within %d evaluations over %d seeds: RankSearch %d/%d, random search %d/%d"
                        + " (analytic random %.1f%%); mean evaluations %.1f; %.1f s%n", BUDGET, SEEDS, searchHits,
                SEEDS, randomHits, SEEDS, 100 * analyticRandom, evaluationsUsed / (double) SEEDS,
                (System.nanoTime() - start) / 1e9);
        assertTrue(searchHits > randomHits, "RankSearch " + searchHits + "/" + SEEDS + " vs random " + randomHits);
        assertTrue(searchHits / (double) SEEDS > analyticRandom,
                "RankSearch rate should beat the analytic random-search rate " + analyticRandom);
    }

    @Test
    void stopsWhenPredictionsMatchMeasurementsTwiceInARow() {
        SyntheticTasks.Task task = task(3);
        SearchSettings loose = SearchSettings.defaults().withSeed(3).withMaxEvaluations(BUDGET)
                .withConvergenceThreshold(1e6).withEnsembleSize(1);
        SearchResult result = new RankSearch(SPACE, ENCODER, coldStart(3), loose)
                .run(new SyntheticObjective(task, 3), new InMemorySearchJournal(), StageContext.none());
        assertTrue(result.converged());
        assertEquals(5 + 2, result.evaluations(), "baseline + 4 initial + 2 agreeing search iterations");
        assertArrayEquals(SPACE.uniformBaseline(), result.iterations().get(0).ranks());
        assertEquals(SearchIteration.Kind.BASELINE, result.iterations().get(0).kind());
        assertTrue(Double.isNaN(result.iterations().get(1).predicted()));
        assertTrue(result.bestMeasuredScore() >= result.iterations().stream()
                .mapToDouble(SearchIteration::actual).max().orElseThrow());
        double predictedAtArgmax = result.bestPredictedScore();
        assertTrue(Double.isFinite(predictedAtArgmax));
        assertTrue(SPACE.contains(result.bestPredictedRanks()));
    }

    @Test
    void objectiveReturningNaNIsReportedWithTheIteration() {
        SearchException e = assertThrows(SearchException.class, () -> new RankSearch(SPACE, ENCODER, coldStart(1),
                settings(1)).run((ranks, ctx) -> Double.NaN, new InMemorySearchJournal(), StageContext.none()));
        assertTrue(e.getMessage().contains("iteration 0"), e.getMessage());
    }
}
