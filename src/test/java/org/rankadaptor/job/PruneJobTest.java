package org.rankadaptor.job;

import org.rankadaptor.stage.StageContext;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rankadaptor.model.CheckpointLoader;
import org.rankadaptor.model.LlamaConfig;
import org.rankadaptor.model.RandomCheckpoint;
import org.rankadaptor.model.TensorDType;
import org.rankadaptor.prune.Estimator;
import org.rankadaptor.prune.LayerRange;
import org.rankadaptor.prune.PrunePlan;
import org.rankadaptor.store.PruningRun;
import org.rankadaptor.store.RunStatus;
import org.rankadaptor.store.Workspace;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PruneJobTest {
    @TempDir
    Path tmp;

    @Test
    void pruneIsRecordedWithItsOutputModel() {
        Path model = tmp.resolve("model");
        RandomCheckpoint.write(model, LlamaConfig.uniform(32, 3, 8, 4, 48, 64, true), 1, TensorDType.F32);
        PrunePlan plan = new PrunePlan(List.of(new LayerRange(0, 1, 0.5, 0.25)), Estimator.L2, 1, 0);
        try (Workspace ws = Workspace.open(tmp.resolve("ws"))) {
            PruneJob.Outcome outcome = PruneJob.run(new PruneRequest(model, plan, null, null, 0, tmp.resolve("out")),
                    StageContext.none(), Recording.to(ws));
            PruningRun run = ws.pruningRuns().get(outcome.pruningRunId());
            assertEquals(RunStatus.DONE, run.status());
            assertEquals(outcome.outputModelId(), run.outputModelId());
            assertEquals(CheckpointLoader.readConfig(tmp.resolve("out")).totalParameters(), run.paramsAfter());
            assertNotNull(run.importanceJson());
            assertTrue(run.paramsAfter() < run.paramsBefore());
        }
    }

    @Test
    void aFailingPruneIsStoredAsFailedWithItsMessage() {
        Path model = tmp.resolve("model");
        RandomCheckpoint.write(model, LlamaConfig.uniform(32, 3, 8, 4, 48, 64, true), 1, TensorDType.F32);
        PrunePlan plan = new PrunePlan(List.of(new LayerRange(0, 1, 0.5, 0.25)), Estimator.TAYLOR_ELEMENT1, 1, 0);
        try (Workspace ws = Workspace.open(tmp.resolve("ws"))) {
            RuntimeException e = assertThrows(RuntimeException.class, () -> PruneJob.run(
                    new PruneRequest(model, plan, null, null, 0, tmp.resolve("out")), StageContext.none(), Recording.to(ws)));
            PruningRun run = ws.pruningRuns().list().get(0);
            assertEquals(RunStatus.FAILED, run.status());
            assertEquals(e.getMessage(), run.error());
        }
    }
}
