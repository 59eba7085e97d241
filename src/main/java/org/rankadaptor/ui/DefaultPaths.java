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
        follow(outputDir, () -> {
            LoadedModel model = context.state().getCurrentModel();
            return model == null ? null : output(context, kind, model.dir().getFileName() + suffix);
        }, context.state().currentModelProperty());
    }

    /**
     * Keeps {@code outputDir} at {@code proposal} as its {@code dependencies} change (another model, another method),
     * unless the user typed or chose a folder of their own: a field still showing the previous proposal, or empty,
     * follows. The listeners sit on the dependencies themselves (a binding held by nobody would be collected).
     */
    static void follow(StringProperty outputDir, java.util.function.Supplier<String> proposal,
                       javafx.beans.Observable... dependencies) {
        String[] previous = {proposal.get()};
        javafx.beans.InvalidationListener update = obs -> {
            String next = proposal.get();
            String current = outputDir.get();
            if (next != null && (current == null || current.isBlank() || current.equals(previous[0]))) {
                outputDir.set(next);
            }
            previous[0] = next;
        };
        for (javafx.beans.Observable dependency : dependencies) {
            dependency.addListener(update);
        }
        if (previous[0] != null && (outputDir.get() == null || outputDir.get().isBlank())) {
            outputDir.set(previous[0]);
        }
    }

    /** The model open on the Model screen; without one, says to open {@code what} there first. */
    static LoadedModel openModel(WorkbenchContext context, String what) {
        LoadedModel model = context.state().getCurrentModel();
        if (model == null) {
            throw new IllegalArgumentException("open " + what + " on the Model screen first");
        }
        return model;
    }

}
