package org.rankadaptor.search;

import java.util.ArrayList;
import java.util.List;

/**
 * Seed noise of the objective, from configurations measured more than once: the within-configuration standard
 * deviation pooled over all of them, sqrt(sum_i sum_r (x_ir - mean_i)^2 / sum_i (n_i - 1)).
 *
 * @param pooledStd        standard deviation of one measurement; NaN when no configuration has two measurements
 * @param degreesOfFreedom sum over configurations of (repeats - 1)
 * @param configurations   configurations measured at least twice
 */
public record SeedNoise(double pooledStd, int degreesOfFreedom, int configurations) {

    public static SeedNoise of(List<SearchIteration> iterations) {
        List<double[]> groups = new ArrayList<>();
        for (SearchIteration it : iterations) {
            groups.add(it.scores());
        }
        return ofGroups(groups);
    }

    /** Each array holds the repeated scores of one configuration. */
    public static SeedNoise ofGroups(List<double[]> groups) {
        double squares = 0;
        int dof = 0;
        int used = 0;
        for (double[] g : groups) {
            if (g.length < 2) {
                continue;
            }
            double mean = 0;
            for (double v : g) {
                mean += v;
            }
            mean /= g.length;
            for (double v : g) {
                squares += (v - mean) * (v - mean);
            }
            dof += g.length - 1;
            used++;
        }
        return new SeedNoise(dof == 0 ? Double.NaN : Math.sqrt(squares / dof), dof, used);
    }

    public boolean known() {
        return degreesOfFreedom > 0;
    }

    /** Standard error of the mean of {@code measurements} measurements of one configuration. */
    public double standardError(int measurements) {
        return pooledStd / Math.sqrt(measurements);
    }
}
