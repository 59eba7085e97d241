package org.rankadaptor.ui;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.category.CategoryDataset;
import org.jfree.data.category.DefaultCategoryDataset;
import org.rankadaptor.model.LayerDims;
import org.rankadaptor.model.LlamaConfig;

import java.text.DecimalFormat;
import java.util.List;

/** Per layer, the fraction of attention groups and MLP channels a pruning plan keeps (1 = untouched). */
public final class KeptFractionChart {
    public static final String ATTENTION = "attention groups kept";
    public static final String MLP = "MLP channels kept";

    private KeptFractionChart() {
    }

    /** Columns are 1-based layers; {@code pruned} are the plan's per-layer dims for {@code config}. */
    public static CategoryDataset createDataset(LlamaConfig config, List<LayerDims> pruned) {
        DefaultCategoryDataset dataset = new DefaultCategoryDataset();
        for (int i = 0; i < config.numLayers(); i++) {
            LayerDims before = config.layer(i);
            LayerDims after = pruned.get(i);
            String column = Integer.toString(i + 1);
            dataset.addValue(after.numKvHeads() / (double) before.numKvHeads(), ATTENTION, column);
            dataset.addValue(after.intermediateSize() / (double) before.intermediateSize(), MLP, column);
        }
        return dataset;
    }

    public static JFreeChart createChart(CategoryDataset dataset) {
        JFreeChart chart = ChartFactory.createBarChart("Kept fraction per layer", "Layer (1-based)", "Kept",
                dataset, PlotOrientation.VERTICAL, true, true, false);
        Charts.style(chart);
        NumberAxis range = (NumberAxis) chart.getCategoryPlot().getRangeAxis();
        range.setRange(0, 1.05);
        range.setNumberFormatOverride(new DecimalFormat("0%"));
        return chart;
    }
}
