package org.rankadaptor.job;

import org.rankadaptor.stage.StageContext;
import org.rankadaptor.stage.CancelledException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rankadaptor.TestData;
import org.rankadaptor.lora.AdamW;
import org.rankadaptor.lora.FinetuneMethod;
import org.rankadaptor.lora.FinetuneRequest;
import org.rankadaptor.lora.LoraSettings;
import org.rankadaptor.lora.PeftAdapter;
import org.rankadaptor.lora.RankChoice;
import org.rankadaptor.lora.RunLength;
import org.rankadaptor.lora.TrainingData;
import org.rankadaptor.lora.TrainingListener;
import org.rankadaptor.lora.TrainingSettings;
import org.rankadaptor.lora.ValidationSplit;
import org.rankadaptor.model.CheckpointLoader;
import org.rankadaptor.model.LlamaModel;
import org.rankadaptor.prune.Estimator;
import org.rankadaptor.prune.LayerRange;
import org.rankadaptor.prune.PrunePlan;
import org.rankadaptor.search.BudgetConstraint;
import org.rankadaptor.search.SearchIteration;
import org.rankadaptor.search.SearchSettings;
import org.rankadaptor.store.RecoveryRun;
import org.rankadaptor.store.RunStatus;
import org.rankadaptor.store.Workspace;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Recovery and RankAdaptor search on stories260K pruned in layers 1-3, recorded in a workspace. */
class RecoveryAndSearchJobTest {
    @TempDir
    Path tmp;

    private Path pruned(Workspace ws) {
        PrunePlan plan = new PrunePlan(List.of(new LayerRange(0, 2, 0.3, 0.3)), Estimator.L2, 1, 0);
        Path out = tmp.resolve("pruned");
        PruneJob.run(new PruneRequest(TestData.stories260K(), plan, null, null, 0, out), StageContext.none(), Recording.to(ws));
        return out;
    }

    @Test
    void loraRunIsRecordedWithItsCurveAndAReloadableAdapter() {
        try (Workspace ws = Workspace.open(tmp.resolve("ws"))) {
            Path model = pruned(ws);
            TrainingSettings training = new TrainingSettings(1e-3, 1, AdamW.Settings.defaults(), 4, 4, RunLength.steps(3), 0, 0, 7);
            FinetuneRequest request = new FinetuneRequest(model, TestData.path("text/tinystories-gen/train.jsonl"),
                    TrainingData.LossTokens.ALL, FinetuneMethod.LORA, RankChoice.uniform(8), LoraSettings.defaults(),
                    training, ValidationSplit.rows(4), 64, tmp.resolve("adapter"));
            FinetuneJob.Outcome outcome = FinetuneJob.run(request, StageContext.none(), Recording.to(ws), TrainingListener.NONE);
            RecoveryRun run = ws.recoveryRuns().get(outcome.recoveryRunId());
            assertEquals(RunStatus.DONE, run.status());
            assertEquals(3, ws.recoveryRuns().curve(run.id()).size());
            assertEquals(request.trainableParameters(CheckpointLoader.readConfig(model)), outcome.trainableParameters());
            assertTrue(run.pruningRunId() != null, "the run knows which pruning produced its model");
            try (LlamaModel loaded = CheckpointLoader.load(model)) {
                assertEquals(outcome.trainableParameters(), PeftAdapter.load(outcome.adapterDir(), loaded).trainableParameters());
            }
        }
    }

