package org.rankadaptor.ui;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.data.xy.XYZDataset;

import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.text.DecimalFormat;

/**
 * Heatmap of importance scores, layers (y) by groups (x), both counted from 1: one cell per kv group or MLP channel,
 * coloured by score with a legend; hovering a cell shows its layer, group and score. Groups the plan will remove
 * (the lowest-scoring ones of each pruned layer, as the pruner picks them) carry a white cross.
 */
public final class ImportanceHeatmap {
    public static final String SERIES = "importance";
    public static final String REMOVED = "removed by the plan";

    private ImportanceHeatmap() {
    }

    /** One item per (layer, group): x = group, y = layer (1-based), z = score. */
    public static XYZDataset createDataset(double[][] scores) {
        int cells = 0;
        for (double[] layer : scores) {
            cells += layer.length;
        }
        double[] x = new double[cells];
        double[] y = new double[cells];
        double[] z = new double[cells];
        int i = 0;
        for (int layer = 0; layer < scores.length; layer++) {
            for (int group = 0; group < scores[layer].length; group++) {
                x[i] = group + 1;
                y[i] = layer + 1;
                z[i] = scores[layer][group];
                i++;
            }
        }
        DefaultXYZDataset dataset = new DefaultXYZDataset();
        dataset.addSeries(SERIES, new double[][] {x, y, z});
        return dataset;
    }

    /**
     * The cells the pruner removes: in each layer, every group outside the {@code kept[layer]} highest scores
     * (ties to the lower index, as {@code StructuredPruner}); x and y 1-based like {@link #createDataset}.
     */
    public static org.jfree.data.xy.XYSeriesCollection removedCells(double[][] scores, int[] kept) {
        org.jfree.data.xy.XYSeries cells = new org.jfree.data.xy.XYSeries(REMOVED, false, true);
        for (int layer = 0; layer < scores.length && layer < kept.length; layer++) {
            double[] layerScores = scores[layer];
            java.util.Set<Integer> keep = new java.util.HashSet<>();
            java.util.stream.IntStream.range(0, layerScores.length).boxed()
                    .sorted(java.util.Comparator.comparingDouble((Integer g) -> -layerScores[g]).thenComparingInt(g -> g))
                    .limit(kept[layer]).forEach(keep::add);
            for (int g = 0; g < layerScores.length; g++) {
                if (!keep.contains(g)) {
                    cells.add(g + 1, layer + 1);
                }
            }
        }
        return new org.jfree.data.xy.XYSeriesCollection(cells);
    }

    /** Plain decimals with 4 significant digits (0.0001234, 12.35), never "1.234E-4". */
    static String plain(double value) {
        if (!Double.isFinite(value) || value == 0) {
            return Double.isFinite(value) ? "0" : Double.toString(value);
        }
        return new java.math.BigDecimal(value).round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString();
    }

    public static JFreeChart createChart(XYZDataset dataset, String title, String groupLabel,
                                         org.jfree.data.xy.XYDataset removed) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        int maxGroup = 0;
        int layers = 0;
        for (int i = 0; i < dataset.getItemCount(0); i++) {
            double z = dataset.getZValue(0, i);
            if (Double.isFinite(z)) {
                min = Math.min(min, z);
                max = Math.max(max, z);
            }
            maxGroup = Math.max(maxGroup, (int) dataset.getXValue(0, i));
            layers = Math.max(layers, (int) dataset.getYValue(0, i));
        }
        if (!(max > min)) {
            min = Double.isFinite(min) ? min : 0;
            max = min + 1;
        }
        NumberAxis groups = new NumberAxis(groupLabel);
        groups.setRange(0.5, maxGroup + 0.5);
        groups.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        groups.setLowerMargin(0);
        groups.setUpperMargin(0);
        NumberAxis layerAxis = new NumberAxis("Layer");
        layerAxis.setRange(0.5, layers + 0.5);
        layerAxis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        layerAxis.setInverted(true); // layer 1 on top, as the model reads

