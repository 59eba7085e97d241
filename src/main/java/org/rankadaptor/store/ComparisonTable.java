package org.rankadaptor.store;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The paper's Table 2 layout: one row per recovery run (plus the untuned model), one column per task, then the
 * average. A row's average is over the tasks it has scores for; {@link Row#complete()} says whether that is all.
 */
public record ComparisonTable(List<String> tasks, List<Row> rows) {
    public static final String AVERAGE_COLUMN = "average";

    public ComparisonTable {
        tasks = List.copyOf(tasks);
        rows = List.copyOf(rows);
    }

    /**
     * @param method  recovery method name, or {@code "NONE"} for the model without tuning
     * @param runId   recovery run id, null for the untuned row
     * @param scores  task to score; tasks the row lacks are absent
     * @param average mean of {@code scores}, NaN when empty
     * @param standardErrors task to the harness standard error of its score, where stored; the 95% interval
     *                       is score +- 1.96 standard errors
     * @param untunedModelId the model an untuned row scores (null for run rows)
     */
    public record Row(String method, String label, Long runId, Map<String, Double> scores, double average,
                      Map<String, Double> standardErrors, Long untunedModelId) {
        /** A row of a recovery run. */
        public Row(String method, String label, Long runId, Map<String, Double> scores, double average,
                   Map<String, Double> standardErrors) {
            this(method, label, runId, scores, average, standardErrors, null);
        }

        /** The label, led by the method unless it already starts with it ("LoRA r=8" rather than "LORA LoRA r=8"). */
        public String name() {
            return RecoveryRun.nameOf(method, label);
        }

        public Row {
            scores = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(scores));
            standardErrors = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(standardErrors));
        }

        /** Without standard errors. */
        public Row(String method, String label, Long runId, Map<String, Double> scores, double average) {
            this(method, label, runId, scores, average, Map.of());
        }

        public boolean complete(List<String> tasks) {
            return scores.keySet().containsAll(tasks);
        }
    }

    /** Index into {@link #rows()} of the highest value in a task column or {@link #AVERAGE_COLUMN}. */
    public OptionalInt bestRow(String column) {
        if (!AVERAGE_COLUMN.equals(column) && !tasks.contains(column)) {
            throw new StoreException("comparison table has no column '" + column + "'; columns are " + tasks
                    + " and " + AVERAGE_COLUMN);
        }
        int best = -1;
        double bestValue = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            Double value = AVERAGE_COLUMN.equals(column) ? Double.valueOf(row.average()) : row.scores().get(column);
            if (value != null && !value.isNaN() && value > bestValue) {
                bestValue = value;
                best = i;
            }
        }
        return best < 0 ? OptionalInt.empty() : OptionalInt.of(best);
    }

    /** Best row per column, tasks first then the average, skipping empty columns. */
    public Map<String, Integer> bestRows() {
        Map<String, Integer> best = new LinkedHashMap<>();
        for (String task : tasks) {
            bestRow(task).ifPresent(i -> best.put(task, i));
        }
        bestRow(AVERAGE_COLUMN).ifPresent(i -> best.put(AVERAGE_COLUMN, i));
        return best;
    }
}
