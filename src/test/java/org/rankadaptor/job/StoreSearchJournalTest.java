package org.rankadaptor.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rankadaptor.search.Proposal;
import org.rankadaptor.search.SearchIteration;
import org.rankadaptor.store.NewModel;
import org.rankadaptor.store.NewSearch;
import org.rankadaptor.store.ProposalState;
import org.rankadaptor.store.StoreException;
import org.rankadaptor.store.Workspace;

/** Proposal states in the store: PENDING until measured or lost, a result stored once, pending ones come back. */
class StoreSearchJournalTest {
    @TempDir
    Path tmp;

    @Test
    void proposalsMoveFromPendingToDoneOrLostAndAResultIsNeverStoredTwice() {
        try (Workspace ws = Workspace.open(tmp.resolve("ws"))) {
            long model = ws.models().findOrAdd(new NewModel("/m", "m", "{}", "abc", 1)).id();
            long search = ws.searches().create(new NewSearch(model, "{}", "{}", "ppl:x", "{}")).id();
            StoreSearchJournal journal = new StoreSearchJournal(ws.searches(), search);
            Proposal a = Proposal.first(0, SearchIteration.Kind.BASELINE, new int[] {8, 8}, Double.NaN);
            Proposal b = Proposal.first(1, SearchIteration.Kind.INITIAL, new int[] {2, 4}, Double.NaN);
            journal.proposed(a);
            journal.proposed(b);
            assertEquals(List.of(a, b), journal.pendingProposals());
            assertEquals(2, journal.nextProposalId());

            journal.completed(b, b.measured(0, -3.5, 1.0));
            assertThrows(StoreException.class, () -> journal.completed(b, b.measured(1, -3.5, 1.0)),
                    "a second result for the same proposal is refused");
            journal.lost(a, "member 127.0.0.1:5702 left");
            Proposal retry = a.retry(journal.nextProposalId());
            journal.proposed(retry);
            assertEquals(List.of(retry), journal.pendingProposals());

            StoreSearchJournal reopened = new StoreSearchJournal(ws.searches(), search);
            assertEquals(1, reopened.completedIterations().size());
            assertEquals(List.of(ProposalState.LOST, ProposalState.DONE, ProposalState.PENDING),
                    reopened.proposals().stream().map(p -> p.state()).toList());
            assertEquals(0, reopened.proposals().get(2).retryOf());
            assertEquals(2, reopened.proposals().get(2).attempt());
            assertEquals("member 127.0.0.1:5702 left", reopened.proposals().get(0).note());
            assertEquals(0, reopened.proposals().get(1).iteration());
        }
    }
}
