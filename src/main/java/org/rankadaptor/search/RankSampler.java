package org.rankadaptor.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Exact uniform sampling of a {@link SearchSpace}, budget included.
 *
 * <p>Unconstrained: each searched layer draws a candidate uniformly. Constrained: the searched layers' parameter
 * costs are discretised into at most {@value #MAX_BUCKETS} buckets (floor of cost / quantum). A dynamic programme
 * counts, for every layer suffix and bucket sum, how many completions exist; configurations are then drawn
 * <em>uniformly</em> from the superset whose bucket sum could possibly be feasible (layer by layer, each candidate
 * weighted by its number of completions). Discretisation makes that superset slightly larger than the feasible set
 * (only at the budget edges), so each draw is checked exactly and redrawn if infeasible. Rejection from a uniform
 * superset leaves the accepted draws uniform over the feasible set, and since the slack is at most one bucket per
 * layer the acceptance rate stays high even when the feasible set is a tiny fraction of the whole space (where plain
 * rejection from the unconstrained space would stall). When every cost fits into the buckets exactly (quantum 1) no
 * draw is ever rejected. Counts are doubles: exact up to 2^53, relative error ~1e-16 beyond, which is negligible
 * for sampling probabilities.
 */
public final class RankSampler {

    static final int MAX_BUCKETS = 20_000;
    private static final int MAX_REJECTIONS = 1_000_000;

    private final SearchSpace space;
    private final int n;
    private final int k;
    /** Bucketed cost of candidate j at searched layer i, or null when unconstrained. */
    private final int[][] bucketCost;
    /** cumulativeWays[i][s] = number of assignments of searched layers i..n-1 with bucket sum <= s. */
    private final double[][] cumulativeWays;
    private final int minBucketSum;
    private final int maxBucketSum;
    private final boolean exactBuckets;

    public RankSampler(SearchSpace space) {
        this.space = space;
        this.n = space.searchedLayerCount();
        this.k = space.candidateCount();
        if (space.budget().isUnconstrained()) {
            bucketCost = null;
            cumulativeWays = null;
            minBucketSum = 0;
            maxBucketSum = 0;
            exactBuckets = true;
            return;
        }
        long[] params = space.paramsPerUnitRank();
        long fixedCost = 0;
        boolean[] searched = new boolean[space.layerCount()];
        for (int i = 0; i < n; i++) {
            searched[space.searchedLayer(i)] = true;
        }
        for (int l = 0; l < space.layerCount(); l++) {
            if (!searched[l]) {
                fixedCost += space.fixedRank() * params[l];
            }
        }
        long[][] cost = new long[n][k];
        long maxTotal = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < k; j++) {
                cost[i][j] = space.candidate(j) * params[space.searchedLayer(i)];
            }
            maxTotal += cost[i][k - 1];
        }
        long quantum = Math.max(1, (maxTotal + MAX_BUCKETS - 1) / MAX_BUCKETS);
        exactBuckets = quantum == 1;
        bucketCost = new int[n][k];
        int maxBuckets = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < k; j++) {
                bucketCost[i][j] = (int) (cost[i][j] / quantum);
            }
            maxBuckets += bucketCost[i][k - 1];
        }
        // Searched cost S must satisfy lo <= S <= hi; S = quantum * bucketSum + remainder, remainder in [0, n*(quantum-1)].
        long reference = space.referenceParams();
        double lo = space.budget().minFraction() * reference - fixedCost;
        double hi = space.budget().maxFraction() * reference - fixedCost;
        double slack = (double) n * (quantum - 1);
        minBucketSum = (int) Math.max(0, Math.ceil((lo - slack) / quantum));
        maxBucketSum = (int) Math.min(maxBuckets, Math.floor(hi / quantum));

        cumulativeWays = new double[n + 1][];
        double[] ways = new double[maxBuckets + 1];
        ways[0] = 1;
        cumulativeWays[n] = cumulative(ways);
        int reach = 0;
        for (int i = n - 1; i >= 0; i--) {
            reach += bucketCost[i][k - 1];
            double[] next = new double[maxBuckets + 1];
            for (int s = 0; s <= reach; s++) {
                double total = 0;
                for (int j = 0; j < k; j++) {
                    int rest = s - bucketCost[i][j];
                    if (rest >= 0) {
                        total += ways[rest];
                    }
                }
                next[s] = total;
            }
            ways = next;
            cumulativeWays[i] = cumulative(ways);
        }
        if (supersetSize() == 0) {
            throw new SearchException("search space: no rank configuration satisfies the budget " + space.budget()
                    + " (searched layers " + n + ", candidates " + k + ")");
        }
    }

    public SearchSpace space() {
        return space;
    }

    /** One uniformly drawn configuration (full rank vector). */
    public int[] sample(SplittableRandom random) {
        int[] indices = new int[n];
        if (bucketCost == null) {
            for (int i = 0; i < n; i++) {
                indices[i] = random.nextInt(k);
            }
            return space.configuration(indices);
        }
        for (int attempt = 0; attempt < MAX_REJECTIONS; attempt++) {
            drawFromSuperset(random, indices);
            int[] ranks = space.configuration(indices);
            if (exactBuckets || space.meetsBudget(ranks)) {
                return ranks;
            }
        }
        throw new SearchException("search space: " + MAX_REJECTIONS + " budget-superset draws in a row were"
                + " infeasible; the budget " + space.budget() + " leaves almost no configurations");
    }

    /** {@code count} independent uniform draws. */
    public int[][] sample(SplittableRandom random, int count) {
        int[][] out = new int[count][];
        for (int c = 0; c < count; c++) {
            out[c] = sample(random);
        }
        return out;
    }

    /** Every feasible configuration, when the unconstrained space has at most {@code limit} members. */
    public Optional<List<int[]>> enumerateIfAtMost(long limit) {
        if (space.unconstrainedSize() > limit) {
            return Optional.empty();
        }
        List<int[]> all = new ArrayList<>();
        int[] indices = new int[n];
        while (true) {
            int[] ranks = space.configuration(indices);
            if (space.meetsBudget(ranks)) {
                all.add(ranks);
            }
            int i = n - 1;
            while (i >= 0 && ++indices[i] == k) {
                indices[i] = 0;
                i--;
            }
            if (i < 0) {
                return Optional.of(all);
            }
        }
    }

    /** Size of the set that draws come from before the exact budget check (equals the feasible count when exact). */
    double supersetSize() {
        if (cumulativeWays == null) {
            return space.unconstrainedSize();
        }
        return rangeCount(0, minBucketSum, maxBucketSum);
    }

    private void drawFromSuperset(SplittableRandom random, int[] indices) {
        double[] weights = new double[k];
        int used = 0;
        for (int i = 0; i < n; i++) {
            double total = 0;
            for (int j = 0; j < k; j++) {
                int after = used + bucketCost[i][j];
                weights[j] = rangeCount(i + 1, minBucketSum - after, maxBucketSum - after);
                total += weights[j];
            }
            double u = random.nextDouble() * total;
            int chosen = k - 1;
            for (int j = 0; j < k; j++) {
                if (weights[j] > 0) {
                    chosen = j;
                    u -= weights[j];
                    if (u < 0) {
                        break;
                    }
                }
            }
            indices[i] = chosen;
            used += bucketCost[i][chosen];
        }
    }

    /** Assignments of layers i..n-1 whose bucket sum lies in [from, to]. */
    private double rangeCount(int i, int from, int to) {
        double[] cum = cumulativeWays[i];
        int lo = Math.max(from, 0);
        int hi = Math.min(to, cum.length - 1);
        if (hi < lo) {
            return 0;
        }
        return Math.max(0, cum[hi] - (lo > 0 ? cum[lo - 1] : 0));
    }

    private static double[] cumulative(double[] ways) {
        double[] cum = new double[ways.length];
        double running = 0;
        for (int s = 0; s < ways.length; s++) {
            running += ways[s];
            cum[s] = running;
        }
        return cum;
    }
}