        XYBlockRenderer renderer = new XYBlockRenderer();
        PaintScale scale = new ViridisScale(min, max);
        renderer.setPaintScale(scale);
        String what = groupLabel.toLowerCase(java.util.Locale.ROOT);
        renderer.setDefaultToolTipGenerator((data, series, item) -> "layer " + (int) data.getYValue(series, item)
                + ", " + what + " " + (int) data.getXValue(series, item) + ": score "
                + plain(((XYZDataset) data).getZValue(series, item)));
        XYPlot plot = new XYPlot(dataset, groups, layerAxis, renderer);
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinesVisible(false);
        if (removed != null) {
            org.jfree.chart.renderer.xy.XYLineAndShapeRenderer marks =
                    new org.jfree.chart.renderer.xy.XYLineAndShapeRenderer(false, true);
            marks.setSeriesShape(0, org.jfree.chart.util.ShapeUtils.createDiagonalCross(4, 0.8f));
            marks.setSeriesPaint(0, Color.WHITE);
            marks.setDefaultToolTipGenerator((data, series, item) -> "layer " + (int) data.getYValue(series, item)
                    + ", " + what + " " + (int) data.getXValue(series, item) + ": removed by the plan");
            plot.setDataset(1, removed);
            plot.setRenderer(1, marks);
            plot.setDatasetRenderingOrder(org.jfree.chart.plot.DatasetRenderingOrder.FORWARD);
        }
        JFreeChart chart = new JFreeChart(title, plot);
        chart.removeLegend();
        Charts.style(chart);
        plot.setBackgroundPaint(Color.LIGHT_GRAY);

        NumberAxis legendAxis = new NumberAxis("score");
        legendAxis.setNumberFormatOverride(max < 1e-2 || max >= 1e4 ? new DecimalFormat("0.##E0") : new DecimalFormat("0.###"));
        legendAxis.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        legendAxis.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        legendAxis.setRange(min, max);
        PaintScaleLegend legend = new PaintScaleLegend(scale, legendAxis);
        legend.setPosition(RectangleEdge.RIGHT);
        legend.setAxisLocation(AxisLocation.BOTTOM_OR_RIGHT);
        legend.setMargin(new RectangleInsets(6, 6, 6, 6));
        legend.setStripWidth(14);
        legend.setBackgroundPaint(Color.WHITE);
        chart.addSubtitle(legend);
        return chart;
    }

    /** Perceptually even blue-green-yellow colours (viridis anchors), low to high. */
    static final class ViridisScale implements PaintScale {
        private static final Color[] ANCHORS = {
            new Color(0x44, 0x01, 0x54), new Color(0x3b, 0x52, 0x8b), new Color(0x21, 0x91, 0x8c),
            new Color(0x5e, 0xc9, 0x62), new Color(0xfd, 0xe7, 0x25)
        };
        private final double lower;
        private final double upper;

        ViridisScale(double lower, double upper) {
            this.lower = lower;
            this.upper = upper;
        }

        @Override
        public double getLowerBound() {
            return lower;
        }

        @Override
        public double getUpperBound() {
            return upper;
        }

        @Override
        public Paint getPaint(double value) {
            double t = Double.isFinite(value) ? (value - lower) / (upper - lower) : 0;
            t = Math.max(0, Math.min(1, t)) * (ANCHORS.length - 1);
            int i = Math.min(ANCHORS.length - 2, (int) t);
            double f = t - i;
            Color a = ANCHORS[i];
            Color b = ANCHORS[i + 1];
            return new Color((int) Math.round(a.getRed() + f * (b.getRed() - a.getRed())),
                    (int) Math.round(a.getGreen() + f * (b.getGreen() - a.getGreen())),
                    (int) Math.round(a.getBlue() + f * (b.getBlue() - a.getBlue())));
        }
    }
}
