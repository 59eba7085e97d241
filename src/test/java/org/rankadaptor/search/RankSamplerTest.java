package org.rankadaptor.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RankSamplerTest {

    /** 5 layers, layers 0, 2, 3 searched (6^3 = 216 configurations before the budget). */
    private static SearchSpace smallSpace(long[] params, BudgetConstraint budget) {
        return new SearchSpace(5, new int[] {0, 2, 3}, SearchSpace.DEFAULT_RANK_CANDIDATES, 8, params, budget);
    }

    /** Chi-square goodness of fit against uniform over the enumerated feasible set. */
    private static void assertUniform(SearchSpace space, int draws, long seed) {
        RankSampler sampler = new RankSampler(space);
        List<int[]> feasible = sampler.enumerateIfAtMost(1000).orElseThrow();
        assertTrue(feasible.size() > 10 && feasible.size() < 216, "budget should cut the space: " + feasible.size());
        Map<String, Integer> counts = new HashMap<>();
        feasible.forEach(c -> counts.put(Arrays.toString(c), 0));
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < draws; i++) {
            int[] c = sampler.sample(random);
            assertTrue(space.contains(c), "sample outside the space or over budget: " + Arrays.toString(c));
            counts.merge(Arrays.toString(c), 1, Integer::sum);
        }
        assertEquals(feasible.size(), counts.size(), "sampled something not in the enumerated feasible set");
        double expected = draws / (double) feasible.size();
        double chi2 = counts.values().stream().mapToDouble(o -> (o - expected) * (o - expected) / expected).sum();
        int df = feasible.size() - 1;
        // Wilson-Hilferty upper 0.1% point of chi-square(df).
        double z = 3.09;
        double critical = df * Math.pow(1 - 2.0 / (9 * df) + z * Math.sqrt(2.0 / (9 * df)), 3);
        System.out.printf("feasible %d of 216, chi2 %.1f, df %d, 0.1%% critical %.1f%n", feasible.size(), chi2, df,
                critical);
        assertTrue(chi2 < critical, "chi-square " + chi2 + " exceeds " + critical + ": sampling is not uniform");
    }

    @Test
    void exactBucketsSampleUniformlyWithinTenPercentOfUniformEight() {
        SearchSpace space = smallSpace(new long[] {100, 250, 130, 90, 310},
                BudgetConstraint.withinPercentOfUniform(10, 8));
        assertUniform(space, 40_000, 1);
    }

    @Test
    void coarseBucketsStillSampleUniformlyAtMostUniformEight() {
        // Large, uneven per-rank costs force a quantum > 1, so the exact-check-and-redraw path runs.
        SearchSpace space = smallSpace(new long[] {2_000_003L, 5_100_017L, 3_900_001L, 1_700_029L, 4_400_011L},
                BudgetConstraint.atMostUniform(8));
        assertUniform(space, 40_000, 2);
    }

    @Test
    void narrowBudgetOnALargeSpaceIsSampledWithoutStalling() {
        int layers = 32;
        long[] params = new long[layers];
        int[] searched = new int[24];
        for (int l = 0; l < layers; l++) {
            params[l] = 4096L * 7 + 977L * (l % 5);
        }
        for (int i = 0; i < searched.length; i++) {
            searched[i] = i + 4;
        }
        SearchSpace space = new SearchSpace(layers, searched, SearchSpace.DEFAULT_RANK_CANDIDATES, 8, params,
                BudgetConstraint.withinPercentOfUniform(0.5, 8));
        RankSampler sampler = new RankSampler(space);
        SplittableRandom random = new SplittableRandom(3);
        long start = System.nanoTime();
        int[][] samples = sampler.sample(random, 20_000);
        double seconds = (System.nanoTime() - start) / 1e9;
        long reference = space.referenceParams();
        for (int[] c : samples) {
            assertTrue(space.contains(c));
            assertTrue(Math.abs(space.trainableParams(c) - reference) <= 0.005 * reference);
        }
        System.out.printf("20,000 draws within 0.5%% of uniform-8 over 6^24 configurations in %.2f s%n", seconds);
        assertTrue(seconds < 20, "sampling too slow: " + seconds + " s");
    }

    @Test
    void unconstrainedEnumerationCoversTheWholeSpace() {
        SearchSpace space = SearchSpace.unconstrained(4, new int[] {1, 3});
        List<int[]> all = new RankSampler(space).enumerateIfAtMost(100).orElseThrow();
        assertEquals(36, all.size());
        assertTrue(all.stream().allMatch(c -> c[0] == 8 && c[2] == 8));
        assertTrue(new RankSampler(SearchSpace.allLayers(10)).enumerateIfAtMost(1000).isEmpty());
    }

    @Test
    void impossibleBudgetAndBadSpacesAreRejectedClearly() {
        SearchSpace tooTight = new SearchSpace(3, new int[] {0, 1, 2}, new int[] {10, 12}, 8,
                new long[] {10, 10, 10}, BudgetConstraint.atMostUniform(8));
        SearchException e = assertThrows(SearchException.class, () -> new RankSampler(tooTight));
        assertTrue(e.getMessage().contains("no rank configuration satisfies the budget"), e.getMessage());
        SearchException missing = assertThrows(SearchException.class, () -> new SearchSpace(3, new int[] {0}, new int[] {2, 4}, 8,
                new long[0], BudgetConstraint.atMostUniform(8)));
        assertTrue(missing.getMessage().contains("paramsPerUnitRank"), missing.getMessage());
        assertThrows(SearchException.class, () -> SearchSpace.unconstrained(3, new int[] {0, 3}));
    }
}
