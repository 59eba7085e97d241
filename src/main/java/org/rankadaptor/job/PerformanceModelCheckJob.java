package org.rankadaptor.job;

import org.rankadaptor.search.MeasurementFile;
import org.rankadaptor.search.PerformanceModelCheck;
import org.rankadaptor.search.SearchException;
import org.rankadaptor.stage.StageContext;
import org.rankadaptor.store.IterationRecord;
import org.rankadaptor.store.Workspace;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code perf-model check} on a measurement file or on the iterations of a stored search. */
public final class PerformanceModelCheckJob {
    private PerformanceModelCheckJob() {
    }

    /** @param task the score to model; null = the mean over each row's tasks */
    public static PerformanceModelCheck.Report onFile(Path file, String task, PerformanceModelCheck.Protocol protocol,
                                                      StageContext ctx) {
        PerformanceModelCheck.MeasuredModel model = PerformanceModelCheck.pointsOf(MeasurementFile.read(file), task,
                file.toString());
        return PerformanceModelCheck.run(file.getFileName().toString(), model.points(), model.keptFractions(),
                protocol, ctx);
    }

    /** Every committed iteration of the search, each with its repeated scores (kept fractions unknown here). */
    public static PerformanceModelCheck.Report onSearch(Workspace ws, long searchId,
                                                        PerformanceModelCheck.Protocol protocol, StageContext ctx) {
        ws.searches().get(searchId);
        return PerformanceModelCheck.run("search " + searchId, pointsOf(ws.searches().completedIterations(searchId),
                searchId), new float[0], protocol, ctx);
    }

    static List<PerformanceModelCheck.Point> pointsOf(List<IterationRecord> rows, long searchId) {
        Map<String, int[]> ranks = new LinkedHashMap<>();
        Map<String, List<Double>> scores = new LinkedHashMap<>();
        for (IterationRecord row : rows) {
            if (row.actual() == null) {
                continue;
            }
            int[] r = StoreSearchJournal.ranksOf(row);
            String key = Arrays.toString(r);
            ranks.put(key, r);
            List<Double> list = scores.computeIfAbsent(key, k -> new ArrayList<>());
            Arrays.stream(StoreSearchJournal.scoresOf(row)).forEach(list::add);
        }
        if (ranks.isEmpty()) {
            throw new SearchException("perf-model check: search " + searchId + " has no measured iterations");
        }
        List<PerformanceModelCheck.Point> points = new ArrayList<>();
        ranks.forEach((key, r) -> points.add(new PerformanceModelCheck.Point(r,
                scores.get(key).stream().mapToDouble(Double::doubleValue).toArray())));
        return points;
    }
}
