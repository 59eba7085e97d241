package org.rankadaptor.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;
import org.rankadaptor.stage.CancelledException;
import org.rankadaptor.stage.StageContext;

/** RankSearch with K proposals in flight on a thread pool: distinct picks, lost proposals re-sent, resume. */
class ParallelRankSearchTest {
    private static final SearchSpace SPACE = SearchSpace.allLayers(5);
    private static final RankEncoder ENCODER = RankEncoder.forSpace(SPACE);
    private static final SyntheticTasks.Task TASK = SyntheticTasks.related(SyntheticTasks.base(5, 101), "p", 201, 0.0);

    /** Measures on K threads; {@code lose} says which proposal ids vanish instead of finishing. */
    private static final class PoolScheduler implements MeasurementScheduler {
        final int k;
        final ExecutorService pool;
        final ExecutorCompletionService<Outcome> done;
        final IntPredicate lose;
        final Set<String> inFlight = new HashSet<>();
        final List<Proposal> submitted = new ArrayList<>();
        int maxInFlight;

        PoolScheduler(int k, IntPredicate lose) {
            this.k = k;
            this.pool = Executors.newFixedThreadPool(k);
            this.done = new ExecutorCompletionService<>(pool);
            this.lose = lose;
        }

        @Override
        public int capacity() {
            return k;
        }

        @Override
        public synchronized void submit(Proposal p, StageContext ctx) {
            assertTrue(inFlight.add(Arrays.toString(p.ranks())), "two in-flight proposals are equal: " + p);
            maxInFlight = Math.max(maxInFlight, inFlight.size());
            submitted.add(p);
            done.submit(() -> {
                Thread.sleep(5 + (p.id() * 7L) % 13);  // completions arrive out of order
                return lose.test(p.id()) ? new Lost(p, "member left") : new Measured(p, TASK.cleanScore(p.ranks()), 0.01, "t");
            });
        }

        @Override
        public Outcome awaitNext(StageContext ctx) {
            try {
                Outcome o = done.take().get();
                synchronized (this) {
                    inFlight.remove(Arrays.toString(o.proposal().ranks()));
                }
                return o;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        void shutdown() throws InterruptedException {
            pool.shutdownNow();
            pool.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static RankSearch search(int budget) {
        return new RankSearch(SPACE, ENCODER, ModelFactory.coldStart(ENCODER.featureCount(),
                ModelConfig.defaults().withSeed(3)), SearchSettings.defaults().withSeed(3).withMaxEvaluations(budget)
                .withConvergenceThreshold(0));
    }

    @Test
    void threeInFlightProposalsAreDistinctAndTheBestMeasuredIsReported() throws Exception {
        PoolScheduler scheduler = new PoolScheduler(3, id -> false);
        InMemorySearchJournal journal = new InMemorySearchJournal();
        SearchResult result = search(14).run(scheduler, journal, StageContext.none());
        scheduler.shutdown();
        assertEquals(3, scheduler.maxInFlight);
        assertEquals(14, result.iterations().size());
        Set<String> distinct = new HashSet<>();
        result.iterations().forEach(it -> distinct.add(Arrays.toString(it.ranks())));
        assertEquals(14, distinct.size(), "no configuration measured twice");
        SearchIteration best = result.iterations().stream()
                .max((a, b) -> Double.compare(a.actual(), b.actual())).orElseThrow();
        assertEquals(Arrays.toString(best.ranks()), Arrays.toString(result.bestMeasuredRanks()));
        assertTrue(journal.proposalStates().values().stream().allMatch(s -> s == Proposal.State.DONE));
        for (int i = 0; i < result.iterations().size(); i++) {
            assertEquals(i, result.iterations().get(i).index(), "iterations are numbered in completion order");
        }
    }

    @Test
    void aLostProposalIsSentOnceMoreAndMeasuredOnce() throws Exception {
        PoolScheduler scheduler = new PoolScheduler(3, id -> id == 7);
        InMemorySearchJournal journal = new InMemorySearchJournal();
        SearchResult result = search(12).run(scheduler, journal, StageContext.none());
        scheduler.shutdown();
        Proposal lost = journal.proposals().get(7);
        assertEquals(Proposal.State.LOST, journal.proposalStates().get(7));
        List<Proposal> retries = journal.proposals().stream().filter(p -> p.retryOf() == 7).toList();
        assertEquals(1, retries.size());
        assertEquals(Proposal.State.DONE, journal.proposalStates().get(retries.get(0).id()));
        long measuredLost = result.iterations().stream()
                .filter(it -> Arrays.equals(it.ranks(), lost.ranks())).count();
        assertEquals(1, measuredLost, "the lost configuration is measured exactly once");
        assertEquals(12, result.iterations().size());
    }

    @Test
    void aConfigurationLostOnEveryAttemptStopsTheSearchWithItsRanks() throws Exception {
        PoolScheduler scheduler = new PoolScheduler(2, id -> true);
        SearchException e = assertThrows(SearchException.class,
                () -> search(6).run(scheduler, new InMemorySearchJournal(), StageContext.none()));
        scheduler.shutdown();
        assertTrue(e.getMessage().contains("lost " + RankSearch.MAX_ATTEMPTS + " times"), e.getMessage());
    }

    @Test
    void aResumedRunResendsWhatWasInFlightAndMeasuresNothingTwice() throws Exception {
        InMemorySearchJournal journal = new InMemorySearchJournal();
        PoolScheduler first = new PoolScheduler(3, id -> false);
        StageContext stopsAfterSeven = new StageContext(
                org.rankadaptor.stage.ProgressListener.NONE, () -> journal.completedIterations().size() >= 7);
        assertThrows(CancelledException.class, () -> search(12).run(first, journal, stopsAfterSeven));
        first.shutdown();
        List<Proposal> pending = journal.pendingProposals();
        assertTrue(!pending.isEmpty(), "the cancelled run left proposals in flight");
        int before = journal.completedIterations().size();

        PoolScheduler second = new PoolScheduler(3, id -> false);
        SearchResult result = search(12).run(second, journal, StageContext.none());
        second.shutdown();
        assertEquals(12, result.iterations().size());
        assertEquals(before, result.resumedIterations());
        assertEquals(pending, second.submitted.subList(0, pending.size()), "pending proposals go out first");
        Set<String> distinct = new HashSet<>();
        result.iterations().forEach(it -> distinct.add(Arrays.toString(it.ranks())));
        assertEquals(12, distinct.size());
        Map<Integer, Proposal.State> states = journal.proposalStates();
        assertTrue(states.values().stream().allMatch(s -> s == Proposal.State.DONE), states.toString());
    }
}
