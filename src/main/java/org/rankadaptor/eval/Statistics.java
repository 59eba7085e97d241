package org.rankadaptor.eval;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The uncertainty the workbench reports beside every score: lm-eval-harness's standard error of a mean, a
 * percentile bootstrap interval of perplexity over windows, and two paired tests of the accuracy difference of two
 * runs on the same documents (paired bootstrap, exact McNemar). Seeded, so a figure repeats exactly.
 */
public final class Statistics {
    /** Resamples used where the caller does not choose. */
    public static final int DEFAULT_RESAMPLES = 2_000;
    public static final double LEVEL_95 = 0.95;

    private Statistics() {
    }

    /** A point estimate with its interval at {@code level}. */
    public record Interval(double estimate, double lower, double upper, double level) {
        public boolean contains(double value) {
            return value >= lower && value <= upper;
        }
    }

    /**
     * A paired comparison of run A against run B on the same items.
     *
     * @param difference mean(A) - mean(B)
     * @param interval   its percentile bootstrap interval
     * @param pValue     two-sided: twice the smaller bootstrap tail share beyond zero (at most 1)
     */
    public record PairedDifference(double difference, Interval interval, double pValue, int items) {
        /** The interval excludes zero. */
        public boolean significant() {
            return interval.lower() > 0 || interval.upper() < 0;
        }
    }

    /**
     * McNemar's test on paired correct/incorrect outcomes.
     *
     * @param onlyA  items A got right and B wrong
     * @param onlyB  items B got right and A wrong
     * @param pValue exact two-sided binomial p-value of onlyA among onlyA + onlyB at 1/2
     */
    public record McNemar(int onlyA, int onlyB, double pValue) {
        public boolean significantAt(double alpha) {
            return pValue < alpha;
        }
    }

    /** lm-eval mean_stderr: sqrt(sample variance (ddof 1) / n); NaN for fewer than 2 values. */
    public static double meanStandardError(double[] values) {
        int n = values.length;
        if (n < 2) {
            return Double.NaN;
        }
        double mean = mean(values);
        double squares = 0;
        for (double v : values) {
            squares += (v - mean) * (v - mean);
        }
        return Math.sqrt(squares / (n - 1) / n);
    }

    public static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return values.length == 0 ? Double.NaN : sum / values.length;
    }

    /** Sample standard deviation (ddof 1); NaN for fewer than 2 values. */
    public static double sampleStd(double[] values) {
        return meanStandardError(values) * Math.sqrt(values.length);
    }

    /**
     * Bootstrap interval of exp(sum NLL / tokens) with windows resampled with replacement; every window has
     * {@code tokensPerWindow} predicted tokens.
     */
    public static Interval perplexityInterval(double[] windowNll, int tokensPerWindow, double level, int resamples,
                                              long seed) {
        requireLevel(level, resamples);
        int n = windowNll.length;
        double estimate = Math.exp(sum(windowNll) / ((double) n * tokensPerWindow));
        SplittableRandom random = new SplittableRandom(seed);
        double[] draws = new double[resamples];
        for (int b = 0; b < resamples; b++) {
            double total = 0;
            for (int i = 0; i < n; i++) {
                total += windowNll[random.nextInt(n)];
            }
            draws[b] = Math.exp(total / ((double) n * tokensPerWindow));
        }
        return percentileInterval(estimate, draws, level);
    }

    /** Paired bootstrap of mean(a) - mean(b): the same resampled items for both runs. */
    public static PairedDifference pairedBootstrap(double[] a, double[] b, double level, int resamples, long seed) {
        requireLevel(level, resamples);
        if (a.length != b.length || a.length == 0) {
            throw new IllegalArgumentException("paired bootstrap needs the same, non-zero number of items in both"
                    + " runs, got " + a.length + " and " + b.length);
        }
        int n = a.length;
        double[] diff = new double[n];
        for (int i = 0; i < n; i++) {
            diff[i] = a[i] - b[i];
        }
        double estimate = mean(diff);
        SplittableRandom random = new SplittableRandom(seed);
        double[] draws = new double[resamples];
        int atOrBelowZero = 0;
        int atOrAboveZero = 0;
        for (int r = 0; r < resamples; r++) {
            double total = 0;
            for (int i = 0; i < n; i++) {
                total += diff[random.nextInt(n)];
            }
            draws[r] = total / n;
            atOrBelowZero += draws[r] <= 0 ? 1 : 0;
            atOrAboveZero += draws[r] >= 0 ? 1 : 0;
        }
        double p = Math.min(1, 2.0 * Math.min(atOrBelowZero, atOrAboveZero) / resamples);
        return new PairedDifference(estimate, percentileInterval(estimate, draws, level), p, n);
    }

    /** Exact McNemar test; {@code a[i]}, {@code b[i]} are 1 (correct) or 0 on item i. */
    public static McNemar mcnemar(double[] a, double[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("McNemar needs the same items in both runs, got " + a.length + " and "
                    + b.length);
        }
        int onlyA = 0;
        int onlyB = 0;
        for (int i = 0; i < a.length; i++) {
            boolean ra = a[i] > 0.5;
            boolean rb = b[i] > 0.5;
            onlyA += ra && !rb ? 1 : 0;
            onlyB += rb && !ra ? 1 : 0;
        }
        int discordant = onlyA + onlyB;
        if (discordant == 0) {
            return new McNemar(0, 0, 1.0);
        }
        // P(X <= min) for X ~ Binomial(discordant, 1/2), doubled, in log space so large counts do not underflow
        int k = Math.min(onlyA, onlyB);
        double tail = 0;
        for (int i = 0; i <= k; i++) {
            tail += Math.exp(logChoose(discordant, i) - discordant * Math.log(2));
        }
        return new McNemar(onlyA, onlyB, Math.min(1, 2 * tail));
    }

    static double logChoose(int n, int k) {
        double s = 0;
        for (int i = 1; i <= k; i++) {
            s += Math.log(n - k + i) - Math.log(i);
        }
        return s;
    }

    private static Interval percentileInterval(double estimate, double[] draws, double level) {
        double[] sorted = draws.clone();
        Arrays.sort(sorted);
        double tail = (1 - level) / 2;
        return new Interval(estimate, quantile(sorted, tail), quantile(sorted, 1 - tail), level);
    }

    /** Linear interpolation between order statistics (numpy's default). */
    static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    private static double sum(double[] values) {
        double s = 0;
        for (double v : values) {
            s += v;
        }
        return s;
    }

    private static void requireLevel(double level, int resamples) {
        if (!(level > 0 && level < 1) || resamples < 10) {
            throw new IllegalArgumentException("interval level must be in (0, 1) and resamples >= 10, got " + level
                    + " and " + resamples);
        }
    }
}
