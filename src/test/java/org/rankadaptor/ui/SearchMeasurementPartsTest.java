package org.rankadaptor.ui;

import org.junit.jupiter.api.Test;
import org.rankadaptor.search.SearchSettings.Strategy;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SearchMeasurementPartsTest {
    @Test
    void theBreakdownNamesWhatEachStrategyMeasuresAfterTheInitialPoints() {
        assertEquals("= 1 baseline + 4 initial + 15 model-guided", SearchViewModel.measurementParts(20, 4, Strategy.RANKADAPTOR));
        assertEquals("= 1 baseline + 4 initial + 15 more random", SearchViewModel.measurementParts(20, 4, Strategy.RANDOM));
        assertEquals("= 1 baseline + 2 initial + 0 model-guided", SearchViewModel.measurementParts(3, 5, Strategy.RANKADAPTOR));
        assertEquals("= the baseline, then every feasible configuration (this count is not used)",
                SearchViewModel.measurementParts(20, 4, Strategy.GRID));
    }
}
