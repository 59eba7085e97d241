package org.rankadaptor.ui;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.category.CategoryDataset;
import org.jfree.data.category.DefaultCategoryDataset;

import java.text.DecimalFormat;

/** Stacked bars of each decoder layer's parameters: attention, MLP, norms. Pruned layers show up as shorter bars. */
public final class LayerParameterChart {
    public static final String ATTENTION = "attention (q, k, v, o)";
    public static final String MLP = "MLP (gate, up, down)";
    public static final String NORMS = "norms";

    private LayerParameterChart() {
    }

    public static CategoryDataset createDataset(ModelOverview summary) {
        DefaultCategoryDataset dataset = new DefaultCategoryDataset();
        for (ModelOverview.LayerParameters layer : summary.layerParameters()) {
            String column = Integer.toString(layer.layer() + 1); // layers are shown 1-based everywhere
            dataset.addValue(layer.attention(), ATTENTION, column);
            dataset.addValue(layer.mlp(), MLP, column);
            dataset.addValue(layer.norms(), NORMS, column);
        }
        return dataset;
    }

    public static JFreeChart createChart(CategoryDataset dataset) {
        JFreeChart chart = ChartFactory.createStackedBarChart("Parameters per decoder layer", "Layer (1-based)",
                "Parameters", dataset, PlotOrientation.VERTICAL, true, true, false);
        Charts.style(chart);
        NumberAxis range = (NumberAxis) chart.getCategoryPlot().getRangeAxis();
        range.setNumberFormatOverride(new DecimalFormat("#,##0"));
        return chart;
    }
}
