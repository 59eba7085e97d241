package org.rankadaptor.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.xy.DeviationRenderer;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;
import org.rankadaptor.lora.RankPlan;
import org.rankadaptor.lora.LoraSettings;
import org.rankadaptor.model.CheckpointLoader;
import org.rankadaptor.model.LlamaConfig;
import org.rankadaptor.search.BudgetConstraint;
import org.rankadaptor.search.InMemorySearchJournal;
import org.rankadaptor.search.Measurement;
import org.rankadaptor.search.MeasurementFile;
import org.rankadaptor.search.ModelConfig;
import org.rankadaptor.search.ModelFactory;
import org.rankadaptor.search.Objective;
import org.rankadaptor.search.RankEncoder;
import org.rankadaptor.search.RankSearch;
import org.rankadaptor.search.SearchIteration;
import org.rankadaptor.search.SearchResult;
import org.rankadaptor.search.SearchSettings;
import org.rankadaptor.search.SearchSpace;
import org.rankadaptor.stage.StageContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Experiment of issue 15 on the measured grid: reads {@code ExperimentRunner measure} rows of every feasible
 * configuration at several seeds, writes them as a measurement file (one row per configuration and seed), and
 * replays searches against them: each proposal's "measurement" is the recorded score of that configuration at
 * seed index (search seed + repeat) mod seeds, so no fine-tune runs. For each strategy and search seed it records
 * the true score (mean over seeds) of the best-measured configuration after n fine-tunes, prints the curves and
 * writes them as a PNG with JFreeChart.
 *
 * <pre>GroundTruthReplay GRID.jsonl PRUNED_MODEL_DIR OUT_MEASUREMENTS.jsonl OUT.png [SEARCH_SEEDS=5] [FINE_TUNES=15]</pre>
 */
public final class GroundTruthReplay {
    private static final ObjectMapper JSON = new ObjectMapper();

    private GroundTruthReplay() {
    }

