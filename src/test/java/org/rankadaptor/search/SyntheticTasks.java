package org.rankadaptor.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Synthetic "tasks" that share structure, standing in for measured rank -> score tables: the score of rank vector r
 * is offset + scale * (sum_l w_l * f(r_l; peak_l) + interaction) + noise, where the shared per-layer weights and
 * peaks are perturbed per task.
 */
final class SyntheticTasks {
    private SyntheticTasks() {
    }

    /** One task's noise-free score function plus its noise level. */
    record Task(String name, double offset, double scale, double[] weights, double[] peaks, double interaction,
                double noise) {

        double cleanScore(int[] ranks) {
            double s = 0;
            for (int l = 0; l < ranks.length; l++) {
                double d = (ranks[l] - peaks[l]) / 10.0;
                s += weights[l] * (1 - 4 * d * d) ;
            }
            s += interaction * ((ranks[0] - 7) / 5.0) * ((ranks[ranks.length - 1] - 7) / 5.0);
            return offset + scale * s;
        }

        double noisyScore(int[] ranks, Random random) {
            return cleanScore(ranks) + noise * random.nextGaussian();
        }
    }

    /** Shared structure for a family of tasks over {@code layers} layers. */
    static Task base(int layers, long seed) {
        Random r = new Random(seed);
        double[] w = new double[layers];
        double[] p = new double[layers];
        for (int l = 0; l < layers; l++) {
            w[l] = 0.5 + 1.5 * r.nextDouble();
            p[l] = 3 + 8 * r.nextDouble();
        }
        return new Task("base", 50, 2, w, p, 0.8, 0.0);
    }

    /** A task related to {@code base}: weights and peaks perturbed, own offset/scale, noise. */
    static Task related(Task base, String name, long seed, double noise) {
        Random r = new Random(seed);
        int layers = base.weights().length;
        double[] w = new double[layers];
        double[] p = new double[layers];
        for (int l = 0; l < layers; l++) {
            w[l] = base.weights()[l] * (1 + 0.15 * r.nextGaussian());
            p[l] = base.peaks()[l] + 0.7 * r.nextGaussian();
        }
        double offset = 30 + 40 * r.nextDouble();
        double scale = 0.5 + 3 * r.nextDouble();
        return new Task(name, offset, scale, w, p, base.interaction() * (1 + 0.2 * r.nextGaussian()), noise * scale);
    }

    /** Training points: {@code configs} encoded, scored by {@code task} with noise drawn from {@code seed}. */
    static List<Sample> samples(RankEncoder encoder, Task task, List<int[]> configs, long seed) {
        Random noise = new Random(seed);
        List<Sample> out = new ArrayList<>();
        for (int[] c : configs) {
            out.add(new Sample(encoder.encode(c), task.noisyScore(c, noise)));
        }
        return out;
    }

    static List<int[]> randomConfigs(SearchSpace space, int count, long seed) {
        RankSampler sampler = new RankSampler(space);
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(sampler.sample(random));
        }
        return out;
    }
}
