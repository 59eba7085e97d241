package org.rankadaptor.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rankadaptor.search.PerformanceModelCheck;
import org.rankadaptor.search.SearchException;
import org.rankadaptor.search.SearchIteration;
import org.rankadaptor.search.PredictiveModel;
import org.rankadaptor.stage.StageContext;
import org.rankadaptor.store.NewModel;
import org.rankadaptor.store.NewSearch;
import org.rankadaptor.store.Workspace;

class PerformanceModelCheckJobTest {
    private static final PerformanceModelCheck.Protocol PROTOCOL = new PerformanceModelCheck.Protocol(3, 2, 7,
            PerformanceModelCheck.Features.RANKS, List.of(PredictiveModel.Kind.RIDGE));

    /** The same six configurations (two measured twice) as a file and as a stored search with repeats. */
    @Test
    void fileAndStoredSearchGiveTheFiguresOfTheSameData(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("m.jsonl");
        Files.writeString(file, String.join("\n",
                "{\"model\":\"m\",\"ranks\":[2],\"scores\":{\"ppl\":1.0}}",
                "{\"model\":\"m\",\"ranks\":[2],\"scores\":{\"ppl\":1.2}}",
                "{\"model\":\"m\",\"ranks\":[4],\"scores\":{\"ppl\":2.0}}",
                "{\"model\":\"m\",\"ranks\":[6],\"scores\":{\"ppl\":2.5}}",
                "{\"model\":\"m\",\"ranks\":[8],\"scores\":{\"ppl\":4.1}}",
                "{\"model\":\"m\",\"ranks\":[8],\"scores\":{\"ppl\":3.9}}",
                "{\"model\":\"m\",\"ranks\":[10],\"scores\":{\"ppl\":4.0}}",
                "{\"model\":\"m\",\"ranks\":[12],\"scores\":{\"ppl\":6.0}}") + "\n");
        PerformanceModelCheck.Report fromFile = PerformanceModelCheckJob.onFile(file, null, PROTOCOL, StageContext.none());
        try (Workspace ws = Workspace.open(tmp.resolve("ws"))) {
            long model = ws.models().add(new NewModel("/m", "m", "{}", "fp", 10)).id();
            long id = ws.searches().create(new NewSearch(model, "{}", null, "ppl", null)).id();
            StoreSearchJournal journal = new StoreSearchJournal(ws.searches(), id);
            double[][] scores = {{1.0, 1.2}, {2.0}, {2.5}, {4.1, 3.9}, {4.0}, {6.0}};
            for (int i = 0; i < 6; i++) {
                journal.record(SearchIteration.ofRepeats(i, i == 0 ? SearchIteration.Kind.BASELINE
                        : SearchIteration.Kind.GRID, new int[] {2 + 2 * i}, Double.NaN, scores[i], 1));
            }
            assertArrayEquals(new double[] {4.1, 3.9}, journal.completedIterations().get(3).scores(),
                    "repeats survive the store");
            PerformanceModelCheck.Report fromSearch = PerformanceModelCheckJob.onSearch(ws, id, PROTOCOL,
                    StageContext.none());
            ObjectMapper json = new ObjectMapper();
            var a = fromFile.toJson();
            var b = fromSearch.toJson();
            a.remove("source");
            b.remove("source");
            assertEquals(json.writeValueAsString(a), json.writeValueAsString(b));
            assertEquals(8, fromSearch.measurements());
        }
    }

    @Test
    void aFileMixingModelsIsRefused(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("mixed.jsonl");
        Files.writeString(file, "{\"model\":\"a\",\"ranks\":[2],\"scores\":{\"t\":1}}\n"
                + "{\"model\":\"b\",\"ranks\":[4],\"scores\":{\"t\":1}}\n"
                + "{\"model\":\"b\",\"ranks\":[6],\"scores\":{\"t\":1}}\n");
        SearchException e = assertThrows(SearchException.class,
                () -> PerformanceModelCheckJob.onFile(file, null, PROTOCOL, StageContext.none()));
        assertTrue(e.getMessage().contains("mixes 2 models"), e.getMessage());
    }
}
