package org.rankadaptor.bench;

import org.rankadaptor.search.PerformanceModelCheck;
import org.rankadaptor.search.PredictiveModel;
import org.rankadaptor.stage.StageContext;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * perf-model check on synthetic noisy rank -> score tables: 3 searched layers x {2..12} (216 configurations),
 * a smooth score (per-layer peaks, one interaction) plus Gaussian seed noise at a given share of the spread of the
 * clean scores, 2 repeats each; fit on N random configurations, the rest held out.
 *
 * <pre>PerformanceModelCheckBench [TRAIN=20] [SPLITS=10]</pre>
 */
public final class PerformanceModelCheckBench {
    private PerformanceModelCheckBench() {
    }

    public static void main(String[] args) {
        int train = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int splits = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        for (double noiseShare : new double[] {0.1, 0.5, 1.0}) {
            for (long task = 1; task <= 2; task++) {
                Random random = new Random(task * 31 + (long) (noiseShare * 100));
                double[] peak = {3 + 8 * random.nextDouble(), 3 + 8 * random.nextDouble(), 3 + 8 * random.nextDouble()};
                double[] weight = {0.5 + random.nextDouble(), 0.5 + random.nextDouble(), 0.5 + random.nextDouble()};
                List<int[]> configs = new ArrayList<>();
                List<Double> clean = new ArrayList<>();
                for (int a = 2; a <= 12; a += 2) {
                    for (int b = 2; b <= 12; b += 2) {
                        for (int c = 2; c <= 12; c += 2) {
                            int[] r = {a, b, c, 8, 8};
                            double s = 0;
                            for (int l = 0; l < 3; l++) {
                                s -= weight[l] * Math.pow((r[l] - peak[l]) / 10, 2);
                            }
                            s += 0.3 * (a - 7) / 5.0 * (c - 7) / 5.0;
                            configs.add(r);
                            clean.add(s);
                        }
                    }
                }
                double mean = clean.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
                double sd = Math.sqrt(clean.stream().mapToDouble(x -> (x - mean) * (x - mean)).sum() / clean.size());
                List<PerformanceModelCheck.Point> points = new ArrayList<>();
                for (int i = 0; i < configs.size(); i++) {
                    points.add(new PerformanceModelCheck.Point(configs.get(i), new double[] {
                            clean.get(i) + noiseShare * sd * random.nextGaussian(),
                            clean.get(i) + noiseShare * sd * random.nextGaussian()}));
                }
                for (PerformanceModelCheck.Features features : PerformanceModelCheck.Features.values()) {
                    PerformanceModelCheck.Report report = PerformanceModelCheck.run(String.format(
                            java.util.Locale.ROOT, "synthetic task %d, noise %.1f x spread", task, noiseShare),
                            points, new float[0], new PerformanceModelCheck.Protocol(train, splits, 42, features,
                                    List.of(PredictiveModel.Kind.values())), StageContext.none());
                    System.out.println(report.table());
                }
            }
        }
    }
}