    @Test
    void aResumedFineTuneContinuesTheCancelledRunInTheSameRow() {
        try (Workspace ws = Workspace.open(tmp.resolve("ws"))) {
            Path model = pruned(ws);
            TrainingSettings training = new TrainingSettings(1e-3, 1, AdamW.Settings.defaults(), 4, 4, RunLength.steps(4),
                    0, 1, 7);
            Path out = tmp.resolve("resumable");
            FinetuneRequest request = new FinetuneRequest(model, TestData.path("text/tinystories-gen/train.jsonl"),
                    TrainingData.LossTokens.ALL, FinetuneMethod.LORA, RankChoice.uniform(4), LoraSettings.defaults(),
                    training, ValidationSplit.rows(4), 64, out);
            AtomicInteger steps = new AtomicInteger();
            StageContext stopAfterTwo = new StageContext((step, done, total, message) -> {
                if ("finetune".equals(step) && total > 0) {
                    steps.set((int) done);
                }
            }, () -> steps.get() >= 2);
            assertThrows(CancelledException.class,
                    () -> FinetuneJob.run(request, stopAfterTwo, Recording.to(ws), TrainingListener.NONE));
            RecoveryRun cancelled = ws.recoveryRuns().list().stream()
                    .filter(r -> r.status() == RunStatus.CANCELLED).findFirst().orElseThrow();
            FinetuneRequest resume = new FinetuneRequest(model, request.dataFile(), request.lossTokens(),
                    request.method(), request.ranks(), request.lora(), request.adalora(), training, request.validation(),
                    64, out, out.resolve(FinetuneRequest.CHECKPOINT_DIR));
            FinetuneJob.Outcome outcome = FinetuneJob.run(resume, StageContext.none(), Recording.to(ws),
                    TrainingListener.NONE);
            assertEquals(cancelled.id(), outcome.recoveryRunId(), "the resume continues the cancelled row");
            assertEquals(RunStatus.DONE, ws.recoveryRuns().get(cancelled.id()).status());
            assertEquals(4, ws.recoveryRuns().curve(cancelled.id()).size());
            assertEquals(1, ws.recoveryRuns().list().size());
        }
    }

    @Test
    void searchCancelledDuringAFineTuneResumesWithoutLosingIterations() {
        try (Workspace ws = Workspace.open(tmp.resolve("ws"))) {
            Path model = pruned(ws);
            SearchRequest request = new SearchRequest(model, TestData.path("text/tinystories-gen/train.jsonl"),
                    TrainingData.LossTokens.ALL, SearchObjective.parse("ppl:" + TestData.path("text/tinystories-gen/valid.jsonl")),
                    TestData.path("tasks"), new Fidelity(2, 4, 4, 16, 1, 1e-3, 1, 64),
                    new SearchSettings(1, 500, 4, 0.0, 2, SearchSettings.Acquisition.GREEDY, 1.0, 2, 3),
                    new int[] {2, 4, 8}, 8, BudgetConstraint.none(), LoraSettings.defaults(), List.of(), List.of(),
                    tmp.resolve("search-out"));
            List<SearchIteration> seen = new ArrayList<>();
            AtomicInteger recorded = new AtomicInteger();
            StageContext cancelAfterTwo = new StageContext((s, d, t, m) -> { }, () -> recorded.get() >= 2);
            assertThrows(CancelledException.class, () -> SearchJob.run(request, cancelAfterTwo, Recording.to(ws), it -> {
                seen.add(it);
                recorded.incrementAndGet();
            }));
            long searchId = ws.searches().list().get(0).id();
            assertEquals(RunStatus.CANCELLED, ws.searches().get(searchId).status());
            assertEquals(2, ws.searches().completedIterations(searchId).size());

            List<SearchIteration> resumed = new ArrayList<>();
            SearchJob.Outcome outcome = SearchJob.resume(searchId, request, StageContext.none(), ws, resumed::add);
            assertEquals(RunStatus.DONE, ws.searches().get(searchId).status());
            assertEquals(4, ws.searches().completedIterations(searchId).size());
            assertEquals(4, outcome.result().evaluations());
            for (int i = 0; i < 2; i++) {
                assertArrayEquals(seen.get(i).ranks(), resumed.get(i).ranks(), "iteration " + i + " kept");
                assertEquals(seen.get(i).actual(), resumed.get(i).actual(), 0.0, "iteration " + i + " not re-measured");
            }
            assertTrue(Files.exists(tmp.resolve("search-out/adapter_config.json")));
            assertTrue(Files.exists(tmp.resolve("search-out/rankadaptor_ranks.json")));
        }
    }

