package org.rankadaptor.ui;

import org.rankadaptor.model.Placement;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.ObjectBinding;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.concurrent.Task;
import javafx.concurrent.WorkerStateEvent;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/** State and actions of the Model screen. FX thread only; loading runs as a job. */
public final class ModelViewModel {
    private final WorkbenchContext context;
    private final StringProperty pathText = new SimpleStringProperty(this, "pathText", "");
    private final ReadOnlyBooleanWrapper loading = new ReadOnlyBooleanWrapper(this, "loading");
    private final ReadOnlyStringWrapper loadError = new ReadOnlyStringWrapper(this, "loadError", "");
    private final ObservableList<Path> recent = FXCollections.observableArrayList();
    private final ObjectBinding<ModelOverview> summary;

    public ModelViewModel(WorkbenchContext context) {
        this.context = context;
        this.summary = Bindings.createObjectBinding(() -> {
            LoadedModel model = context.state().getCurrentModel();
            return model == null ? null : model.summary();
        }, context.state().currentModelProperty());
        recent.setAll(context.recentModels().list());
        // the store's models join the list once the workspace is open
        context.store().workspaceProperty().addListener((obs, old, ws) -> refreshRecent());
    }

    /** Re-reads the recent list (opened directories, then the store's models). */
    public void refreshRecent() {
        recent.setAll(context.recentModels().list());
    }

    /** Opens the directory typed in the path field. */
    public void openTypedPath() {
        String text = pathText.get() == null ? "" : pathText.get().trim();
        if (text.isEmpty()) {
            loadError.set("Enter a checkpoint directory (a folder with config.json and model.safetensors).");
            return;
        }
        Path dir;
        try {
            dir = Path.of(text);
        } catch (InvalidPathException e) {
            loadError.set("Not a valid path: " + text);
            return;
        }
        open(dir);
    }

    /** Loads {@code dir} in a background job and makes it the open model on success. */
    public Task<LoadedModel> open(Path dir) {
        pathText.set(dir.toString());
        loadError.set("");
        loading.set(true);
        Placement placement = context.state().getPlacement();
        Task<LoadedModel> task = context.jobs().submit("Open " + dir.getFileName() + " (" + placement + ")",
                jobContext -> LoadedModel.load(dir, placement, jobContext),
                loaded -> {
                    context.state().replaceCurrentModel(loaded);
                    context.recentModels().add(loaded.dir());
                    refreshRecent();
                    loaded.tokenizerProblem().ifPresent(problem ->
                            context.log().append("no tokenizer, generation unavailable: " + problem));
                });
        task.addEventHandler(WorkerStateEvent.WORKER_STATE_FAILED,
                e -> loadError.set(ErrorMessages.describe(task.getException())));
        task.addEventHandler(WorkerStateEvent.ANY, e -> loading.set(!task.isDone()));
        return task;
    }

    public StringProperty pathTextProperty() {
        return pathText;
    }

    public ReadOnlyBooleanProperty loadingProperty() {
        return loading.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty loadErrorProperty() {
        return loadError.getReadOnlyProperty();
    }

    /** Summary of the open model, or null. */
    public ObjectBinding<ModelOverview> summary() {
        return summary;
    }

    public ObservableList<Path> recent() {
        return recent;
    }
}
