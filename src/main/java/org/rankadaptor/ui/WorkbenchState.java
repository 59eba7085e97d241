package org.rankadaptor.ui;

import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleObjectProperty;
import org.rankadaptor.model.Placement;

/**
 * State shared by all screens: the model opened on the Model screen (Prune, Recover, Search and Compare start from
 * it) and the device that models opened and jobs started from now on use. Changed on the FX thread only.
 */
public final class WorkbenchState {
    private final JobRunner jobs;
    private final ReadOnlyObjectWrapper<LoadedModel> currentModel = new ReadOnlyObjectWrapper<>(this, "currentModel");
    private final ObjectProperty<Placement> placement = new SimpleObjectProperty<>(this, "placement", Placement.cpu());

    public WorkbenchState(JobRunner jobs) {
        this.jobs = jobs;
    }

    /** Device and weight precision for models opened and jobs started from now on (the status bar's choice). */
    public ObjectProperty<Placement> placementProperty() {
        return placement;
    }

    public Placement getPlacement() {
        return placement.get();
    }

    /** The open model, or null before one is opened. */
    public ReadOnlyObjectProperty<LoadedModel> currentModelProperty() {
        return currentModel.getReadOnlyProperty();
    }

    public LoadedModel getCurrentModel() {
        return currentModel.get();
    }

    /**
     * Makes {@code next} the open model. The previous one is closed on the job thread after the jobs already
     * queued, because they may still be using it.
     */
    public void replaceCurrentModel(LoadedModel next) {
        JobRunner.requireFxThread("change the open model");
        LoadedModel previous = currentModel.get();
        currentModel.set(next);
        if (previous != null && previous != next) {
            jobs.runAfterQueuedJobs("close " + previous.dir(), previous::close);
        }
    }

    /** Closes the open model after queued jobs; used when the window closes. */
    public void closeCurrentModel() {
        replaceCurrentModel(null);
    }
}