    private SearchRequestBuilder tinySearch(Path model, String out) {
        return new SearchRequestBuilder(model, TestData.path("text/tinystories-gen/train.jsonl"),
                SearchObjective.parse("ppl:" + TestData.path("text/tinystories-gen/valid.jsonl")), tmp.resolve(out))
                .ranks(new int[] {2, 4, 8}, 8, BudgetConstraint.none())
                .fidelity(2, 4, 4, 16, 1, 1e-3, 64)
                .loop(1, 500, 4, 0.0, SearchSettings.Acquisition.GREEDY, 3);
    }

    @Test
    void randomSearchWithRepeatsIsStoredAndResumesLikeRankAdaptor() {
        try (Workspace ws = Workspace.open(tmp.resolve("ws"))) {
            Path model = pruned(ws);
            SearchRequest request = tinySearch(model, "random-out").scope(List.of(0, 1), List.of())
                    .strategy(SearchSettings.Strategy.RANDOM, 100).repeats(2, 2).build();
            AtomicInteger recorded = new AtomicInteger();
            StageContext cancelAfterTwo = new StageContext((s, d, t, m) -> { }, () -> recorded.get() >= 2);
            assertThrows(CancelledException.class, () -> SearchJob.run(request, cancelAfterTwo, Recording.to(ws),
                    it -> recorded.incrementAndGet()));
            long searchId = ws.searches().list().get(0).id();
            assertEquals("RANDOM", SearchJob.strategyOf(ws.searches().get(searchId)));
            SearchRequest rankAdaptor = tinySearch(model, "random-out").scope(List.of(0, 1), List.of()).build();
            IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
                    () -> SearchJob.resume(searchId, rankAdaptor, StageContext.none(), ws, it -> { }));
            assertTrue(wrong.getMessage().contains("--strategy random"), wrong.getMessage());

            SearchJob.Outcome outcome = SearchJob.resume(searchId, request, StageContext.none(), ws, it -> { });
            assertEquals(4, outcome.result().evaluations());
            assertEquals(2, outcome.result().resumedIterations());
            for (SearchIteration it : outcome.result().iterations()) {
                assertEquals(2, it.repeats(), "every configuration measured with two seeds");
                assertTrue(it.index() < 2 || it.kind() == SearchIteration.Kind.RANDOM);
            }
            List<SearchIteration> stored = new StoreSearchJournal(ws.searches(), searchId).completedIterations();
            assertArrayEquals(outcome.result().iterations().get(3).scores(), stored.get(3).scores());
            assertTrue(org.rankadaptor.search.SeedNoise.of(stored).known());
        }
    }

    @Test
    void gridSearchMeasuresEveryConfigurationAndRefusesAboveItsLimit() {
        try (Workspace ws = Workspace.open(tmp.resolve("ws"))) {
            Path model = pruned(ws);
            SearchRequest tooSmallLimit = tinySearch(model, "grid-out").scope(List.of(0), List.of())
                    .strategy(SearchSettings.Strategy.GRID, 2).build();
            Exception e = assertThrows(RuntimeException.class,
                    () -> SearchJob.run(tooSmallLimit, StageContext.none(), Recording.none(), it -> { }));
            assertTrue(e.getMessage().contains("raise the grid limit"), e.getMessage());
            SearchRequest grid = tinySearch(model, "grid-out").scope(List.of(0), List.of())
                    .strategy(SearchSettings.Strategy.GRID, 3).build();
            SearchJob.Outcome outcome = SearchJob.run(grid, StageContext.none(), Recording.to(ws), it -> { });
            assertEquals(3, outcome.result().evaluations());
            assertEquals(2, outcome.result().iterations().get(0).repeats(), "baseline measured twice by default");
            assertEquals(List.of("[8, 8, 8, 8, 8]", "[2, 8, 8, 8, 8]", "[4, 8, 8, 8, 8]"),
                    outcome.result().iterations().stream().map(it -> java.util.Arrays.toString(it.ranks())).toList());
        }
    }
}
