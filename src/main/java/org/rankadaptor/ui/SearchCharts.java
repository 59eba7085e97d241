package org.rankadaptor.ui;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.DatasetRenderingOrder;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYDifferenceRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.rankadaptor.search.SearchIteration;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.geom.Ellipse2D;

/**
 * Charts of a RankAdaptor search: predicted vs measured score with the y = x line and the +-threshold band, and the
 * prediction error per iteration against the threshold.
 */
public final class SearchCharts {
    public static final String MEASURED = "search iterations";
    public static final String IDENTITY = "y = x";
    public static final String BAND_UPPER = "+threshold";
    public static final String BAND_LOWER = "-threshold";
    public static final String ERROR = "|predicted - actual|";
    public static final String PENDING = "pending (at predicted)";

    private SearchCharts() {
    }

    /**
     * Datasets of the scatter: points, the diagonal and the band, kept in step by {@link #addPoint}, the candidates
     * still being measured, drawn on the diagonal at their predicted score (no measured score yet), and the
     * iteration behind each point (for its tooltip).
     */
    public record ScatterData(XYSeriesCollection points, XYSeriesCollection identity, XYSeriesCollection band,
                              XYSeriesCollection pending, java.util.List<SearchIteration> iterations) {
        public static ScatterData create() {
            XYSeriesCollection points = new XYSeriesCollection(new XYSeries(MEASURED, false, true));
            XYSeriesCollection identity = new XYSeriesCollection(new XYSeries(IDENTITY, true, true));
            XYSeriesCollection band = new XYSeriesCollection();
            band.addSeries(new XYSeries(BAND_UPPER, true, true));
            band.addSeries(new XYSeries(BAND_LOWER, true, true));
            XYSeriesCollection pending = new XYSeriesCollection(new XYSeries(PENDING, false, true));
            return new ScatterData(points, identity, band, pending, new java.util.ArrayList<>());
        }

        /** Replaces the pending marks with these predicted scores (NaN ones, before the model exists, are left out). */
        public void setPending(java.util.List<Double> predicted) {
            XYSeries series = pending.getSeries(0);
            series.clear();
            for (double p : predicted) {
                if (Double.isFinite(p)) {
                    series.add(p, p);
                }
            }
        }

        public int pendingCount() {
            return pending.getSeries(0).getItemCount();
        }

        public void clear() {
            iterations.clear();
            pending.getSeries(0).clear();
            points.getSeries(0).clear();
            identity.getSeries(0).clear();
            band.getSeries(0).clear();
            band.getSeries(1).clear();
        }

        public int pointCount() {
            return points.getSeries(0).getItemCount();
        }

        /** Adds the iteration's (predicted, actual) and stretches the diagonal and the band over every point. */
        public void addPoint(SearchIteration it, double threshold) {
            iterations.add(it);
            addPoint(it.predicted(), it.actual(), threshold);
        }

        /** Adds a (predicted, actual) point that is no search iteration (a held-out check row). */
        public void addPoint(double predicted, double actual, double threshold) {
            XYSeries series = points.getSeries(0);
            series.add(predicted, actual);
            double lo = Math.min(series.getMinX(), series.getMinY());
            double hi = Math.max(series.getMaxX(), series.getMaxY());
            double pad = Math.max((hi - lo) * 0.1, Math.max(threshold, 1e-3));
            lo -= pad;
            hi += pad;
            XYSeries diagonal = identity.getSeries(0);
            diagonal.clear();
            diagonal.add(lo, lo);
            diagonal.add(hi, hi);
            XYSeries upper = band.getSeries(0);
            XYSeries lower = band.getSeries(1);
            upper.clear();
            lower.clear();
            upper.add(lo, lo + threshold);
            upper.add(hi, hi + threshold);
            lower.add(lo, lo - threshold);
            lower.add(hi, hi - threshold);
        }
    }

