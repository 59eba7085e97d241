package org.rankadaptor.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * PEFT's AdaLoRA RankAllocator: importance of every entry of P, lambda, Q is the EMA of |w * grad| (sensitivity,
 * beta1) times the EMA of |sensitivity - its EMA| (uncertainty, beta2). A singular value's score is its lambda score
 * plus the mean score of its Q row plus the mean score of its P column. The budget (total rank) follows PEFT's
 * budget_schedule: init budget up to tinit, then a cubic decrease to the target budget at total - tfinal; every
 * deltaT steps the lowest-scoring singular values (score <= the k-th smallest, k = init budget - budget) are zeroed.
 * At step total - tfinal the final mask is fixed and re-applied after every later step.
 */
final class RankAllocator {
    private final AdaLoraAdapter adapter;
    private final AdaLoraSettings settings;
    private final Map<String, NDArray> sensitivity = new LinkedHashMap<>();   // EMA of |w * grad|
    private final Map<String, NDArray> uncertainty = new LinkedHashMap<>();   // EMA of |ipt - EMA|
    private final Map<String, NDArray> keepMasks = new LinkedHashMap<>();     // per module, (r) of 1 kept / 0 masked

    RankAllocator(AdaLoraAdapter adapter, AdaLoraSettings settings, NDManager manager) {
        this.adapter = adapter;
        this.settings = settings;
        for (AdaLoraAdapter.Module m : adapter.modules()) {
            for (Map.Entry<String, NDArray> e : LowRankAdapter.namedArrays(m).entrySet()) {
                NDArray p = e.getValue();
                sensitivity.put(e.getKey(), manager.zeros(p.getShape(), p.getDataType()));
                uncertainty.put(e.getKey(), manager.zeros(p.getShape(), p.getDataType()));
            }
            keepMasks.put(m.ref().path(), manager.ones(new Shape(m.initRank()), m.lambda().getDataType()));
        }
    }

    /** PEFT AdaLoraModel.update_and_allocate(global_step); call inside an NDScope. */
    void update(int step, AdaLoraSettings.Schedule schedule) {
        int finalStep = schedule.totalSteps() - schedule.tfinal();
        if (step < finalStep) {
            updateImportance();
            int budget = budget(step, schedule);
            boolean allocate = step > schedule.tinit() && step % schedule.deltaT() == 0;
            if (allocate) {
                maskToBudget(budget);
            }
        } else if (step == finalStep) {
            maskToBudget(adapter.targetBudget());
            for (NDArray a : sensitivity.values()) {
                a.muli(0);
            }
            for (NDArray a : uncertainty.values()) {
                a.muli(0);
            }
        } else {
            applyMasks();
        }
    }

    /** PEFT budget_schedule: the total rank allowed after {@code step}. */
    int budget(int step, AdaLoraSettings.Schedule schedule) {
        int init = adapter.initialBudget();
        int target = adapter.targetBudget();
        if (step <= schedule.tinit()) {
            return init;
        }
        if (step > schedule.totalSteps() - schedule.tfinal()) {
            return target;
        }
        double mul = 1 - (double) (step - schedule.tinit()) / (schedule.totalSteps() - schedule.tfinal() - schedule.tinit());
        return (int) ((init - target) * mul * mul * mul + target);
    }

    private void updateImportance() {
        double b1 = settings.beta1();
        double b2 = settings.beta2();
        for (AdaLoraAdapter.Module m : adapter.modules()) {
            for (Map.Entry<String, NDArray> e : LowRankAdapter.namedArrays(m).entrySet()) {
                NDArray p = e.getValue();
                NDArray ipt = p.stopGradient().mul(p.getGradient()).abs();
                NDArray avg = sensitivity.get(e.getKey());
                avg.muli(b1).addi(ipt.mul(1 - b1));
                uncertainty.get(e.getKey()).muli(b2).addi(ipt.sub(avg).abs().mul(1 - b2));
            }
        }
    }

    /** Each module's singular-value scores, (r) per module in module order. */
    List<double[]> tripletScores() {
        List<double[]> out = new ArrayList<>();
        for (AdaLoraAdapter.Module m : adapter.modules()) {
            String path = m.ref().path();
            NDArray a = score(path + ".lora_A").mean(new int[] {1});                   // (r), mean of each Q row
            NDArray b = score(path + ".lora_B").mean(new int[] {0});                   // (r), mean of each P column
            NDArray e = score(path + ".lora_E").reshape(m.initRank());                 // (r)
            out.add(AdaLoraAdapter.values(e.add(a).add(b)));
        }
        return out;
    }

    private NDArray score(String name) {
        return sensitivity.get(name).mul(uncertainty.get(name));
    }

    private void maskToBudget(int budget) {
        int k = adapter.initialBudget() - budget;
        if (k <= 0) {
            return;
        }
        List<double[]> scores = tripletScores();
        double[] all = scores.stream().flatMapToDouble(Arrays::stream).toArray();
        Arrays.sort(all);
        double threshold = all[Math.min(k, all.length) - 1];                           // torch.kthvalue(k): k-th smallest
        List<AdaLoraAdapter.Module> modules = adapter.modules();
        for (int i = 0; i < modules.size(); i++) {
            AdaLoraAdapter.Module m = modules.get(i);
            double[] s = scores.get(i);
            float[] keep = new float[s.length];
            for (int j = 0; j < s.length; j++) {
                keep[j] = s[j] <= threshold ? 0f : 1f;
            }
            NDArray mask = keepMasks.get(m.ref().path());
            NDArray fresh = mask.getManager().create(keep).toType(mask.getDataType(), false);
            mask.muli(0).addi(fresh);
        }
        applyMasks();
    }

    private void applyMasks() {
        for (AdaLoraAdapter.Module m : adapter.modules()) {
            NDArray mask = keepMasks.get(m.ref().path());
            m.lambda().stopGradient().muli(mask.reshape(m.initRank(), 1));
        }
    }

    /** EMAs and masks by name, for checkpoints. */
    Map<String, NDArray> state() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        sensitivity.forEach((k, v) -> out.put(k + ".exp_avg_ipt", v));
        uncertainty.forEach((k, v) -> out.put(k + ".exp_avg_unc", v));
        keepMasks.forEach((k, v) -> out.put(k + ".rank_mask", v));
        return Collections.unmodifiableMap(out);
    }
}
