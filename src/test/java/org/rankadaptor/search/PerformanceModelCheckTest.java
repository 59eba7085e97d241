package org.rankadaptor.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.rankadaptor.stage.StageContext;

class PerformanceModelCheckTest {

    /** One layer, ranks 2..12; two configurations measured twice. */
    static List<PerformanceModelCheck.Point> oneLayer() {
        return List.of(
                new PerformanceModelCheck.Point(new int[] {2}, new double[] {1.0, 1.2}),
                new PerformanceModelCheck.Point(new int[] {4}, new double[] {2.0}),
                new PerformanceModelCheck.Point(new int[] {6}, new double[] {2.5}),
                new PerformanceModelCheck.Point(new int[] {8}, new double[] {4.1, 3.9}),
                new PerformanceModelCheck.Point(new int[] {10}, new double[] {4.0}),
                new PerformanceModelCheck.Point(new int[] {12}, new double[] {6.0}));
    }

    @Test
    void rankCorrelationsMatchHandComputedValues() {
        // d = 0, 1, 1, 0: rho = 1 - 6 * 2 / (4 * 15) = 0.8; one discordant pair of 6: tau = 4/6
        assertEquals(0.8, PerformanceModelCheck.spearman(new double[] {1, 2, 3, 4}, new double[] {1, 3, 2, 4}), 1e-12);
        assertEquals(4.0 / 6, PerformanceModelCheck.kendallTauB(new double[] {1, 2, 3, 4}, new double[] {1, 3, 2, 4}),
                1e-12);
        // a tie in a: tau-b = 2 / sqrt((3 - 1) * 3); ranks of {1, 1, 2} are {1.5, 1.5, 3}
        assertEquals(2 / Math.sqrt(6), PerformanceModelCheck.kendallTauB(new double[] {1, 1, 2},
                new double[] {1, 2, 3}), 1e-12);
        assertArrayEquals(new double[] {1.5, 1.5, 3}, PerformanceModelCheck.averageRanks(new double[] {1, 1, 2}));
        assertEquals(Math.sqrt(3) / 2, PerformanceModelCheck.spearman(new double[] {1, 1, 2}, new double[] {1, 2, 3}),
                1e-12);
        assertEquals(0.5, PerformanceModelCheck.meanAbsoluteError(new double[] {1, 2}, new double[] {1.5, 1.5}));
    }

    @Test
    void ridgeFiguresMatchAHandComputation() {
        PerformanceModelCheck.Protocol protocol = new PerformanceModelCheck.Protocol(3, 2, 7,
                PerformanceModelCheck.Features.RANKS, List.of(PredictiveModel.Kind.RIDGE));
        List<PerformanceModelCheck.Point> points = oneLayer();
        PerformanceModelCheck.Report report = PerformanceModelCheck.run("t", points, new float[0], protocol,
                StageContext.none());
        List<int[]> splits = PerformanceModelCheck.splits(points.size(), protocol);
        double[] spearman = new double[2];
        double[] mae = new double[2];
        int inOne = 0;
        int inTwo = 0;
        int held = 0;
        for (int f = 0; f < 2; f++) {
            // 1-D ridge, lambda 1, on the rank standardised over the training repeats (population sd)
            List<double[]> train = new ArrayList<>();
            for (int i = 0; i < points.size(); i++) {
                if (splits.get(f)[i] == 0) {
                    for (double s : points.get(i).scores()) {
                        train.add(new double[] {points.get(i).ranks()[0], s});
                    }
                }
            }
            int n = train.size();
            double mx = train.stream().mapToDouble(t -> t[0]).average().orElseThrow();
            double my = train.stream().mapToDouble(t -> t[1]).average().orElseThrow();
            double sx = Math.sqrt(train.stream().mapToDouble(t -> (t[0] - mx) * (t[0] - mx)).sum() / n);
            double szy = train.stream().mapToDouble(t -> (t[0] - mx) / sx * (t[1] - my)).sum();
            double w = szy / (n + 1.0);
            double rss = train.stream().mapToDouble(t -> Math.pow(t[1] - my - w * (t[0] - mx) / sx, 2)).sum();
            double sigma = Math.sqrt(rss / (n - 2));
            List<Double> predicted = new ArrayList<>();
            List<Double> measured = new ArrayList<>();
            for (int i = 0; i < points.size(); i++) {
                if (splits.get(f)[i] == 1) {
                    double p = my + w * (points.get(i).ranks()[0] - mx) / sx;
                    predicted.add(p);
                    measured.add(points.get(i).mean());
                    inOne += Math.abs(points.get(i).mean() - p) <= sigma ? 1 : 0;
                    inTwo += Math.abs(points.get(i).mean() - p) <= 2 * sigma ? 1 : 0;
                    held++;
                }
            }
            double[] pa = predicted.stream().mapToDouble(Double::doubleValue).toArray();
            double[] ma = measured.stream().mapToDouble(Double::doubleValue).toArray();
            spearman[f] = PerformanceModelCheck.spearman(pa, ma);
            mae[f] = PerformanceModelCheck.meanAbsoluteError(pa, ma);
        }
        PerformanceModelCheck.ModelScore ridge = report.models().get(0);
        assertEquals((spearman[0] + spearman[1]) / 2, ridge.spearman().mean(), 1e-9);
        assertEquals((mae[0] + mae[1]) / 2, ridge.mae().mean(), 1e-5);
        assertEquals(Math.abs(mae[0] - mae[1]) / Math.sqrt(2), ridge.mae().std(), 1e-5);
        assertEquals((double) inOne / held, ridge.withinOneSigma(), 1e-12);
        assertEquals((double) inTwo / held, ridge.withinTwoSigma(), 1e-12);
        assertEquals(6, report.configurations());
        assertEquals(8, report.measurements());
        // pooled sd over {1.0, 1.2} and {4.1, 3.9}: sqrt((0.02 + 0.02) / 2)
        assertEquals(Math.sqrt(0.02), report.noise().pooledStd(), 1e-12);
        assertEquals(2, report.noise().degreesOfFreedom());
    }

