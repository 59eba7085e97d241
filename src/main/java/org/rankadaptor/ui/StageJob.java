package org.rankadaptor.ui;

import org.rankadaptor.stage.StageContext;

/** A long stage call run by {@link JobRunner} on its background thread. */
@FunctionalInterface
public interface StageJob<T> {
    T run(StageContext context) throws Exception;
}
