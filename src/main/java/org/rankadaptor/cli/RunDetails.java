package org.rankadaptor.cli;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.rankadaptor.store.PruningRun;
import org.rankadaptor.store.RecoveryMethod;
import org.rankadaptor.store.RecoveryRun;
import org.rankadaptor.store.RunKind;
import org.rankadaptor.store.RunRef;
import org.rankadaptor.store.RunStatus;
import org.rankadaptor.store.Search;
import org.rankadaptor.store.Workspace;

/**
 * What {@code runs show} and {@code runs export} say about one run: one record per run kind. Jackson writes a
 * record as the run's JSON, in component order; {@link #printText} writes the same record as the text view.
 */
sealed interface RunDetails permits RunDetails.PruningDetails, RunDetails.RecoveryDetails, RunDetails.SearchDetails {

    /** Reads the run {@code ref} points at, with its curve, evaluations or iterations. */
    static RunDetails load(Workspace workspace, RunRef ref) {
        return switch (ref.kind()) {
            case PRUNING -> PruningDetails.of(workspace.pruningRuns().get(ref.id()));
            case RECOVERY -> RecoveryDetails.of(workspace, workspace.recoveryRuns().get(ref.id()));
            case SEARCH -> SearchDetails.of(workspace, workspace.searches().get(ref.id()));
        };
    }

    long id();

    RunKind kind();

    RunStatus status();

    long modelId();

    Instant created();

    Instant updated();

    /** Why the run failed or was interrupted; null otherwise. */
    String error();

    /** The text view's first line, e.g. "pruning run 3  [DONE]". */
    default String heading() {
        return new RunRef(kind(), id()) + "  [" + status() + "]";
    }

    /** The text view's lines between the model and the times. */
    void printFacts(Workspace workspace, PrintWriter out);

    /** The text view; {@code workspace} names the models the run refers to. */
    default void printText(Workspace workspace, PrintWriter out) {
        out.println(heading());
        printModel(workspace, "model", modelId(), out);
        printFacts(workspace, out);
        printFact("created", created(), out);
        printFact("updated", updated(), out);
        if (error() != null) {
            printFact("note", error(), out);
        }
    }

    /** A JSON column as stored: embedded as JSON in the run's JSON (as a string when it is not JSON), as is in text. */
    record StoredJson(String text) {
        static StoredJson of(String text) {
            return text == null ? null : new StoredJson(text);
        }

        @JsonValue
        JsonNode tree() {
            try {
                return RunsCommand.StoreSubcommand.MAPPER.readTree(text);
            } catch (JsonProcessingException e) {
                // Stored text that is not JSON is still shown, as a string.
                return RunsCommand.StoreSubcommand.MAPPER.getNodeFactory().textNode(text);
            }
        }

        @Override
        public String toString() {
            return text;
        }
    }

    record PruningDetails(long id, RunKind kind, RunStatus status, long modelId, String estimator,
                          String calibrationSource, StoredJson plan, StoredJson groups, StoredJson importance,
                          Long paramsBefore, Long paramsAfter, Long outputModelId, Instant created, Instant updated,
                          String error) implements RunDetails {
        static PruningDetails of(PruningRun r) {
            return new PruningDetails(r.id(), RunKind.PRUNING, r.status(), r.modelId(), r.estimator(),
                    r.calibrationSource(), StoredJson.of(r.planJson()), StoredJson.of(r.groupsJson()),
                    StoredJson.of(r.importanceJson()), r.paramsBefore(), r.paramsAfter(), r.outputModelId(),
                    r.created(), r.updated(), r.error());
        }

        @Override
        public void printFacts(Workspace workspace, PrintWriter out) {
            printFact("estimator", estimator, out);
            printFact("calibration", orDash(calibrationSource), out);
            printFact("params", orDash(paramsBefore) + " -> " + orDash(paramsAfter), out);
            if (outputModelId != null) {
                printModel(workspace, "output model", outputModelId, out);
            }
            printFact("plan", plan, out);
        }
    }

