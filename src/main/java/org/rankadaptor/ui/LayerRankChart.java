package org.rankadaptor.ui;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.category.DefaultCategoryDataset;
import org.rankadaptor.lora.ModuleRef;

import java.util.Map;

/** LoRA rank per decoder layer as bars, one series per plan (e.g. planned vs final, or two runs side by side). */
public final class LayerRankChart {
    private LayerRankChart() {
    }

    /** Adds {@code ranks} (one per layer, 0-based) as series {@code name}; columns are 1-based layers. */
    public static void addSeries(DefaultCategoryDataset dataset, String name, double[] ranks) {
        for (int layer = 0; layer < ranks.length; layer++) {
            dataset.addValue(ranks[layer], name, Integer.toString(layer + 1));
        }
    }

    public static DefaultCategoryDataset createDataset(String name, double[] ranks) {
        DefaultCategoryDataset dataset = new DefaultCategoryDataset();
        addSeries(dataset, name, ranks);
        return dataset;
    }

    /** Mean rank over each layer's adapted modules ("model.layers.3.self_attn.q_proj" -> layer 3); 0 when none. */
    public static double[] meanPerLayer(Map<String, Integer> moduleRanks, int numLayers) {
        double[] sum = new double[numLayers];
        int[] count = new int[numLayers];
        for (Map.Entry<String, Integer> e : moduleRanks.entrySet()) {
            int layer = ModuleRef.parse(e.getKey()).layer();
            if (layer < numLayers) {
                sum[layer] += e.getValue();
                count[layer]++;
            }
        }
        for (int i = 0; i < numLayers; i++) {
            sum[i] = count[i] == 0 ? 0 : sum[i] / count[i];
        }
        return sum;
    }

    public static double[] toDoubles(int[] ranks) {
        double[] out = new double[ranks.length];
        for (int i = 0; i < ranks.length; i++) {
            out[i] = ranks[i];
        }
        return out;
    }

    public static JFreeChart createChart(DefaultCategoryDataset dataset, String title) {
        JFreeChart chart = ChartFactory.createBarChart(title, "Layer (1-based)", "LoRA rank", dataset,
                PlotOrientation.VERTICAL, true, true, false);
        Charts.style(chart);
        NumberAxis range = (NumberAxis) chart.getCategoryPlot().getRangeAxis();
        range.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        return chart;
    }
}