    public static void main(String[] args) throws IOException {
        Path grid = Path.of(args[0]);
        Path model = Path.of(args[1]);
        Path measurements = Path.of(args[2]);
        Path png = Path.of(args[3]);
        int searchSeeds = args.length > 4 ? Integer.parseInt(args[4]) : 5;
        int budget = args.length > 5 ? Integer.parseInt(args[5]) : 15;

        // (config -> seed -> first recorded score); repeated rows of one (config, seed) are a determinism check
        Map<String, Map<Long, Double>> bySeed = new LinkedHashMap<>();
        Map<String, int[]> ranks = new LinkedHashMap<>();
        int repeated = 0;
        int identical = 0;
        for (String line : Files.readAllLines(grid)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode row = JSON.readTree(line);
            int[] r = new int[row.get("ranks").size()];
            for (int i = 0; i < r.length; i++) {
                r[i] = row.get("ranks").get(i).asInt();
            }
            String key = Arrays.toString(r);
            ranks.put(key, r);
            Map<Long, Double> seeds = bySeed.computeIfAbsent(key, k -> new LinkedHashMap<>());
            long seed = row.get("seed").asLong();
            double score = row.get("score").asDouble();
            if (seeds.containsKey(seed)) {
                repeated++;
                identical += seeds.get(seed) == score ? 1 : 0;
            } else {
                seeds.put(seed, score);
            }
        }
        int minSeeds = bySeed.values().stream().mapToInt(Map::size).min().orElse(0);
        System.out.printf(Locale.ROOT, "%d configurations, %d-%d seeds each; %d repeated (config, seed) rows, %d"
                        + " bit-identical%n", bySeed.size(), minSeeds,
                bySeed.values().stream().mapToInt(Map::size).max().orElse(0), repeated, identical);

        List<Measurement> rows = new ArrayList<>();
        for (var e : bySeed.entrySet()) {
            for (var s : e.getValue().entrySet()) {
                ObjectNode pruning = JSON.createObjectNode();
                pruning.put("ranges", "1-3:0.3");
                pruning.put("estimator", "taylor-element1");
                rows.add(new Measurement("grid", "stories260K", pruning, ranks.get(e.getKey()),
                        Map.of("neg_ppl", s.getValue())));
            }
        }
        MeasurementFile.write(measurements, rows);

        // ground truth: mean over the seeds every configuration has (the first minSeeds)
        Map<String, double[]> scores = new LinkedHashMap<>();
        Map<String, Double> truth = new LinkedHashMap<>();
        for (var e : bySeed.entrySet()) {
            double[] v = e.getValue().values().stream().limit(minSeeds).mapToDouble(Double::doubleValue).toArray();
            scores.put(e.getKey(), v);
            truth.put(e.getKey(), Arrays.stream(v).average().orElseThrow());
        }
        List<String> ordered = new ArrayList<>(truth.keySet());
        ordered.sort(Comparator.comparingDouble(k -> -truth.get(k)));
        int top5Percent = Math.max(1, (int) Math.round(0.05 * ordered.size()));
        double threshold5 = truth.get(ordered.get(top5Percent - 1));
        String uniform = Arrays.toString(new int[] {8, 8, 8, 8, 8});
        System.out.printf(Locale.ROOT, "true best %s %.4f; uniform %s %.4f (rank %d of %d); top 5%% = %d"
                        + " configurations, score >= %.4f%n", ordered.get(0), truth.get(ordered.get(0)), uniform,
                truth.get(uniform), ordered.indexOf(uniform) + 1, ordered.size(), top5Percent, threshold5);
        System.out.println("top 10 (ppl mean over seeds, per seed):");
        for (int i = 0; i < Math.min(10, ordered.size()); i++) {
            String k = ordered.get(i);
            System.out.printf(Locale.ROOT, "  %2d %s %.4f %s%n", i + 1, k, -truth.get(k),
                    Arrays.toString(Arrays.stream(scores.get(k)).map(x -> Math.round(-x * 1e4) / 1e4).toArray()));
        }

        LlamaConfig config = CheckpointLoader.readConfig(model);
        // the searched layers are those whose rank varies in the grid (layers 1-3, the pruned ones)
        int[] searched = java.util.stream.IntStream.range(0, config.numLayers())
                .filter(l -> ranks.values().stream().mapToInt(r -> r[l]).distinct().count() > 1).toArray();
        SearchSpace space = new SearchSpace(config.numLayers(), searched, SearchSpace.DEFAULT_RANK_CANDIDATES,
                SearchSpace.DEFAULT_FIXED_RANK, RankPlan.paramsPerUnitRank(config, LoraSettings.ALL_TARGETS),
                BudgetConstraint.atMostUniform(8));
        long feasible = new org.rankadaptor.search.RankSampler(space).enumerateIfAtMost(10_000).orElseThrow().size();
        System.out.printf(Locale.ROOT, "search space: layers %s, %d feasible under the uniform-8 budget"
                + " (parameters per unit rank %s)%n", Arrays.toString(searched), feasible,
                Arrays.toString(space.paramsPerUnitRank()));
        RankEncoder encoder = RankEncoder.forSpace(space);

        YIntervalSeriesCollection chart = new YIntervalSeriesCollection();
        for (SearchSettings.Strategy strategy : List.of(SearchSettings.Strategy.RANKADAPTOR,
                SearchSettings.Strategy.RANDOM)) {
            double[][] curves = new double[searchSeeds][budget];
            int inTop = 0;
            List<Integer> stops = new ArrayList<>();
            for (int s = 0; s < searchSeeds; s++) {
                int searchSeed = s + 1;
                int[] seedCount = {minSeeds};
                Objective replay = new Objective() {
                    @Override
                    public double measure(int[] r, StageContext ctx) {
                        return measure(r, 0, ctx);
                    }

                    @Override
                    public double measure(int[] r, int repeat, StageContext ctx) {
                        double[] v = scores.get(Arrays.toString(r));
                        if (v == null) {
                            throw new IllegalStateException("configuration " + Arrays.toString(r) + " not in the grid");
                        }
                        return v[Math.floorMod(searchSeed + repeat, seedCount[0])];
                    }
                };
                SearchSettings settings = SearchSettings.defaults().withSeed(searchSeed).withMaxEvaluations(budget)
                        .withConvergenceThreshold(0).withRepeats(1, 1).withStrategy(strategy);
                SearchResult result = new RankSearch(space, encoder, ModelFactory.coldStart(encoder.featureCount(),
                        ModelConfig.defaults().withSeed(searchSeed)), settings)
                        .run(replay, new InMemorySearchJournal(), StageContext.none());
                double bestMeasured = Double.NEGATIVE_INFINITY;
                String bestKey = null;
                int streak = 0;
                int stoppedAt = -1;
                for (int n = 0; n < budget; n++) {
                    SearchIteration it = result.iterations().get(n);
                    if (it.actual() > bestMeasured) {
                        bestMeasured = it.actual();
                        bestKey = Arrays.toString(it.ranks());
                    }
                    curves[s][n] = truth.get(bestKey);
                    // where the default rule (|error| <= 0.5 twice) would have stopped a RankAdaptor search
                    streak = it.kind() == SearchIteration.Kind.SEARCH && it.absoluteError() <= 0.5 ? streak + 1 : 0;
                    if (stoppedAt < 0 && streak >= 2) {
                        stoppedAt = n + 1;
                    }
                    if (n == 11 && truth.get(bestKey) >= threshold5) {
                        inTop++;
                    }
                }
                stops.add(stoppedAt);
                System.out.printf(Locale.ROOT, "%-11s seed %d: best-so-far true ppl %s; pick after 12 %s (true rank %d)%s%n",
                        strategy.label(), searchSeed, Arrays.toString(Arrays.stream(curves[s])
                                .map(x -> Math.round(-x * 1000) / 1000.0).toArray()),
                        bestOf(result, 12), ordered.indexOf(bestOf(result, 12)) + 1,
                        strategy == SearchSettings.Strategy.RANKADAPTOR ? " default rule stops after " + stoppedAt : "");
            }
            YIntervalSeries series = new YIntervalSeries(strategy.label() + " (mean, min-max over " + searchSeeds
                    + " seeds)");
            for (int n = 0; n < budget; n++) {
                double sum = 0;
                double lo = Double.POSITIVE_INFINITY;
                double hi = Double.NEGATIVE_INFINITY;
                for (double[] c : curves) {
                    sum += -c[n];
                    lo = Math.min(lo, -c[n]);
                    hi = Math.max(hi, -c[n]);
                }
                series.add(n + 1, sum / searchSeeds, lo, hi);
            }
            chart.addSeries(series);
            System.out.printf(Locale.ROOT, "%-11s pick in the true top 5%% after 12 fine-tunes: %d of %d seeds%n",
                    strategy.label(), inTop, searchSeeds);
        }
        YIntervalSeries best = new YIntervalSeries("true best configuration");
        YIntervalSeries uni = new YIntervalSeries("uniform r=8");
        for (int n = 1; n <= budget; n++) {
            best.add(n, -truth.get(ordered.get(0)), -truth.get(ordered.get(0)), -truth.get(ordered.get(0)));
            uni.add(n, -truth.get(uniform), -truth.get(uniform), -truth.get(uniform));
        }
        chart.addSeries(best);
        chart.addSeries(uni);
        JFreeChart plot = ChartFactory.createXYLineChart("Best-so-far true perplexity (lower is better), stories260K",
                "fine-tunes (baseline and 4 initial points included)", "true valid ppl of the best-measured pick",
                chart, PlotOrientation.VERTICAL, true, false, false);
        DeviationRenderer renderer = new DeviationRenderer(true, false);
        renderer.setAlpha(0.15f);
        java.awt.Color[] colors = {new java.awt.Color(0xC0392B), new java.awt.Color(0x2E86C1),
                new java.awt.Color(0x27AE60), new java.awt.Color(0x7F8C8D)};
        for (int i = 0; i < colors.length; i++) {
            renderer.setSeriesPaint(i, colors[i]);
            renderer.setSeriesFillPaint(i, colors[i]);
            renderer.setSeriesStroke(i, new java.awt.BasicStroke(i < 2 ? 2.5f : 1.5f));
        }
        plot.getXYPlot().setRenderer(renderer);
        plot.getXYPlot().setBackgroundPaint(java.awt.Color.WHITE);
        plot.getXYPlot().setRangeGridlinePaint(java.awt.Color.LIGHT_GRAY);
        plot.getXYPlot().setDomainGridlinePaint(java.awt.Color.LIGHT_GRAY);
        ((org.jfree.chart.axis.NumberAxis) plot.getXYPlot().getRangeAxis()).setAutoRangeIncludesZero(false);
        Files.createDirectories(png.toAbsolutePath().getParent());
        ChartUtils.saveChartAsPNG(png.toFile(), plot, 900, 520);
        System.out.println("wrote " + measurements + " and " + png);
    }

    private static String bestOf(SearchResult result, int fineTunes) {
        SearchIteration best = result.iterations().get(0);
        for (int i = 0; i < fineTunes; i++) {
            if (result.iterations().get(i).actual() > best.actual()) {
                best = result.iterations().get(i);
            }
        }
        return Arrays.toString(best.ranks());
    }
}