    @Test
    void jsonHasTheDocumentedShape() {
        PerformanceModelCheck.Report report = PerformanceModelCheck.run("t", oneLayer(), new float[0],
                new PerformanceModelCheck.Protocol(0, 3, 1, PerformanceModelCheck.Features.RANKS,
                        List.of(PredictiveModel.Kind.RIDGE, PredictiveModel.Kind.GAUSSIAN_PROCESS)), StageContext.none());
        JsonNode json = report.toJson();
        assertEquals(PerformanceModelCheck.FORMAT, json.get("format").asText());
        for (String field : List.of("source", "layers", "configurations", "measurements", "noise",
                "configurationSpread", "protocol", "models", "best")) {
            assertTrue(json.has(field), field);
        }
        assertEquals("k-fold", json.get("protocol").get("split").asText());
        assertTrue(json.get("protocol").get("train").isNull());
        JsonNode gp = json.get("models").get(1);
        assertEquals("gp", gp.get("name").asText());
        for (String field : List.of("spearman", "kendall", "mae", "within1Sigma", "within2Sigma", "heldOut")) {
            assertTrue(gp.has(field), field);
        }
        assertEquals(6, gp.get("heldOut").size(), "every configuration held out once in K-fold");
        assertTrue(gp.get("heldOut").get(0).has("sigma"));
        assertTrue(report.table().contains("ridge"));
    }

    @Test
    void noiseAwareSurrogatesRankANoisyQuadraticAboveChance() {
        // 3 layers x 6 candidates, score peaked inside the range plus N(0, 0.3) noise, two repeats each
        Random random = new Random(5);
        List<PerformanceModelCheck.Point> points = new ArrayList<>();
        int[] c = {2, 4, 6, 8, 10, 12};
        for (int a : c) {
            for (int b : c) {
                for (int d : c) {
                    double clean = -Math.pow((a - 10) / 4.0, 2) - 0.5 * Math.pow((b - 6) / 4.0, 2) + 0.2 * d / 12;
                    points.add(new PerformanceModelCheck.Point(new int[] {a, b, d, 8}, new double[] {
                            clean + 0.3 * random.nextGaussian(), clean + 0.3 * random.nextGaussian()}));
                }
            }
        }
        PerformanceModelCheck.Report report = PerformanceModelCheck.run("quadratic", points, new float[0],
                new PerformanceModelCheck.Protocol(40, 3, 3, PerformanceModelCheck.Features.RANKS_TOTAL_KEPT,
                        List.of(PredictiveModel.Kind.RIDGE, PredictiveModel.Kind.GAUSSIAN_PROCESS)), StageContext.none());
        PerformanceModelCheck.ModelScore gp = report.models().get(1);
        assertTrue(gp.spearman().mean() > 0.6, report.table());
        assertTrue(gp.withinTwoSigma() > 0.8, "GP predictive sd includes the noise: " + report.table());
        assertEquals(0.3, report.noise().pooledStd(), 0.05);
        assertEquals("gp", report.best().model().label(), report.table());
    }

    @Test
    void badInputNamesTheProblem() {
        assertThrows(SearchException.class, () -> PerformanceModelCheck.run("x", oneLayer().subList(0, 2),
                new float[0], PerformanceModelCheck.Protocol.defaults(), StageContext.none()));
        SearchException e = assertThrows(SearchException.class, () -> PerformanceModelCheck.run("x", oneLayer(),
                new float[0], new PerformanceModelCheck.Protocol(6, 2, 1, PerformanceModelCheck.Features.RANKS,
                        List.of(PredictiveModel.Kind.RIDGE)), StageContext.none()));
        assertTrue(e.getMessage().contains("--train 6"), e.getMessage());
    }
}
