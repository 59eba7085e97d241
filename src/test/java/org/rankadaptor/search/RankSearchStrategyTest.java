package org.rankadaptor.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.rankadaptor.stage.CancelledException;
import org.rankadaptor.stage.StageContext;

class RankSearchStrategyTest {

    /** 3 layers, layers 0 and 1 searched over {2, 4, 8}: 9 configurations, uniform 8 among them. */
    private static final SearchSpace SMALL = new SearchSpace(3, new int[] {0, 1}, new int[] {2, 4, 8}, 8,
            new long[0], BudgetConstraint.none());
    private static final SearchSpace LARGE = SearchSpace.allLayers(4);
    private static final SyntheticTasks.Task TASK = SyntheticTasks.related(SyntheticTasks.base(4, 7), "r", 8, 0);

    private static RankSearch search(SearchSpace space, SearchSettings settings) {
        RankEncoder encoder = RankEncoder.forSpace(space);
        return new RankSearch(space, encoder, ModelFactory.coldStart(encoder.featureCount(),
                ModelConfig.defaults().withMaxEpochs(60)), settings);
    }

    private static SearchSettings settings() {
        return SearchSettings.defaults().withMaxEvaluations(8).withSeed(5).withEnsembleSize(2).withRepeats(1, 1);
    }

    /** Score = clean synthetic score of the first layers + a seed effect of exactly repeat * 0.1. */
    private static final class RepeatObjective implements Objective {
        final List<String> calls = new ArrayList<>();
        final int failAtCall;

        RepeatObjective(int failAtCall) {
            this.failAtCall = failAtCall;
        }

        @Override
        public double measure(int[] ranks, StageContext ctx) {
            return measure(ranks, 0, ctx);
        }

        @Override
        public double measure(int[] ranks, int repeat, StageContext ctx) {
            if (calls.size() == failAtCall) {
                throw new CancelledException("measurement " + failAtCall);
            }
            calls.add(Arrays.toString(ranks) + "#" + repeat);
            int[] padded = Arrays.copyOf(ranks, 4);
            padded[3] = 8;
            return TASK.cleanScore(padded) + 0.1 * repeat;
        }
    }

    @Test
    void gridMeasuresEveryFeasibleConfigurationOnceBaselineFirst() {
        RepeatObjective objective = new RepeatObjective(-1);
        SearchResult result = search(SMALL, settings().withStrategy(SearchSettings.Strategy.GRID).withMaxEvaluations(3))
                .run(objective, new InMemorySearchJournal(), StageContext.none());
        assertEquals(9, result.evaluations(), "the grid ignores the iteration budget");
        assertEquals(SearchResult.StopReason.SPACE_EXHAUSTED, result.stopReason());
        assertArrayEquals(new int[] {8, 8, 8}, result.iterations().get(0).ranks());
        assertEquals(SearchIteration.Kind.BASELINE, result.iterations().get(0).kind());
        Set<String> distinct = new HashSet<>();
        for (SearchIteration it : result.iterations()) {
            distinct.add(Arrays.toString(it.ranks()));
            assertTrue(it.index() == 0 || it.kind() == SearchIteration.Kind.GRID);
        }
        assertEquals(9, distinct.size());
        double best = result.iterations().stream().mapToDouble(SearchIteration::actual).max().orElseThrow();
        assertEquals(best, result.bestMeasuredScore(), 0);
    }

    @Test
    void gridRefusesAboveTheLimitUntilTheUserRaisesIt() {
        SearchSettings grid = settings().withStrategy(SearchSettings.Strategy.GRID).withGridLimit(8);
        SearchException e = assertThrows(SearchException.class,
                () -> search(SMALL, grid).run(new RepeatObjective(-1), new InMemorySearchJournal(), StageContext.none()));
        assertTrue(e.getMessage().contains("more than 8 feasible") && e.getMessage().contains("--grid-limit"),
                e.getMessage());
        assertEquals(9, search(SMALL, grid.withGridLimit(9)).run(new RepeatObjective(-1),
                new InMemorySearchJournal(), StageContext.none()).evaluations());
    }

    @Test
    void randomSharesBaselineAndInitialPointsAndUsesTheWholeBudget() {
        SearchResult adaptive = search(LARGE, settings().withConvergenceThreshold(0))
                .run(new RepeatObjective(-1), new InMemorySearchJournal(), StageContext.none());
        SearchResult random = search(LARGE, settings().withStrategy(SearchSettings.Strategy.RANDOM))
                .run(new RepeatObjective(-1), new InMemorySearchJournal(), StageContext.none());
        assertEquals(8, random.evaluations());
        assertEquals(SearchResult.StopReason.BUDGET_EXHAUSTED, random.stopReason());
        for (int i = 0; i < 5; i++) {
            assertArrayEquals(adaptive.iterations().get(i).ranks(), random.iterations().get(i).ranks(), "point " + i);
        }
        Set<String> distinct = new HashSet<>();
        for (int i = 5; i < 8; i++) {
            SearchIteration it = random.iterations().get(i);
            assertEquals(SearchIteration.Kind.RANDOM, it.kind());
            assertTrue(Double.isFinite(it.predicted()), "the model still predicts random picks");
        }
        random.iterations().forEach(it -> distinct.add(Arrays.toString(it.ranks())));
        assertEquals(8, distinct.size());
    }

