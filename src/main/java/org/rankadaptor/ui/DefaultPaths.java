package org.rankadaptor.ui;

import javafx.beans.property.StringProperty;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where form fields start: files in the shared data folder ($RANKADAPTOR_DATA) and outputs in the workspace. */
final class DefaultPaths {
    private DefaultPaths() {
    }

    /** {@code $RANKADAPTOR_DATA/relative} when it exists, else "" (the user picks a file). */
    static String sharedData(String relative) {
        String data = System.getenv("RANKADAPTOR_DATA");
        if (data == null || data.isBlank()) {
            return "";
        }
        Path path = Path.of(data).resolve(relative);
        return Files.exists(path) ? path.toString() : "";
    }

    /** {@code WORKSPACE/kind/name}: outputs live beside the store that records them. */
    static String output(WorkbenchContext context, String kind, String name) {
        Path base = context.store().orNull() != null ? context.store().orNull().directory()
                : Path.of(System.getProperty("user.home"), ".rankadaptor");
        return base.resolve(kind).resolve(name).toString();
    }

    /** Keeps {@code outputDir} at {@code WORKSPACE/kind/<model name><suffix>} for whichever model is open. */
    static void followOpenModel(WorkbenchContext context, StringProperty outputDir, String kind, String suffix) {
        context.state().currentModelProperty().addListener((obs, old, model) -> outputFor(context, model, outputDir,
                kind, suffix));
        outputFor(context, context.state().getCurrentModel(), outputDir, kind, suffix);
    }

    /** The model open on the Model screen; without one, says to open {@code what} there first. */
    static LoadedModel openModel(WorkbenchContext context, String what) {
        LoadedModel model = context.state().getCurrentModel();
        if (model == null) {
            throw new IllegalArgumentException("open " + what + " on the Model screen first");
        }
        return model;
    }

    private static void outputFor(WorkbenchContext context, LoadedModel model, StringProperty outputDir, String kind,
                                  String suffix) {
        if (model != null) {
            outputDir.set(output(context, kind, model.dir().getFileName() + suffix));
        }
    }
}
