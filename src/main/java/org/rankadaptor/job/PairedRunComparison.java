package org.rankadaptor.job;

import org.rankadaptor.eval.Statistics;
import org.rankadaptor.store.ComparisonMetric;
import org.rankadaptor.store.Evaluation;
import org.rankadaptor.store.EvaluationRepository;
import org.rankadaptor.store.RecoveryRun;
import org.rankadaptor.store.Workspace;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Compare's paired test: run A against run B on the same documents of each task both were evaluated on, from the
 * per-document outcomes the store keeps. Per task: the accuracy difference A - B with its 95% paired bootstrap
 * interval (significant when it excludes 0) and McNemar's exact p-value; and, where recovery runs with the same
 * method and label exist at other seeds, the seed noise (sd over seeds of the task score) of each side.
 */
public final class PairedRunComparison {
    /** Fixed so the same comparison always shows the same interval. */
    static final long BOOTSTRAP_SEED = 20_240_515L;

    private PairedRunComparison() {
    }

    /**
     * @param documents  documents both runs were scored on; 0 when the store has no per-document scores
     * @param seedNoiseA sd over seeds of A's task score (NaN without repeats), {@code seedsA} runs counted
     */
    public record TaskDifference(String task, int documents, double scoreA, double scoreB,
                                 Statistics.PairedDifference bootstrap, Statistics.McNemar mcnemar,
                                 double seedNoiseA, int seedsA, double seedNoiseB, int seedsB, String note) {
        public boolean tested() {
            return bootstrap != null;
        }

        public boolean significant() {
            return bootstrap != null && bootstrap.significant();
        }
    }

    /** One side of the comparison: a recovery run, or the model itself without adapter (runId null). */
    public record Side(long modelId, Long runId) {
    }

    public static List<TaskDifference> compare(Workspace ws, Side a, Side b, ComparisonMetric metric) {
        Map<String, Evaluation> evalA = EvaluationRepository.latest(evaluations(ws, a), metric);
        Map<String, Evaluation> evalB = EvaluationRepository.latest(evaluations(ws, b), metric);
        TreeSet<String> tasks = new TreeSet<>(evalA.keySet());
        tasks.retainAll(evalB.keySet());
        List<TaskDifference> out = new ArrayList<>();
        for (String task : tasks) {
            Evaluation ea = evalA.get(task);
            Evaluation eb = evalB.get(task);
            double scoreA = score(ea, metric);
            double scoreB = score(eb, metric);
            double[] noiseA = seedNoise(ws, a, task, metric);
            double[] noiseB = seedNoise(ws, b, task, metric);
            double[] itemsA = ws.evaluations().items(ea.id(), metric.itemMetric(ea));
            double[] itemsB = ws.evaluations().items(eb.id(), metric.itemMetric(eb));
            if (itemsA.length == 0 || itemsB.length == 0) {
                out.add(new TaskDifference(task, 0, scoreA, scoreB, null, null, noiseA[0], (int) noiseA[1],
                        noiseB[0], (int) noiseB[1], "no per-document scores stored (evaluated by an older version)"));
                continue;
            }
            if (itemsA.length != itemsB.length) {
                out.add(new TaskDifference(task, 0, scoreA, scoreB, null, null, noiseA[0], (int) noiseA[1],
                        noiseB[0], (int) noiseB[1], "evaluated on different documents (" + itemsA.length + " vs "
                        + itemsB.length + "); re-evaluate both with the same limit"));
                continue;
            }
            out.add(new TaskDifference(task, itemsA.length, scoreA, scoreB,
                    Statistics.pairedBootstrap(itemsA, itemsB, Statistics.LEVEL_95, Statistics.DEFAULT_RESAMPLES,
                            BOOTSTRAP_SEED), Statistics.mcnemar(itemsA, itemsB), noiseA[0], (int) noiseA[1],
                    noiseB[0], (int) noiseB[1], ""));
        }
        return out;
    }

    private static List<Evaluation> evaluations(Workspace ws, Side side) {
        return side.runId() == null ? ws.evaluations().listForUntunedModel(side.modelId())
                : ws.evaluations().listForRun(side.runId());
    }

    private static double score(Evaluation e, ComparisonMetric metric) {
        return metric == ComparisonMetric.ACC_NORM && e.accNorm() != null ? e.accNorm() : e.acc();
    }

    /** {sd over seeds, runs} of the task score across recovery runs with this run's model, method and label. */
    private static double[] seedNoise(Workspace ws, Side side, String task, ComparisonMetric metric) {
        if (side.runId() == null) {
            return new double[] {Double.NaN, 0};
        }
        RecoveryRun run = ws.recoveryRuns().get(side.runId());
        List<Double> scores = new ArrayList<>();
        for (RecoveryRun other : ws.recoveryRuns().list()) {
            if (other.modelId() == run.modelId() && other.method() == run.method()
                    && other.label().equals(run.label())) {
                Evaluation e = EvaluationRepository.latest(ws.evaluations().listForRun(other.id()), metric).get(task);
                if (e != null) {
                    scores.add(score(e, metric));
                }
            }
        }
        double[] values = scores.stream().mapToDouble(Double::doubleValue).toArray();
        return new double[] {Statistics.sampleStd(values), values.length};
    }
}
