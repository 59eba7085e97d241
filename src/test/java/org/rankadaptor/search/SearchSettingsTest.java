package org.rankadaptor.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SearchSettingsTest {

    @Test
    void withersChangeOnlyTheirFields() {
        SearchSettings d = SearchSettings.defaults();
        assertEquals(new SearchSettings(4, 100_000, 20, 0.5, 2, SearchSettings.Acquisition.UPPER_CONFIDENCE_BOUND,
                2.5, 3, 9L), d.withSeed(9).withUpperConfidenceBound(3, 2.5));
        assertEquals(new SearchSettings(4, 500, 7, 0.0, 2, SearchSettings.Acquisition.GREEDY, 1.0, 1, 42L),
                d.withCandidatesPerIteration(500).withMaxEvaluations(7).withConvergenceThreshold(0)
                        .withEnsembleSize(1));
    }

    @Test
    void withersValidateLikeTheConstructor() {
        SearchException e = assertThrows(SearchException.class, () -> SearchSettings.defaults().withEnsembleSize(0));
        assertEquals("search settings: ensembleSize must be >= 1, got 0", e.getMessage());
        assertThrows(SearchException.class, () -> SearchSettings.defaults().withUpperConfidenceBound(1, 1.0));
    }
}
