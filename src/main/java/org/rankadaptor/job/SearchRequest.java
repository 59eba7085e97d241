package org.rankadaptor.job;

import org.rankadaptor.lora.LoraSettings;
import org.rankadaptor.model.Placement;
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
 * @param placement      where the model runs while candidates are fine-tuned and measured
 */
public record SearchRequest(Path modelDir, Path trainData, TrainingData.LossTokens lossTokens, SearchObjective objective,
                            Path tasksDir, Fidelity fidelity, SearchSettings settings, int[] rankCandidates, int fixedRank,
                            BudgetConstraint budget, LoraSettings lora, List<Integer> searchedLayers, List<Path> metaFiles,
                            Path outDir, Placement placement) {
    public SearchRequest {
        rankCandidates = rankCandidates.clone();
        searchedLayers = List.copyOf(searchedLayers);
        metaFiles = List.copyOf(metaFiles);
    }

    /** On the CPU. */
    public SearchRequest(Path modelDir, Path trainData, TrainingData.LossTokens lossTokens, SearchObjective objective,
                         Path tasksDir, Fidelity fidelity, SearchSettings settings, int[] rankCandidates, int fixedRank,
                         BudgetConstraint budget, LoraSettings lora, List<Integer> searchedLayers, List<Path> metaFiles,
                         Path outDir) {
        this(modelDir, trainData, lossTokens, objective, tasksDir, fidelity, settings, rankCandidates, fixedRank, budget,
                lora, searchedLayers, metaFiles, outDir, Placement.cpu());
    }

    @Override
    public int[] rankCandidates() {
        return rankCandidates.clone();
    }
}
