package org.rankadaptor.search;

import java.util.Arrays;

/**
 * Which rank vectors the search may try. A configuration is a full per-layer rank vector of length
 * {@code layerCount}: searched layers (usually the pruned ones) take a value from {@code rankCandidates}, every other
 * layer keeps {@code fixedRank}. {@code paramsPerUnitRank[l]} is the trainable LoRA parameter count of layer l at
 * rank 1 (sum over targeted modules of in + out features, from the possibly pruned dims); it is needed only for a
 * budget constraint and may be empty otherwise.
 */
public record SearchSpace(int layerCount, int[] searchedLayers, int[] rankCandidates, int fixedRank,
                          long[] paramsPerUnitRank, BudgetConstraint budget) {

    public static final int[] DEFAULT_RANK_CANDIDATES = {2, 4, 6, 8, 10, 12};
    public static final int DEFAULT_FIXED_RANK = 8;

    public SearchSpace {
        if (layerCount <= 0) {
            throw new SearchException("search space: layerCount must be positive, got " + layerCount);
        }
        searchedLayers = searchedLayers.clone();
        rankCandidates = rankCandidates.clone();
        paramsPerUnitRank = paramsPerUnitRank.clone();
        if (searchedLayers.length == 0) {
            throw new SearchException("search space: searchedLayers is empty; nothing to search");
        }
        boolean[] used = new boolean[layerCount];
        for (int layer : searchedLayers) {
            if (layer < 0 || layer >= layerCount) {
                throw new SearchException("search space: searched layer " + layer + " outside 0.." + (layerCount - 1));
            }
            if (used[layer]) {
                throw new SearchException("search space: searched layer " + layer + " listed twice");
            }
            used[layer] = true;
        }
        if (rankCandidates.length == 0) {
            throw new SearchException("search space: rankCandidates is empty");
        }
        Arrays.sort(rankCandidates);
        for (int i = 0; i < rankCandidates.length; i++) {
            if (rankCandidates[i] <= 0 || (i > 0 && rankCandidates[i] == rankCandidates[i - 1])) {
                throw new SearchException("search space: rankCandidates must be distinct positive ints, got "
                        + Arrays.toString(rankCandidates));
            }
        }
        if (fixedRank <= 0) {
            throw new SearchException("search space: fixedRank must be positive, got " + fixedRank);
        }
        if (budget == null) {
            throw new SearchException("search space: budget is null; use BudgetConstraint.none()");
        }
        if (!budget.isUnconstrained()) {
            if (paramsPerUnitRank.length != layerCount) {
                throw new SearchException("search space: budget constraint needs paramsPerUnitRank for all "
                        + layerCount + " layers, got " + paramsPerUnitRank.length);
            }
            for (int l = 0; l < layerCount; l++) {
                if (paramsPerUnitRank[l] < 0) {
                    throw new SearchException("search space: paramsPerUnitRank[" + l + "] is negative");
                }
            }
        }
    }

    /** Default candidates {2..12}, fixed rank 8, no budget. */
    public static SearchSpace unconstrained(int layerCount, int[] searchedLayers) {
        return new SearchSpace(layerCount, searchedLayers, DEFAULT_RANK_CANDIDATES, DEFAULT_FIXED_RANK,
                new long[0], BudgetConstraint.none());
    }

    /** Every layer searched, default candidates, no budget. */
    public static SearchSpace allLayers(int layerCount) {
        int[] layers = new int[layerCount];
        Arrays.setAll(layers, i -> i);
        return unconstrained(layerCount, layers);
    }

    public SearchSpace withBudget(BudgetConstraint newBudget, long[] newParamsPerUnitRank) {
        return new SearchSpace(layerCount, searchedLayers, rankCandidates, fixedRank, newParamsPerUnitRank, newBudget);
    }

    public SearchSpace withRankCandidates(int[] candidates) {
        return new SearchSpace(layerCount, searchedLayers, candidates, fixedRank, paramsPerUnitRank, budget);
    }

    @Override
    public int[] searchedLayers() {
        return searchedLayers.clone();
    }

    @Override
    public int[] rankCandidates() {
        return rankCandidates.clone();
    }

    @Override
    public long[] paramsPerUnitRank() {
        return paramsPerUnitRank.clone();
    }

    public int searchedLayerCount() {
        return searchedLayers.length;
    }

    public int searchedLayer(int i) {
        return searchedLayers[i];
    }

    public int candidate(int i) {
        return rankCandidates[i];
    }

    public int candidateCount() {
        return rankCandidates.length;
    }

    public int minRank() {
        return Math.min(rankCandidates[0], fixedRank);
    }

    public int maxRank() {
        return Math.max(rankCandidates[rankCandidates.length - 1], fixedRank);
    }

    /** Number of configurations ignoring the budget: candidates ^ searched layers (may be huge). */
    public double unconstrainedSize() {
        return Math.pow(rankCandidates.length, searchedLayers.length);
    }

    /** All layers at the budget's reference rank (uniform-8 by default). */
    public int[] uniformBaseline() {
        int[] ranks = new int[layerCount];
        Arrays.fill(ranks, budget.referenceRank());
        return ranks;
    }

    /** The rank vector with every searched layer at the given candidate indices and the rest at fixedRank. */
    public int[] configuration(int[] candidateIndexPerSearchedLayer) {
        int[] ranks = new int[layerCount];
        Arrays.fill(ranks, fixedRank);
        for (int i = 0; i < searchedLayers.length; i++) {
            ranks[searchedLayers[i]] = rankCandidates[candidateIndexPerSearchedLayer[i]];
        }
        return ranks;
    }

    /** Trainable LoRA parameters of a full rank vector; needs paramsPerUnitRank. */
    public long trainableParams(int[] ranks) {
        requireParams("trainableParams");
        checkLength(ranks);
        long total = 0;
        for (int l = 0; l < layerCount; l++) {
            total += ranks[l] * paramsPerUnitRank[l];
        }
        return total;
    }

    /** Parameters of the budget's reference (every layer at referenceRank). */
    public long referenceParams() {
        requireParams("referenceParams");
        long total = 0;
        for (long p : paramsPerUnitRank) {
            total += p;
        }
        return total * budget.referenceRank();
    }

    /** True when the vector has fixed ranks outside the searched layers, candidates inside, and meets the budget. */
    public boolean contains(int[] ranks) {
        checkLength(ranks);
        boolean[] searched = new boolean[layerCount];
        for (int layer : searchedLayers) {
            searched[layer] = true;
            if (Arrays.binarySearch(rankCandidates, ranks[layer]) < 0) {
                return false;
            }
        }
        for (int l = 0; l < layerCount; l++) {
            if (!searched[l] && ranks[l] != fixedRank) {
                return false;
            }
        }
        return meetsBudget(ranks);
    }

    public boolean meetsBudget(int[] ranks) {
        if (budget.isUnconstrained()) {
            return true;
        }
        return budget.allows(trainableParams(ranks), referenceParams());
    }

    private void checkLength(int[] ranks) {
        if (ranks.length != layerCount) {
            throw new SearchException("rank vector has " + ranks.length + " entries, search space has "
                    + layerCount + " layers");
        }
    }

    private void requireParams(String what) {
        if (paramsPerUnitRank.length != layerCount) {
            throw new SearchException("search space: " + what + " needs paramsPerUnitRank for all " + layerCount
                    + " layers, got " + paramsPerUnitRank.length);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SearchSpace s && layerCount == s.layerCount && fixedRank == s.fixedRank
                && Arrays.equals(searchedLayers, s.searchedLayers) && Arrays.equals(rankCandidates, s.rankCandidates)
                && Arrays.equals(paramsPerUnitRank, s.paramsPerUnitRank) && budget.equals(s.budget);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(searchedLayers) * 31 + Arrays.hashCode(rankCandidates) + layerCount + budget.hashCode();
    }

    @Override
    public String toString() {
        return "SearchSpace[layers=" + layerCount + ", searched=" + Arrays.toString(searchedLayers) + ", candidates="
                + Arrays.toString(rankCandidates) + ", fixedRank=" + fixedRank + ", budget=" + budget + "]";
    }
}