    /** @param name the method and label as comparisons show them; text only */
    record RecoveryDetails(long id, RunKind kind, RunStatus status, long modelId, Long pruningRunId,
                           RecoveryMethod method, String label, @JsonIgnore String name, StoredJson rankPlan,
                           StoredJson hyperParameters, long seed, String adapterPath, Long trainableParams,
                           List<LossPoint> curve, List<TaskScore> evaluations, Instant created, Instant updated,
                           String error) implements RunDetails {
        /** One logged training step. */
        record LossPoint(int step, double trainLoss, Double valLoss, double lr) {
        }

        /** One evaluated task; the score fields are null where the task has none. */
        record TaskScore(String task, int n, Double acc, Double accStderr, Double accNorm, Double accNormStderr,
                         Double perplexity) {
        }

        static RecoveryDetails of(Workspace workspace, RecoveryRun r) {
            List<LossPoint> curve = workspace.recoveryRuns().curve(r.id()).stream()
                    .map(p -> new LossPoint(p.step(), p.trainLoss(), p.valLoss(), p.learningRate()))
                    .toList();
            List<TaskScore> evaluations = workspace.evaluations().listForRun(r.id()).stream()
                    .map(e -> new TaskScore(e.task(), e.n(), e.acc(), e.accStderr(), e.accNorm(),
                            e.accNormStderr(), e.perplexity()))
                    .toList();
            return new RecoveryDetails(r.id(), RunKind.RECOVERY, r.status(), r.modelId(), r.pruningRunId(),
                    r.method(), r.label(), r.name(), StoredJson.of(r.rankPlanJson()),
                    StoredJson.of(r.hyperparamsJson()), r.seed(), r.adapterPath(), r.trainableParams(), curve,
                    evaluations, r.created(), r.updated(), r.error());
        }

        @Override
        public String heading() {
            return new RunRef(kind, id) + "  " + name + "  [" + status + "]";
        }

        @Override
        public void printFacts(Workspace workspace, PrintWriter out) {
            printFact("pruning run", orDash(pruningRunId), out);
            printFact("seed", seed, out);
            printFact("ranks", orDash(rankPlan), out);
            printFact("hyper-params", orDash(hyperParameters), out);
            printFact("adapter", orDash(adapterPath), out);
            printFact("trainable", orDash(trainableParams), out);
            if (curve.isEmpty()) {
                printFact("curve", "none", out);
            } else {
                LossPoint last = curve.get(curve.size() - 1);
                printFact("curve", String.format(Locale.ROOT, "%d points, last step %d train loss %.4f%s",
                        curve.size(), last.step(), last.trainLoss(),
                        last.valLoss() == null ? "" : String.format(Locale.ROOT, " val loss %.4f", last.valLoss())), out);
            }
            if (!evaluations.isEmpty()) {
                out.printf("%-16s %6s %8s %8s %10s%n", "TASK", "N", "ACC", "ACC_NORM", "PPL");
                for (TaskScore e : evaluations) {
                    out.printf(Locale.ROOT, "%-16s %6d %8s %8s %10s%n", e.task(), e.n(), fmt(e.acc()),
                            fmt(e.accNorm()), fmt(e.perplexity()));
                }
            }
        }
    }

    /** @param nextIteration the index the search would run next; text only */
    record SearchDetails(long id, RunKind kind, RunStatus status, long modelId, String objective, StoredJson space,
                         StoredJson constraints, StoredJson fidelity, StoredJson result, List<Trial> iterations,
                         @JsonIgnore int nextIteration, Instant created, Instant updated, String error)
            implements RunDetails {
        /** One committed iteration: the ranks tried, the model's prediction and the measured score. */
        record Trial(int iteration, StoredJson ranks, Double predicted, Double actual, double seconds) {
        }

        static SearchDetails of(Workspace workspace, Search s) {
            List<Trial> iterations = workspace.searches().completedIterations(s.id()).stream()
                    .map(i -> new Trial(i.iteration(), StoredJson.of(i.rankVectorJson()),
                            i.predicted(), i.actual(), i.seconds()))
                    .toList();
            return new SearchDetails(s.id(), RunKind.SEARCH, s.status(), s.modelId(), s.objective(),
                    StoredJson.of(s.spaceJson()), StoredJson.of(s.constraintsJson()), StoredJson.of(s.fidelityJson()),
                    StoredJson.of(s.resultJson()), iterations, workspace.searches().nextIterationIndex(s.id()),
                    s.created(), s.updated(), s.error());
        }

        @Override
        public void printFacts(Workspace workspace, PrintWriter out) {
            printFact("objective", objective, out);
            printFact("space", space, out);
            printFact("constraints", orDash(constraints), out);
            printFact("fidelity", orDash(fidelity), out);
            Optional<Trial> best = iterations.stream().filter(i -> i.actual() != null)
                    .max((a, b) -> Double.compare(a.actual(), b.actual()));
            printFact("iterations", iterations.size() + " committed, next index " + nextIteration, out);
            best.ifPresent(b -> printFact("best", String.format(Locale.ROOT, "iteration %d actual %.4f ranks %s",
                    b.iteration(), b.actual(), b.ranks()), out));
            printFact("result", orDash(result), out);
        }
    }

    /** One "key:          value" line; the values start in column 16. */
    private static void printFact(String key, Object value, PrintWriter out) {
        out.printf("%-14s %s%n", key + ":", value);
    }

    private static void printModel(Workspace workspace, String role, long modelId, PrintWriter out) {
        String text = workspace.models().find(modelId)
                .map(m -> m.id() + " " + m.name() + " (" + m.path() + ", " + m.paramCount() + " params)")
                .orElse(modelId + " (missing)");
        printFact(role, text, out);
    }

    private static String orDash(Object value) {
        return value == null ? "-" : value.toString();
    }

    private static String fmt(Double value) {
        return value == null ? "-" : String.format(Locale.ROOT, "%.4f", value);
    }
}
