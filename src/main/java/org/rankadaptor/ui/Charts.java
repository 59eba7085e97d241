package org.rankadaptor.ui;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;

import java.awt.Color;
import java.awt.Font;

/** Shared look of JFreeChart charts: readable fonts, white background, flat bars, a fixed palette. */
public final class Charts {
    public static final Color[] PALETTE = {
        new Color(0x1f, 0x77, 0xb4), new Color(0xff, 0x7f, 0x0e), new Color(0x2c, 0xa0, 0x2c),
        new Color(0xd6, 0x27, 0x28), new Color(0x94, 0x67, 0xbd), new Color(0x8c, 0x56, 0x4b)
    };
    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 16);
    private static final Font LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
    private static final Font TICK = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    private static final Font LEGEND = new Font(Font.SANS_SERIF, Font.PLAIN, 13);

    private Charts() {
    }

    /**
     * Draws a small chart into an image. JFreeChart measures text with AWT fonts, whose one-time initialisation
     * (fontconfig, glyph caches) takes about half a second; run this on the job thread at startup so that cost does
     * not land on the FX thread with the first real chart.
     */
    public static void warmUp() {
        org.jfree.data.category.DefaultCategoryDataset dataset = new org.jfree.data.category.DefaultCategoryDataset();
        dataset.addValue(1, "series", "0");
        JFreeChart chart = style(org.jfree.chart.ChartFactory.createStackedBarChart("warm-up", "x", "y", dataset));
        chart.createBufferedImage(320, 240);
    }

    public static JFreeChart style(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        if (chart.getTitle() != null) {
            chart.getTitle().setFont(TITLE);
        }
        if (chart.getLegend() != null) {
            chart.getLegend().setItemFont(LEGEND);
        }
        Plot plot = chart.getPlot();
        plot.setBackgroundPaint(Color.WHITE);
        if (plot instanceof CategoryPlot category) {
            category.setRangeGridlinePaint(new Color(0xcc, 0xcc, 0xcc));
            styleAxis(category.getDomainAxis());
            styleAxis(category.getRangeAxis());
            if (category.getRenderer() instanceof BarRenderer bars) {
                bars.setBarPainter(new StandardBarPainter());
                bars.setShadowVisible(false);
                for (int i = 0; i < PALETTE.length; i++) {
                    bars.setSeriesPaint(i, PALETTE[i]);
                }
            }
        } else if (plot instanceof XYPlot xy) {
            xy.setRangeGridlinePaint(new Color(0xcc, 0xcc, 0xcc));
            xy.setDomainGridlinePaint(new Color(0xcc, 0xcc, 0xcc));
            styleAxis(xy.getDomainAxis());
            styleAxis(xy.getRangeAxis());
            for (int i = 0; i < PALETTE.length; i++) {
                xy.getRenderer().setSeriesPaint(i, PALETTE[i]);
            }
        }
        return chart;
    }

    private static void styleAxis(CategoryAxis axis) {
        axis.setLabelFont(LABEL);
        axis.setTickLabelFont(TICK);
    }

    private static void styleAxis(ValueAxis axis) {
        axis.setLabelFont(LABEL);
        axis.setTickLabelFont(TICK);
    }
}
