package org.rankadaptor.job;

import org.rankadaptor.lora.LoraSettings;
import org.rankadaptor.lora.TrainingData;
import org.rankadaptor.search.BudgetConstraint;
import org.rankadaptor.search.SearchSettings;

import java.nio.file.Path;
import java.util.List;

/**
 * One RankAdaptor search on a (pruned) model.
 *
 * @param searchedLayers 0-based layers to search; empty = the layers pruning.json says were pruned (all if none)
 * @param metaFiles      measurement files (JSONL) to meta-learn the performance model from; empty = cold start
 * @param outDir         where the best configuration's rank JSON and PEFT adapter_config.json go
 */
public record SearchRequest(Path modelDir, Path trainData, TrainingData.LossTokens lossTokens, SearchObjective objective,
                            Path tasksDir, Fidelity fidelity, SearchSettings settings, int[] rankCandidates, int fixedRank,
                            BudgetConstraint budget, LoraSettings lora, List<Integer> searchedLayers, List<Path> metaFiles,
                            Path outDir) {
    public SearchRequest {
        rankCandidates = rankCandidates.clone();
        searchedLayers = List.copyOf(searchedLayers);
        metaFiles = List.copyOf(metaFiles);
    }

    @Override
    public int[] rankCandidates() {
        return rankCandidates.clone();
    }
}
