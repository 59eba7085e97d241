package org.rankadaptor.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.rankadaptor.stage.CancelledException;
import org.rankadaptor.stage.ProgressListener;
import org.rankadaptor.stage.StageContext;

class RankSearchResumeTest {

    private static final SearchSpace SPACE = SearchSpace.allLayers(4);
    private static final RankEncoder ENCODER = RankEncoder.forSpace(SPACE);
    private static final SyntheticTasks.Task TASK = SyntheticTasks.related(SyntheticTasks.base(4, 7), "r", 8, 0);

    private static RankSearch search() {
        ModelConfig model = ModelConfig.defaults().withMaxEpochs(150);
        SearchSettings settings = SearchSettings.defaults().withMaxEvaluations(10).withConvergenceThreshold(0)
                .withSeed(11).withEnsembleSize(2).withRepeats(1, 1);
        return new RankSearch(SPACE, ENCODER, ModelFactory.coldStart(ENCODER.featureCount(), model), settings);
    }

    /** Deterministic objective that records every call and can fail at a chosen call. */
    private static final class RecordingObjective implements Objective {
        final List<int[]> calls = new ArrayList<>();
        final int failAtCall;

        RecordingObjective(int failAtCall) {
            this.failAtCall = failAtCall;
        }

        @Override
        public double measure(int[] ranks, StageContext ctx) {
            if (calls.size() == failAtCall) {
                throw new CancelledException("fine-tune for iteration " + failAtCall);
            }
            calls.add(ranks.clone());
            return TASK.cleanScore(ranks);
        }
    }

    @Test
    void interruptedRunResumesWithoutLosingOrRepeatingIterations() {
        SearchResult uninterrupted = search().run(new RecordingObjective(-1), new InMemorySearchJournal(),
                StageContext.none());

        InMemorySearchJournal journal = new InMemorySearchJournal();
        RecordingObjective first = new RecordingObjective(3);
        assertThrows(CancelledException.class, () -> search().run(first, journal, StageContext.none()));
        assertEquals(3, journal.completedIterations().size(), "iterations 0..2 must be in the journal");

        RecordingObjective second = new RecordingObjective(-1);
        SearchResult resumed = search().run(second, journal, StageContext.none());

        List<SearchIteration> all = journal.completedIterations();
        assertEquals(10, all.size());
        assertEquals(3, resumed.resumedIterations());
        for (int i = 0; i < all.size(); i++) {
            assertEquals(i, all.get(i).index(), "journal indices must be 0..n-1 with no gap or repeat");
        }
        Set<String> distinct = new HashSet<>();
        all.forEach(it -> distinct.add(Arrays.toString(it.ranks())));
        assertEquals(all.size(), distinct.size(), "no configuration measured twice");
        assertEquals(3 + 7, first.calls.size() + second.calls.size(), "each iteration measured exactly once");
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(all.get(i).ranks(), first.calls.get(i));
        }
        for (int i = 3; i < 10; i++) {
            assertArrayEquals(all.get(i).ranks(), second.calls.get(i - 3));
        }
        // Deterministic: the resumed run made exactly the choices of the uninterrupted one.
        for (int i = 0; i < 10; i++) {
            assertArrayEquals(uninterrupted.iterations().get(i).ranks(), all.get(i).ranks(), "iteration " + i);
            assertEquals(uninterrupted.iterations().get(i).predicted(), all.get(i).predicted(), 1e-4);
        }
        assertArrayEquals(uninterrupted.bestMeasuredRanks(), resumed.bestMeasuredRanks());
        assertTrue(journal.latestModelSnapshot().isPresent());
        assertEquals(9, journal.latestSnapshotIteration());
        assertEquals(2, PerformanceEnsemble.fromBytes(journal.latestModelSnapshot().get()).size());
    }

    @Test
    void cancellationBetweenIterationsStopsBeforeTheNextMeasurement() {
        AtomicBoolean cancel = new AtomicBoolean();
        List<String> progress = new ArrayList<>();
        ProgressListener listener = (step, done, total, message) -> progress.add(step + " " + done + "/" + total);
        StageContext ctx = new StageContext(listener, cancel::get);
        InMemorySearchJournal journal = new InMemorySearchJournal();
        Objective objective = (ranks, c) -> {
            if (journal.completedIterations().size() == 5) {
                cancel.set(true);
            }
            return TASK.cleanScore(ranks);
        };
        assertThrows(CancelledException.class, () -> search().run(objective, journal, ctx));
        assertEquals(6, journal.completedIterations().size(), "the measurement in flight is recorded, no more");
        assertTrue(progress.stream().anyMatch(p -> p.startsWith(RankSearch.STEP)), "progress must be reported");
    }

    @Test
    void journalWithGapsIsRejected() {
        SearchJournal broken = new SearchJournal() {
            @Override
            public List<SearchIteration> completedIterations() {
                return List.of(new SearchIteration(1, SearchIteration.Kind.BASELINE, SPACE.uniformBaseline(),
                        Double.NaN, 1.0, 0.1));
            }

            @Override
            public void record(SearchIteration iteration) {
            }
        };
        SearchException e = assertThrows(SearchException.class,
                () -> search().run((r, c) -> 0, broken, StageContext.none()));
        assertTrue(e.getMessage().contains("without gaps"), e.getMessage());
    }
}