    @Test
    void randomAndGridResumeExactlyLikeTheUninterruptedRun() {
        for (SearchSettings.Strategy strategy : List.of(SearchSettings.Strategy.RANDOM, SearchSettings.Strategy.GRID)) {
            SearchSpace space = strategy == SearchSettings.Strategy.GRID ? SMALL : LARGE;
            SearchSettings s = settings().withStrategy(strategy);
            SearchResult whole = search(space, s).run(new RepeatObjective(-1), new InMemorySearchJournal(),
                    StageContext.none());
            InMemorySearchJournal journal = new InMemorySearchJournal();
            assertThrows(CancelledException.class,
                    () -> search(space, s).run(new RepeatObjective(4), journal, StageContext.none()));
            assertEquals(4, journal.completedIterations().size());
            RepeatObjective second = new RepeatObjective(-1);
            SearchResult resumed = search(space, s).run(second, journal, StageContext.none());
            assertEquals(whole.evaluations() - 4, second.calls.size(), strategy + ": nothing measured twice");
            for (int i = 0; i < whole.evaluations(); i++) {
                assertArrayEquals(whole.iterations().get(i).ranks(), resumed.iterations().get(i).ranks(),
                        strategy + " iteration " + i);
            }
        }
    }

    @Test
    void repeatsUseOneSeedEachAndTheBaselineIsMeasuredAtLeastTwice() {
        RepeatObjective objective = new RepeatObjective(-1);
        SearchSettings s = SearchSettings.defaults().withMaxEvaluations(6).withSeed(5).withEnsembleSize(2)
                .withRepeats(3, 2).withConvergenceThreshold(0);
        SearchResult result = search(LARGE, s).run(objective, new InMemorySearchJournal(), StageContext.none());
        for (SearchIteration it : result.iterations()) {
            assertEquals(3, it.repeats(), "baselineRepeats is raised to repeats");
            double[] scores = it.scores();
            assertEquals(scores[0] + 0.1, scores[1], 1e-9, "repeat r has its own seed");
            assertEquals(scores[0] + 0.1, it.actual(), 1e-9, "actual is the mean of the repeats");
        }
        assertEquals(6 * 3, objective.calls.size());
        assertTrue(objective.calls.contains("[8, 8, 8, 8]#2"));

        SearchResult defaults = search(LARGE, SearchSettings.defaults().withMaxEvaluations(5).withSeed(5)
                .withEnsembleSize(2)).run(new RepeatObjective(-1), new InMemorySearchJournal(), StageContext.none());
        assertEquals(2, defaults.iterations().get(0).repeats(), "the baseline is measured twice by default");
        assertEquals(1, defaults.iterations().get(1).repeats());
    }

    @Test
    void thresholdInNoiseUnitsIsSigmaOfTheMeanTimesK() {
        SearchSettings s = settings().withRepeats(2, 2).withThresholdInSigmas(1.5);
        RankSearch search = search(LARGE, s);
        // two configurations measured twice: deviations +-0.05 and +-0.15 -> pooled sd sqrt((0.005+0.045)/2)
        List<SearchIteration> history = List.of(
                SearchIteration.ofRepeats(0, SearchIteration.Kind.BASELINE, new int[] {8, 8, 8, 8}, Double.NaN,
                        new double[] {1.0, 1.1}, 1),
                SearchIteration.ofRepeats(1, SearchIteration.Kind.INITIAL, new int[] {2, 8, 8, 8}, Double.NaN,
                        new double[] {2.0, 2.3}, 1));
        double sigma = Math.sqrt((0.005 + 0.045) / 2);
        assertEquals(1.5 * sigma / Math.sqrt(2), search.convergenceThreshold(history), 1e-12);
        assertThrows(SearchException.class, () -> settings().withThresholdInSigmas(1),
                "noise units need the baseline measured twice");
    }

    @Test
    void verdictComparesThePickWithUniformInStandardErrors() {
        List<SearchIteration> its = List.of(
                SearchIteration.ofRepeats(0, SearchIteration.Kind.BASELINE, new int[] {8, 8}, Double.NaN,
                        new double[] {10.0, 10.2}, 1),
                SearchIteration.ofRepeats(1, SearchIteration.Kind.SEARCH, new int[] {12, 4}, 10, new double[] {10.6}, 1),
                SearchIteration.ofRepeats(2, SearchIteration.Kind.SEARCH, new int[] {4, 12}, 10, new double[] {9.0}, 1));
        SearchResult result = new SearchResult(new int[] {12, 4}, 10.6, new int[] {12, 4}, 10.6, 10, its, 0,
                SearchResult.StopReason.BUDGET_EXHAUSTED, 3, 3, new byte[0]);
        BaselineVerdict v = BaselineVerdict.of(result);
        // sigma = sd of {10.0, 10.2} = 0.1414; se = sigma * sqrt(1/1 + 1/2) = 0.1732; diff 0.5 > 1.96 * 0.1732
        assertEquals(Math.sqrt(0.02), v.noise().pooledStd(), 1e-12);
        assertEquals(Math.sqrt(0.02) * Math.sqrt(1.5), v.standardError(), 1e-12);
        assertEquals(0.5, v.difference(), 1e-12);
        assertEquals(BaselineVerdict.Outcome.BEATS_UNIFORM, v.outcome());
        assertTrue(v.sentence().startsWith("beats uniform beyond the measured noise"), v.sentence());

        List<SearchIteration> close = List.of(its.get(0), SearchIteration.ofRepeats(1, SearchIteration.Kind.SEARCH,
                new int[] {12, 4}, 10, new double[] {10.4}, 1));
        assertEquals(BaselineVerdict.Outcome.WITHIN_NOISE, BaselineVerdict.of(new SearchResult(new int[] {12, 4},
                10.4, new int[] {12, 4}, 10.4, 10, close, 0, SearchResult.StopReason.BUDGET_EXHAUSTED, 1, 1,
                new byte[0])).outcome(), "0.3 < 1.96 * 0.173");
    }
}
