package org.rankadaptor.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.rankadaptor.store.ComparisonMetric;
import org.rankadaptor.store.ComparisonTable;
import org.rankadaptor.store.CurveRecord;
import org.rankadaptor.store.Evaluation;
import org.rankadaptor.store.ExportRecord;
import org.rankadaptor.store.ModelRecord;
import org.rankadaptor.store.PruningRun;
import org.rankadaptor.store.RecoveryRun;
import org.rankadaptor.store.RunKind;
import org.rankadaptor.store.RunRef;
import org.rankadaptor.store.RunStatus;
import org.rankadaptor.store.RunSummary;
import org.rankadaptor.store.Search;
import org.rankadaptor.store.IterationRecord;
import org.rankadaptor.store.StoreException;
import org.rankadaptor.store.Workspace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code runs}: list, show, compare and export what the workspace holds. */
@Command(name = "runs", mixinStandardHelpOptions = true,
        description = "List, inspect, compare and export stored pruning runs, recovery runs and searches.",
        subcommands = {RunsCommand.ListRuns.class, RunsCommand.ShowRun.class, RunsCommand.CompareRuns.class,
                RunsCommand.ExportRun.class})
public class RunsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    /** Options every subcommand takes. */
    public static class WorkspaceOptions {
        @Option(names = "--workspace", paramLabel = "DIR",
                description = "Workspace folder (default: $RANKADAPTOR_WORKSPACE, else ~/.rankadaptor).")
        Path workspace;

        Workspace open() {
            return Workspace.openExisting(Workspace.resolveDirectory(workspace, System.getenv()));
        }
    }

    /** Opens the workspace, runs, and turns store errors into a message and exit code 1. */
    abstract static class StoreSubcommand implements Callable<Integer> {
        static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

        @Mixin
        WorkspaceOptions workspaceOptions;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            try (Workspace workspace = workspaceOptions.open()) {
                return run(workspace, spec.commandLine().getOut());
            } catch (StoreException e) {
                spec.commandLine().getErr().println("error: " + e.getMessage());
                return 1;
            }
        }

        abstract int run(Workspace workspace, PrintWriter out);

        static String json(JsonNode node) {
            try {
                return MAPPER.writeValueAsString(node);
            } catch (JsonProcessingException e) {
                throw new StoreException("cannot write JSON: " + e.getMessage(), e);
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List runs of every kind, oldest first.")
    static class ListRuns extends StoreSubcommand {
        @Option(names = "--json", description = "Print a JSON array instead of a table.")
        boolean json;

        @Option(names = "--kind", paramLabel = "KIND", description = "Only PRUNING, RECOVERY or SEARCH runs.")
        RunKind kind;

        @Option(names = "--status", paramLabel = "STATUS", description = "Only runs in this state, e.g. INTERRUPTED.")
        RunStatus status;

        @Override
        int run(Workspace workspace, PrintWriter out) {
            List<RunSummary> runs = workspace.runs().list().stream()
                    .filter(r -> kind == null || r.ref().kind() == kind)
                    .filter(r -> status == null || r.status() == status)
                    .toList();
            if (json) {
                ArrayNode array = MAPPER.createArrayNode();
                for (RunSummary r : runs) {
                    ObjectNode node = array.addObject();
                    node.put("id", r.ref().id());
                    node.put("kind", r.ref().kind().name());
                    node.put("status", r.status().name());
                    node.put("modelId", r.modelId());
                    node.put("description", r.description());
                    node.put("created", String.valueOf(r.created()));
                    node.put("updated", String.valueOf(r.updated()));
                }
                out.println(json(array));
                return 0;
            }
            if (runs.isEmpty()) {
                out.println("no runs in " + workspace.databaseFile());
                return 0;
            }
            out.printf("%-6s %-9s %-12s %-6s %-20s %s%n", "ID", "KIND", "STATUS", "MODEL", "CREATED", "DESCRIPTION");
            for (RunSummary r : runs) {
                out.printf("%-6d %-9s %-12s %-6d %-20s %s%n", r.ref().id(), r.ref().kind(), r.status(), r.modelId(),
                        shortTime(r.created()), r.description());
            }
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Show one run with its curve, evaluations or search iterations.")
    static class ShowRun extends StoreSubcommand {
        @Parameters(index = "0", paramLabel = "ID", description = "Run id (ids are unique across kinds).")
        long id;

        @Option(names = "--json", description = "Print the run as JSON.")
        boolean json;

        @Override
        int run(Workspace workspace, PrintWriter out) {
            RunRef ref = findRun(workspace, id);
            if (json) {
                out.println(json(RunJson.of(workspace, ref)));
                return 0;
            }
            switch (ref.kind()) {
                case PRUNING -> showPruning(workspace, workspace.pruningRuns().get(id), out);
                case RECOVERY -> showRecovery(workspace, workspace.recoveryRuns().get(id), out);
                case SEARCH -> showSearch(workspace, workspace.searches().get(id), out);
            }
            return 0;
        }

        private static void showPruning(Workspace workspace, PruningRun run, PrintWriter out) {
            out.printf("pruning run %d  [%s]%n", run.id(), run.status());
            printModel(workspace, "model", run.modelId(), out);
            out.printf("estimator:     %s%n", run.estimator());
            out.printf("calibration:   %s%n", orDash(run.calibrationSource()));
            out.printf("params:        %s -> %s%n", orDash(run.paramsBefore()), orDash(run.paramsAfter()));
            if (run.outputModelId() != null) {
                printModel(workspace, "output model", run.outputModelId(), out);
            }
            out.printf("plan:          %s%n", run.planJson());
            printTimes(run.created(), run.updated(), run.error(), out);
        }

        private static void showRecovery(Workspace workspace, RecoveryRun run, PrintWriter out) {
            out.printf("recovery run %d  %s  [%s]%n", run.id(), run.name(), run.status());
            printModel(workspace, "model", run.modelId(), out);
            out.printf("pruning run:   %s%n", orDash(run.pruningRunId()));
            out.printf("seed:          %d%n", run.seed());
            out.printf("ranks:         %s%n", orDash(run.rankPlanJson()));
            out.printf("hyper-params:  %s%n", orDash(run.hyperparamsJson()));
            out.printf("adapter:       %s%n", orDash(run.adapterPath()));
            out.printf("trainable:     %s%n", orDash(run.trainableParams()));
            List<CurveRecord> curve = workspace.recoveryRuns().curve(run.id());
            if (curve.isEmpty()) {
                out.println("curve:         none");
            } else {
                CurveRecord last = curve.get(curve.size() - 1);
                out.printf(Locale.ROOT, "curve:         %d points, last step %d train loss %.4f%s%n", curve.size(),
                        last.step(), last.trainLoss(),
                        last.valLoss() == null ? "" : String.format(Locale.ROOT, " val loss %.4f", last.valLoss()));
            }
            List<Evaluation> evaluations = workspace.evaluations().listForRun(run.id());
            if (!evaluations.isEmpty()) {
                out.printf("%-16s %6s %8s %8s %10s%n", "TASK", "N", "ACC", "ACC_NORM", "PPL");
                for (Evaluation e : evaluations) {
                    out.printf(Locale.ROOT, "%-16s %6d %8s %8s %10s%n", e.task(), e.n(), fmt(e.acc()),
                            fmt(e.accNorm()), fmt(e.perplexity()));
                }
            }
            printTimes(run.created(), run.updated(), run.error(), out);
        }

        private static void showSearch(Workspace workspace, Search search, PrintWriter out) {
            out.printf("search %d  [%s]%n", search.id(), search.status());
            printModel(workspace, "model", search.modelId(), out);
            out.printf("objective:     %s%n", search.objective());
            out.printf("space:         %s%n", search.spaceJson());
            out.printf("constraints:   %s%n", orDash(search.constraintsJson()));
            out.printf("fidelity:      %s%n", orDash(search.fidelityJson()));
            List<IterationRecord> iterations = workspace.searches().completedIterations(search.id());
            Optional<IterationRecord> best = iterations.stream().filter(i -> i.actual() != null)
                    .max((a, b) -> Double.compare(a.actual(), b.actual()));
            out.printf("iterations:    %d committed, next index %d%n", iterations.size(),
                    workspace.searches().nextIterationIndex(search.id()));
            best.ifPresent(b -> out.printf(Locale.ROOT, "best:          iteration %d actual %.4f ranks %s%n",
                    b.iteration(), b.actual(), b.rankVectorJson()));
            out.printf("result:        %s%n", orDash(search.resultJson()));
            printTimes(search.created(), search.updated(), search.error(), out);
        }

        private static void printModel(Workspace workspace, String role, long modelId, PrintWriter out) {
            String text = workspace.models().find(modelId)
                    .map(m -> m.id() + " " + m.name() + " (" + m.path() + ", " + m.paramCount() + " params)")
                    .orElse(modelId + " (missing)");
            out.printf("%-14s %s%n", role + ":", text);
        }

        private static void printTimes(Instant created, Instant updated, String error, PrintWriter out) {
            out.printf("created:       %s%n", created);
            out.printf("updated:       %s%n", updated);
            if (error != null) {
                out.printf("note:          %s%n", error);
            }
        }
    }

    @Command(name = "compare", mixinStandardHelpOptions = true,
            description = "Compare recovery methods on a model: tasks as columns plus the average; * marks the best.")
    static class CompareRuns extends StoreSubcommand {
        @Option(names = "--model", required = true, paramLabel = "ID-or-path", description = "Model id or path.")
        String model;

        @Option(names = "--pruning", paramLabel = "ID", description = "Only recovery runs of this pruning run.")
        Long pruning;

        @Option(names = "--metric", paramLabel = "acc|acc_norm", defaultValue = "acc",
                description = "Score to show (default: ${DEFAULT-VALUE}); acc_norm falls back to acc per task.")
        String metric;

        @Option(names = "--json", description = "Print the table as JSON.")
        boolean json;

        @Override
        int run(Workspace workspace, PrintWriter out) {
            ComparisonMetric chosen = switch (metric.toLowerCase(Locale.ROOT)) {
                case "acc" -> ComparisonMetric.ACC;
                case "acc_norm" -> ComparisonMetric.ACC_NORM;
                default -> throw new StoreException("--metric must be acc or acc_norm, got '" + metric + "'");
            };
            ModelRecord resolved = resolveModel(workspace, model);
            ComparisonTable table = workspace.evaluations().compare(resolved.id(), pruning, chosen);
            Map<String, Integer> best = table.bestRows();
            if (json) {
                ObjectNode root = MAPPER.createObjectNode();
                root.put("modelId", resolved.id());
                root.put("metric", chosen.name().toLowerCase(Locale.ROOT));
                ArrayNode tasks = root.putArray("tasks");
                table.tasks().forEach(tasks::add);
                ArrayNode rows = root.putArray("rows");
                for (ComparisonTable.Row row : table.rows()) {
                    ObjectNode node = rows.addObject();
                    node.put("method", row.method());
                    node.put("label", row.label());
                    if (row.runId() == null) {
                        node.putNull("runId");
                    } else {
                        node.put("runId", row.runId());
                    }
                    ObjectNode scores = node.putObject("scores");
                    row.scores().forEach(scores::put);
                    node.put("average", row.average());
                }
                ObjectNode bestNode = root.putObject("best");
                best.forEach(bestNode::put);
                out.println(json(root));
                return 0;
            }
            if (table.rows().isEmpty()) {
                out.println("no evaluations for model " + resolved.id() + " (" + resolved.path() + ")");
                return 0;
            }
            StringBuilder header = new StringBuilder(String.format("%-28s", "METHOD"));
            for (String task : table.tasks()) {
                header.append(String.format(" %12s", abbreviate(task, 12)));
            }
            header.append(String.format(" %12s", "AVERAGE"));
            out.println(header);
            for (int i = 0; i < table.rows().size(); i++) {
                ComparisonTable.Row row = table.rows().get(i);
                String name = row.runId() == null ? row.label() : row.name() + " #" + row.runId();
                StringBuilder line = new StringBuilder(String.format("%-28s", abbreviate(name, 28)));
                for (String task : table.tasks()) {
                    line.append(cell(row.scores().get(task), best.get(task), i));
                }
                line.append(cell(row.average(), best.get(ComparisonTable.AVERAGE_COLUMN), i));
                out.println(line);
            }
            return 0;
        }

        private static String cell(Double value, Integer bestRow, int row) {
            if (value == null || value.isNaN()) {
                return String.format(" %12s", "-");
            }
            String marker = bestRow != null && bestRow == row ? "*" : " ";
            return String.format(Locale.ROOT, " %11.2f%s", value * 100, marker);
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Write a run's newest stored export (e.g. PEFT ranks), or the run itself as JSON if it has none.")
    static class ExportRun extends StoreSubcommand {
        @Parameters(index = "0", paramLabel = "ID", description = "Run id.")
        long id;

        @Option(names = "--kind", paramLabel = "KIND", description = "Only an export of this kind, e.g. peft-ranks.")
        String kind;

        @Option(names = "--out", paramLabel = "FILE", description = "Write here instead of standard output.")
        Path outFile;

        @Override
        int run(Workspace workspace, PrintWriter out) {
            RunRef ref = findRun(workspace, id);
            List<ExportRecord> exports = workspace.exports().listForSource(ref).stream()
                    .filter(e -> kind == null || e.kind().equals(kind))
                    .toList();
            String content;
            if (!exports.isEmpty()) {
                content = exports.get(0).contentJson();
            } else if (kind != null) {
                throw new StoreException(ref + " has no export of kind '" + kind + "'");
            } else {
                content = json(RunJson.of(workspace, ref));
            }
            if (outFile == null) {
                out.println(content);
                return 0;
            }
            try {
                Path parent = outFile.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                Files.writeString(outFile, content.endsWith("\n") ? content : content + "\n", StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new StoreException("cannot write export of " + ref + " to " + outFile + ": " + e.getMessage(), e);
            }
            spec.commandLine().getErr().println("wrote " + outFile);
            return 0;
        }
    }

    /** Builds the full JSON view of a run, embedding its JSON columns as JSON. */
    static final class RunJson {
        private RunJson() {
        }

        static ObjectNode of(Workspace workspace, RunRef ref) {
            ObjectMapper mapper = StoreSubcommand.MAPPER;
            ObjectNode node = mapper.createObjectNode();
            node.put("id", ref.id());
            node.put("kind", ref.kind().name());
            switch (ref.kind()) {
                case PRUNING -> {
                    PruningRun r = workspace.pruningRuns().get(ref.id());
                    node.put("status", r.status().name());
                    node.put("modelId", r.modelId());
                    node.put("estimator", r.estimator());
                    node.put("calibrationSource", r.calibrationSource());
                    node.set("plan", parse(r.planJson()));
                    node.set("groups", parse(r.groupsJson()));
                    node.set("importance", parse(r.importanceJson()));
                    putNullable(node, "paramsBefore", r.paramsBefore());
                    putNullable(node, "paramsAfter", r.paramsAfter());
                    putNullable(node, "outputModelId", r.outputModelId());
                    putTimes(node, r.created(), r.updated(), r.error());
                }
                case RECOVERY -> {
                    RecoveryRun r = workspace.recoveryRuns().get(ref.id());
                    node.put("status", r.status().name());
                    node.put("modelId", r.modelId());
                    putNullable(node, "pruningRunId", r.pruningRunId());
                    node.put("method", r.method().name());
                    node.put("label", r.label());
                    node.set("rankPlan", parse(r.rankPlanJson()));
                    node.set("hyperParameters", parse(r.hyperparamsJson()));
                    node.put("seed", r.seed());
                    node.put("adapterPath", r.adapterPath());
                    putNullable(node, "trainableParams", r.trainableParams());
                    ArrayNode curve = node.putArray("curve");
                    for (CurveRecord p : workspace.recoveryRuns().curve(ref.id())) {
                        ObjectNode point = curve.addObject();
                        point.put("step", p.step());
                        point.put("trainLoss", p.trainLoss());
                        if (p.valLoss() == null) {
                            point.putNull("valLoss");
                        } else {
                            point.put("valLoss", p.valLoss());
                        }
                        point.put("lr", p.learningRate());
                    }
                    ArrayNode evaluations = node.putArray("evaluations");
                    for (Evaluation e : workspace.evaluations().listForRun(ref.id())) {
                        ObjectNode ev = evaluations.addObject();
                        ev.put("task", e.task());
                        ev.put("n", e.n());
                        putNullable(ev, "acc", e.acc());
                        putNullable(ev, "accStderr", e.accStderr());
                        putNullable(ev, "accNorm", e.accNorm());
                        putNullable(ev, "accNormStderr", e.accNormStderr());
                        putNullable(ev, "perplexity", e.perplexity());
                    }
                    putTimes(node, r.created(), r.updated(), r.error());
                }
                case SEARCH -> {
                    Search s = workspace.searches().get(ref.id());
                    node.put("status", s.status().name());
                    node.put("modelId", s.modelId());
                    node.put("objective", s.objective());
                    node.set("space", parse(s.spaceJson()));
                    node.set("constraints", parse(s.constraintsJson()));
                    node.set("fidelity", parse(s.fidelityJson()));
                    node.set("result", parse(s.resultJson()));
                    ArrayNode iterations = node.putArray("iterations");
                    for (IterationRecord i : workspace.searches().completedIterations(ref.id())) {
                        ObjectNode it = iterations.addObject();
                        it.put("iteration", i.iteration());
                        it.set("ranks", parse(i.rankVectorJson()));
                        putNullable(it, "predicted", i.predicted());
                        putNullable(it, "actual", i.actual());
                        it.put("seconds", i.seconds());
                    }
                    putTimes(node, s.created(), s.updated(), s.error());
                }
            }
            return node;
        }

        private static JsonNode parse(String json) {
            if (json == null) {
                return StoreSubcommand.MAPPER.nullNode();
            }
            try {
                return StoreSubcommand.MAPPER.readTree(json);
            } catch (JsonProcessingException e) {
                // Stored text that is not JSON is still shown, as a string.
                return StoreSubcommand.MAPPER.getNodeFactory().textNode(json);
            }
        }

        private static void putNullable(ObjectNode node, String field, Number value) {
            if (value == null) {
                node.putNull(field);
            } else if (value instanceof Double d) {
                node.put(field, d);
            } else {
                node.put(field, value.longValue());
            }
        }

        private static void putTimes(ObjectNode node, Instant created, Instant updated, String error) {
            node.put("created", String.valueOf(created));
            node.put("updated", String.valueOf(updated));
            node.put("error", error);
        }
    }

    static RunRef findRun(Workspace workspace, long id) {
        return workspace.runs().find(id)
                .orElseThrow(() -> new StoreException("no run with id " + id + " in " + workspace.databaseFile()));
    }

    static ModelRecord resolveModel(Workspace workspace, String idOrPath) {
        if (idOrPath.matches("\\d+")) {
            return workspace.models().find(Long.parseLong(idOrPath))
                    .orElseThrow(() -> new StoreException("no model with id " + idOrPath + " in "
                            + workspace.databaseFile()));
        }
        List<ModelRecord> byPath = workspace.models().findByPath(idOrPath);
        if (byPath.isEmpty()) {
            byPath = workspace.models().findByPath(Path.of(idOrPath).toAbsolutePath().normalize().toString());
        }
        if (byPath.isEmpty()) {
            throw new StoreException("no model stored with path " + idOrPath + " in " + workspace.databaseFile());
        }
        return byPath.get(0);
    }

    private static String shortTime(Instant instant) {
        return instant == null ? "-" : instant.toString().substring(0, Math.min(19, instant.toString().length()));
    }

    private static String orDash(Object value) {
        return value == null ? "-" : value.toString();
    }

    private static String fmt(Double value) {
        return value == null ? "-" : String.format(Locale.ROOT, "%.4f", value);
    }

    private static String abbreviate(String text, int width) {
        return text.length() <= width ? text : text.substring(0, width - 1) + "~";
    }
}
