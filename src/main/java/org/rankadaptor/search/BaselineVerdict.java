package org.rankadaptor.search;

import java.util.Arrays;
import java.util.Locale;

/**
 * Does the search's best measured configuration beat the uniform baseline beyond the measured seed noise? The
 * difference of the two mean scores is compared with 1.96 standard errors, se = sigma * sqrt(1/n_pick + 1/n_base),
 * sigma the {@link SeedNoise} pooled over the search's repeated measurements. The pick is the best of many noisy
 * measurements, so its mean is biased upwards (winner's curse): a "beats" verdict asks for re-measurement at
 * fresh seeds, a "within noise" one means the search found nothing the noise can tell apart.
 */
public record BaselineVerdict(Outcome outcome, int[] pickRanks, double pickMean, int pickRepeats,
                              double baselineMean, int baselineRepeats, double difference, double standardError,
                              SeedNoise noise) {

    /** Two-sided 95% normal quantile. */
    public static final double Z95 = 1.959963984540054;

    public enum Outcome {
        /** Better than uniform by more than 1.96 standard errors. */
        BEATS_UNIFORM,
        /** The difference is within 1.96 standard errors. */
        WITHIN_NOISE,
        /** Worse than uniform by more than 1.96 standard errors. */
        WORSE_THAN_UNIFORM,
        /** The best measured configuration is the uniform baseline itself. */
        UNIFORM_IS_BEST,
        /** No configuration was measured twice, so the noise is unknown. */
        NOISE_UNKNOWN
    }

    public BaselineVerdict {
        pickRanks = pickRanks.clone();
    }

    @Override
    public int[] pickRanks() {
        return pickRanks.clone();
    }

    /** The verdict on a finished search: its best measured configuration against its baseline (iteration 0). */
    public static BaselineVerdict of(SearchResult result) {
        return of(result.iterations());
    }

    /** The verdict on a search's iterations (e.g. read back from the store). */
    public static BaselineVerdict of(java.util.List<SearchIteration> iterations) {
        SearchIteration baseline = iterations.stream()
                .filter(it -> it.kind() == SearchIteration.Kind.BASELINE).findFirst()
                .orElseThrow(() -> new SearchException("search result has no baseline iteration"));
        SearchIteration pick = baseline;
        for (SearchIteration it : iterations) {
            if (it.actual() > pick.actual()) {
                pick = it;
            }
        }
        SeedNoise noise = SeedNoise.of(iterations);
        double difference = pick.actual() - baseline.actual();
        double se = noise.pooledStd() * Math.sqrt(1.0 / pick.repeats() + 1.0 / baseline.repeats());
        Outcome outcome;
        if (pick == baseline) {
            outcome = Outcome.UNIFORM_IS_BEST;
        } else if (!noise.known()) {
            outcome = Outcome.NOISE_UNKNOWN;
        } else if (difference > Z95 * se) {
            outcome = Outcome.BEATS_UNIFORM;
        } else if (difference < -Z95 * se) {
            outcome = Outcome.WORSE_THAN_UNIFORM;
        } else {
            outcome = Outcome.WITHIN_NOISE;
        }
        return new BaselineVerdict(outcome, pick.ranks(), pick.actual(), pick.repeats(), baseline.actual(),
                baseline.repeats(), difference, se, noise);
    }

    /** One line for the CLI and the GUI. */
    public String sentence() {
        String gap = String.format(Locale.ROOT, "%s (mean of %d) vs uniform %.4f (mean of %d): difference %+.4f",
                Arrays.toString(pickRanks), pickRepeats, baselineMean, baselineRepeats, difference);
        String noiseText = noise.known() ? String.format(Locale.ROOT,
                "; seed noise sd %.4f (%d df), 95%% interval of the difference %+.4f .. %+.4f", noise.pooledStd(),
                noise.degreesOfFreedom(), difference - Z95 * standardError, difference + Z95 * standardError) : "";
        return switch (outcome) {
            case BEATS_UNIFORM -> "beats uniform beyond the measured noise: " + gap + noiseText
                    + " (best of the search, so optimistic: re-measure at new seeds)";
            case WITHIN_NOISE -> "does NOT beat uniform beyond the measured noise: " + gap + noiseText;
            case WORSE_THAN_UNIFORM -> "worse than uniform beyond the measured noise: " + gap + noiseText;
            case UNIFORM_IS_BEST -> "uniform is the best measured configuration" + noiseText;
            case NOISE_UNKNOWN -> "noise unknown (no configuration measured twice; use --repeats or baseline"
                    + " repeats >= 2): " + gap;
        };
    }
}
