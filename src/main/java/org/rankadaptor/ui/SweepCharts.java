package org.rankadaptor.ui;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.labels.XYToolTipGenerator;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.renderer.xy.XYStepRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.rankadaptor.search.SearchIteration;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.awt.geom.Ellipse2D;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;

/**
 * The sweep dashboard's charts, after Optuna Dashboard and W&B sweeps: the optimisation history (every measured
 * score and the best so far), parallel coordinates of the measured rank vectors coloured by score, and each layer's
 * rank importance. Each has a createDataset and a createChart; tooltips name the iteration, its ranks, and the
 * predicted and measured scores.
 */
public final class SweepCharts {
    public static final String MEASURED = "measured score";
    public static final String BEST_SO_FAR = "best so far";
    public static final String IMPORTANCE = "rank importance";

    private SweepCharts() {
    }

    /** The tooltip of one measured configuration. */
    static String describe(SearchIteration it) {
        return String.format(Locale.ROOT, "measurement %d (%s)%nranks %s%npredicted %s, measured %.4f",
                it.index() + 1, kindLabel(it.kind()), Arrays.toString(it.ranks()),
                Double.isFinite(it.predicted()) ? String.format(Locale.ROOT, "%.4f", it.predicted()) : "- (no model yet)",
                it.actual());
    }

    static String kindLabel(SearchIteration.Kind kind) {
        return switch (kind) {
            case BASELINE -> "uniform baseline";
            case INITIAL -> "initial random sample";
            case SEARCH -> "model-guided";
            case RANDOM -> "random (strategy)";
            case GRID -> "grid point";
        };
    }

    /** Tooltips looked up by (series, item) in the iterations the chart's datasets were filled from. */
    static XYToolTipGenerator tooltips(BiFunction<Integer, Integer, SearchIteration> lookup) {
        return (XYDataset dataset, int series, int item) -> {
            SearchIteration it = lookup.apply(series, item);
            return it == null ? null : describe(it);
        };
    }

    // ---- optimisation history ---------------------------------------------------------------------------------

    /** The optimisation history: one point per measurement (x = 1-based measurement) and the best score so far. */
    public record History(XYSeriesCollection dataset, List<SearchIteration> iterations) {
        public static History createDataset() {
            XYSeriesCollection dataset = new XYSeriesCollection();
            dataset.addSeries(new XYSeries(MEASURED, false, true));
            dataset.addSeries(new XYSeries(BEST_SO_FAR, false, true));
            return new History(dataset, new ArrayList<>());
        }

        public void add(SearchIteration it) {
            XYSeries best = dataset.getSeries(1);
            double previous = best.getItemCount() == 0 ? Double.NEGATIVE_INFINITY
                    : best.getY(best.getItemCount() - 1).doubleValue();
            iterations.add(it);
            dataset.getSeries(0).add(it.index() + 1, it.actual());
            best.add(it.index() + 1, Math.max(previous, it.actual()));
        }

        public void clear() {
            iterations.clear();
            dataset.getSeries(0).clear();
            dataset.getSeries(1).clear();
        }
    }

    public static JFreeChart createHistoryChart(History history, String scoreName) {
        JFreeChart chart = ChartFactory.createScatterPlot("Optimisation history", "Measurement", scoreName,
                history.dataset(), PlotOrientation.VERTICAL, true, true, false);
        Charts.style(chart);
        XYPlot plot = chart.getXYPlot();
        XYLineAndShapeRenderer points = new XYLineAndShapeRenderer(false, true);
        points.setSeriesShape(0, new Ellipse2D.Double(-4, -4, 8, 8));
        points.setSeriesPaint(0, Charts.PALETTE[0]);
        points.setSeriesVisible(1, false);
        points.setDefaultToolTipGenerator(tooltips((series, item) -> series == 0 && item < history.iterations().size()
                ? history.iterations().get(item) : null));
        plot.setRenderer(0, points);
        XYStepRenderer best = new XYStepRenderer();
        best.setSeriesPaint(1, Charts.PALETTE[3]);
        best.setSeriesStroke(1, new BasicStroke(2f));
        best.setSeriesVisible(0, false);
        plot.setDataset(1, history.dataset());
        plot.setRenderer(1, best);
        ((NumberAxis) plot.getDomainAxis()).setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
        // two renderers over one dataset would each list both series: say it in words instead
        chart.removeLegend();
        chart.addSubtitle(new TextTitle("dots: " + MEASURED + " per measurement; red line: " + BEST_SO_FAR,
                new Font(Font.SANS_SERIF, Font.PLAIN, 12)));
        return chart;
    }

