package org.rankadaptor.ui;

import javafx.scene.Node;
import javafx.scene.layout.VBox;
import javafx.stage.Window;

/**
 * What every screen shares (as the AtlantaFX sampler's AbstractPage does for its pages): the title, the view model
 * the screen presents, and a root column that starts with the title label. A screen builds its parts in its
 * constructor and hands them to {@link #show}.
 *
 * @param <M> the screen's view model
 */
public abstract class AbstractScreen<M> implements WorkbenchScreen {
    /** Final and set before the subclass constructor runs, so the screen's builders can use it directly. */
    protected final M viewModel;
    private final String title;
    private final VBox root = new VBox(10);

    /** The root's id is the title in lower camel case plus "View" ("modelView"), which tests look up. */
    protected AbstractScreen(String title, M viewModel) {
        this.title = title;
        this.viewModel = viewModel;
        root.setId(Character.toLowerCase(title.charAt(0)) + title.substring(1) + "View");
    }

    /** Lays the screen out: the title, then {@code parts} top to bottom. Call once, from the constructor. */
    protected final void show(Node... parts) {
        root.getChildren().add(FormControls.screenTitle(title));
        root.getChildren().addAll(parts);
    }

    /** The window the screen is shown in, as the owner of file choosers. */
    protected final Window window() {
        return root.getScene().getWindow();
    }

    @Override
    public final String title() {
        return title;
    }

    @Override
    public final Node view() {
        return root;
    }

    public final M viewModel() {
        return viewModel;
    }
}
