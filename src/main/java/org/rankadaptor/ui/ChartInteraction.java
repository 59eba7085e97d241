package org.rankadaptor.ui;

import javafx.scene.input.MouseButton;
import org.jfree.chart.fx.ChartViewer;
import org.jfree.chart.fx.interaction.MouseHandlerFX;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.XYPlot;

/** How the screens' charts react to the mouse: the wheel scrolls the page, a double-click undoes a zoom. */
final class ChartInteraction {
    /** JFreeChart's id of the wheel-zoom handler of a chart canvas. */
    private static final String WHEEL_ZOOM = "scroll";

    private ChartInteraction() {
    }

    /**
     * Removes the wheel zoom, so the wheel over a chart scrolls the screen like everywhere else, and restores the
     * automatic axis ranges on a double-click (after a drag zoom). Charts with fixed axis ranges pass their own reset.
     */
    static void scrollPageNotChart(ChartViewer viewer) {
        scrollPageNotChart(viewer, () -> restoreAutoRanges(viewer));
    }

    static void scrollPageNotChart(ChartViewer viewer, Runnable resetZoom) {
        MouseHandlerFX wheel = viewer.getCanvas().getMouseHandler(WHEEL_ZOOM);
        if (wheel != null) {
            viewer.getCanvas().removeAuxiliaryMouseHandler(wheel);
        }
        viewer.getCanvas().addEventHandler(javafx.scene.input.MouseEvent.MOUSE_CLICKED, e -> {
            if (e.getButton() == MouseButton.PRIMARY && e.getClickCount() == 2) {
                resetZoom.run();
            }
        });
    }

    private static void restoreAutoRanges(ChartViewer viewer) {
        if (viewer.getChart() == null) {
            return;
        }
        if (viewer.getChart().getPlot() instanceof XYPlot xy) {
            xy.getDomainAxis().setAutoRange(true);
            xy.getRangeAxis().setAutoRange(true);
        } else if (viewer.getChart().getPlot() instanceof CategoryPlot category) {
            category.getRangeAxis().setAutoRange(true);
        }
    }
}
