package org.rankadaptor.search;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TargetScalingTest {

    private static List<Sample> scores(double... values) {
        List<Sample> out = new ArrayList<>();
        for (double v : values) {
            out.add(new Sample(new float[] {0}, v));
        }
        return out;
    }

    @Test
    void standardiseIsTheZScoreWithSampleSpread() {
        TargetScaling s = TargetScaling.standardise(scores(1, 2, 3, 6));
        assertEquals(3.0, s.mean(), 1e-12);
        assertEquals(Math.sqrt(14.0 / 3), s.scale(), 1e-12);
        assertEquals(0f, s.normalise(3.0));
        assertEquals(6.0, s.denormalise(s.normalise(6.0)), 1e-5);
    }

    @Test
    void flatOrSinglePointsKeepUnitScale() {
        assertEquals(new TargetScaling(5, 1), TargetScaling.standardise(scores(5)));
        assertEquals(new TargetScaling(5, 1), TargetScaling.standardise(scores(5, 5, 5)));
    }

    @Test
    void calibrationRecoversAnAffineMapOfThePredictions() {
        // scores = 40 + 3 * prediction; the points' spread is ~3.06, so slope 3 is inside the clamp
        float[] predictions = {-1, 0, 0.5f, 1.5f};
        List<Sample> samples = scores(37, 40, 41.5, 44.5);
        TargetScaling s = TargetScaling.calibrate(samples, predictions);
        assertEquals(3.0, s.scale(), 1e-9);
        assertEquals(40.0, s.mean(), 1e-9);
    }

    @Test
    void calibrationFallsBackToTheZScoreWhenItIsUseless() {
        List<Sample> samples = scores(37, 40, 41.5, 44.5);
        TargetScaling zScore = TargetScaling.standardise(samples);
        assertEquals(zScore, TargetScaling.calibrate(samples, new float[] {1.5f, 0.5f, 0, -1}), "inverted");
        assertEquals(zScore, TargetScaling.calibrate(samples, new float[] {2, 2, 2, 2}), "flat");
        assertEquals(TargetScaling.standardise(samples.subList(0, 2)),
                TargetScaling.calibrate(samples.subList(0, 2), new float[] {-1, 0}), "two points");
    }

    @Test
    void calibrationSlopeIsClampedToFourTimesTheSpread() {
        List<Sample> samples = scores(0, 1, 2);
        double spread = TargetScaling.standardise(samples).scale();
        TargetScaling s = TargetScaling.calibrate(samples, new float[] {0, 0.01f, 0.02f});
        assertEquals(4 * spread, s.scale(), 1e-9);
    }
}