    // ---- parallel coordinates ---------------------------------------------------------------------------------

    /** One polyline per measured configuration: x = layer (1-based), y = its rank; coloured by the score. */
    public record Parallel(XYSeriesCollection dataset, List<SearchIteration> iterations) {
        public static Parallel createDataset() {
            return new Parallel(new XYSeriesCollection(), new ArrayList<>());
        }

        public void add(SearchIteration it) {
            iterations.add(it);
            XYSeries line = new XYSeries("#" + (it.index() + 1), false, true);
            int[] ranks = it.ranks();
            for (int layer = 0; layer < ranks.length; layer++) {
                line.add(layer + 1, ranks[layer]);
            }
            dataset.addSeries(line);
        }

        public void clear() {
            iterations.clear();
            dataset.removeAllSeries();
        }

        double[] scoreRange() {
            double lo = iterations.stream().mapToDouble(SearchIteration::actual).min().orElse(0);
            double hi = iterations.stream().mapToDouble(SearchIteration::actual).max().orElse(1);
            return hi > lo ? new double[] {lo, hi} : new double[] {lo, lo + 1};
        }
    }

    public static JFreeChart createParallelChart(Parallel parallel, String scoreName) {
        JFreeChart chart = ChartFactory.createXYLineChart("Measured rank vectors", "Layer (1-based)", "LoRA rank",
                parallel.dataset(), PlotOrientation.VERTICAL, false, true, false);
        Charts.style(chart);
        XYPlot plot = chart.getXYPlot();
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true) {
            @Override
            public Paint getItemPaint(int series, int item) {
                if (series >= parallel.iterations().size()) {
                    return Color.GRAY;
                }
                double[] range = parallel.scoreRange();
                return new ImportanceHeatmap.ViridisScale(range[0], range[1])
                        .getPaint(parallel.iterations().get(series).actual());
            }

            @Override
            public java.awt.Stroke getItemStroke(int series, int item) {
                return new BasicStroke(1.6f);
            }
        };
        renderer.setDefaultShape(new Ellipse2D.Double(-3, -3, 6, 6));
        renderer.setDefaultToolTipGenerator(tooltips((series, item) -> series < parallel.iterations().size()
                ? parallel.iterations().get(series) : null));
        plot.setRenderer(renderer);
        ((NumberAxis) plot.getDomainAxis()).setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        ((NumberAxis) plot.getRangeAxis()).setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        TextTitle legend = new TextTitle("colour = " + scoreName + ": purple low, yellow high",
                new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        chart.addSubtitle(legend);
        return chart;
    }

    // ---- layer importance -------------------------------------------------------------------------------------

    /** One bar per layer (1-based): how much the performance model's prediction moves when that layer's rank is shuffled. */
    public static DefaultCategoryDataset createImportanceDataset(double[] importance) {
        DefaultCategoryDataset dataset = new DefaultCategoryDataset();
        fillImportance(dataset, importance);
        return dataset;
    }

    static void fillImportance(DefaultCategoryDataset dataset, double[] importance) {
        dataset.clear();
        if (importance == null) {
            return;
        }
        for (int layer = 0; layer < importance.length; layer++) {
            dataset.addValue(importance[layer], IMPORTANCE, Integer.toString(layer + 1));
        }
    }

    public static JFreeChart createImportanceChart(DefaultCategoryDataset dataset, String scoreName) {
        JFreeChart chart = ChartFactory.createBarChart("Rank importance per layer", "Layer (1-based)",
                "Mean |change| of predicted " + scoreName, dataset, PlotOrientation.VERTICAL, false, true, false);
        Charts.style(chart);
        chart.addSubtitle(new TextTitle("permutation importance through the performance model",
                new Font(Font.SANS_SERIF, Font.PLAIN, 12)));
        chart.getCategoryPlot().getRenderer().setDefaultToolTipGenerator((data, row, column) -> String.format(
                Locale.ROOT, "layer %s: shuffling its rank moves the prediction by %.4f on average",
                data.getColumnKey(column), data.getValue(row, column).doubleValue()));
        return chart;
    }
}