    public static JFreeChart createScatter(ScatterData data, String scoreName) {
        JFreeChart chart = ChartFactory.createScatterPlot("Predicted vs measured", "Predicted " + scoreName,
                "Measured " + scoreName, data.points(), PlotOrientation.VERTICAL, true, true, false);
        Charts.style(chart);
        XYPlot plot = chart.getXYPlot();
        XYLineAndShapeRenderer points = (XYLineAndShapeRenderer) plot.getRenderer();
        points.setSeriesShape(0, new Ellipse2D.Double(-5, -5, 10, 10));
        points.setSeriesPaint(0, Charts.PALETTE[0]);
        points.setDefaultToolTipGenerator(SweepCharts.tooltips((series, item) -> series == 0
                && item < data.iterations().size() ? data.iterations().get(item) : null));
        XYLineAndShapeRenderer line = new XYLineAndShapeRenderer(true, false);
        line.setSeriesPaint(0, Color.DARK_GRAY);
        line.setSeriesStroke(0, new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[] {6f, 4f}, 0f));
        plot.setDataset(1, data.identity());
        plot.setRenderer(1, line);
        XYDifferenceRenderer band = new XYDifferenceRenderer(new Color(0x2c, 0xa0, 0x2c, 60), new Color(0x2c, 0xa0, 0x2c, 60), false);
        band.setSeriesPaint(0, new Color(0x2c, 0xa0, 0x2c, 120));
        band.setSeriesPaint(1, new Color(0x2c, 0xa0, 0x2c, 120));
        plot.setDataset(2, data.band());
        plot.setRenderer(2, band);
        XYLineAndShapeRenderer pending = new XYLineAndShapeRenderer(false, true);
        pending.setSeriesShape(0, new java.awt.Polygon(new int[] {0, 6, 0, -6}, new int[] {-6, 0, 6, 0}, 4));
        pending.setSeriesShapesFilled(0, false);
        pending.setUseOutlinePaint(false);
        pending.setSeriesPaint(0, Charts.PALETTE[1]);
        pending.setSeriesStroke(0, new BasicStroke(1.5f));
        plot.setDataset(3, data.pending());
        plot.setRenderer(3, pending);
        plot.setDatasetRenderingOrder(DatasetRenderingOrder.FORWARD);
        ((NumberAxis) plot.getDomainAxis()).setAutoRangeIncludesZero(false);
        ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
        return chart;
    }

    public static final String THRESHOLD = "threshold";

    /** Prediction error per measurement, and the threshold as a series so the axis always keeps it in view. */
    public record ErrorData(XYSeriesCollection dataset, java.util.List<SearchIteration> iterations) {
        public static ErrorData create() {
            XYSeriesCollection dataset = new XYSeriesCollection(new XYSeries(ERROR, true, true));
            dataset.addSeries(new XYSeries(THRESHOLD, true, true));
            return new ErrorData(dataset, new java.util.ArrayList<>());
        }

        public XYSeries errors() {
            return dataset.getSeries(0);
        }

        public void add(SearchIteration it, double threshold) {
            iterations.add(it);
            errors().add(it.index() + 1, it.absoluteError());
            setThreshold(threshold);
        }

        /** The threshold line spans the measurements shown (and at least 1..2 before any). */
        public void setThreshold(double threshold) {
            XYSeries line = dataset.getSeries(1);
            line.clear();
            double from = errors().getItemCount() == 0 ? 1 : errors().getMinX();
            double to = errors().getItemCount() == 0 ? 2 : Math.max(from + 1, errors().getMaxX());
            line.add(from, threshold);
            line.add(to, threshold);
        }

        public void clear() {
            iterations.clear();
            errors().clear();
            dataset.getSeries(1).clear();
        }
    }

    public static JFreeChart createConvergence(ErrorData errors) {
        JFreeChart chart = ChartFactory.createXYLineChart("Convergence", "Measurement", "|predicted - measured|",
                errors.dataset(), PlotOrientation.VERTICAL, true, true, false);
        Charts.style(chart);
        XYPlot plot = chart.getXYPlot();
        XYLineAndShapeRenderer renderer = (XYLineAndShapeRenderer) plot.getRenderer();
        renderer.setDefaultShapesVisible(true);
        renderer.setSeriesStroke(0, new BasicStroke(2f));
        renderer.setSeriesShapesVisible(1, false);
        renderer.setSeriesPaint(1, Charts.PALETTE[3]);
        renderer.setSeriesStroke(1, new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f,
                new float[] {6f, 4f}, 0f));
        renderer.setDefaultToolTipGenerator(SweepCharts.tooltips((series, item) -> series == 0
                && item < errors.iterations().size() ? errors.iterations().get(item) : null));
        ((NumberAxis) plot.getDomainAxis()).setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(true);
        return chart;
    }

}
