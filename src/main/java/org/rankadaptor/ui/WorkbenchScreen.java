package org.rankadaptor.ui;

import javafx.scene.Node;

/** One entry of the left navigation and the view it shows in the center. */
public interface WorkbenchScreen {
    /** Navigation label, e.g. "Model". Also the suffix of the nav button's id ("nav-Model"). */
    String title();

    /** The view; built once and kept while the window is open. */
    Node view();

    /** Called once when the window closes: release models or files the screen holds (via the job runner). */
    default void dispose() {
    }
}
