package org.rankadaptor.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.rankadaptor.job.PairedRunComparison;
import org.rankadaptor.job.SearchJob;
import org.rankadaptor.job.StoreSearchJournal;
import org.rankadaptor.search.BaselineVerdict;
import org.rankadaptor.search.SearchIteration;
import org.rankadaptor.store.ComparisonMetric;
import org.rankadaptor.store.ComparisonTable;
import org.rankadaptor.store.ExportRecord;
import org.rankadaptor.store.ModelRecord;
import org.rankadaptor.store.RunKind;
import org.rankadaptor.store.RunRef;
import org.rankadaptor.store.RunStatus;
import org.rankadaptor.store.RunSummary;
import org.rankadaptor.store.Search;
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
        /** Indented; instants as their ISO text ("2024-05-01T10:00:00Z"). */
        static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .registerModule(new SimpleModule().addSerializer(Instant.class, ToStringSerializer.instance));

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

        static String json(Object value) {
            try {
                return MAPPER.writeValueAsString(value);
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
                out.println(json(runs.stream().map(ListedRun::of).toList()));
                return 0;
            }
            if (runs.isEmpty()) {
                out.println("no runs in " + workspace.databaseFile());
                return 0;
            }
            out.printf("%-6s %-9s %-12s %-6s %-20s %s%n", "ID", "KIND", "STATUS", "MODEL", "CREATED", "DESCRIPTION");
            for (RunSummary r : runs) {
                ListedRun.of(r).printLine(out);
            }
            return 0;
        }

        /** One run of the list: a line of the table, or an object of the JSON array. */
        record ListedRun(long id, RunKind kind, RunStatus status, long modelId, String description, Instant created,
                         Instant updated) {
            static ListedRun of(RunSummary r) {
                return new ListedRun(r.ref().id(), r.ref().kind(), r.status(), r.modelId(), r.description(),
                        r.created(), r.updated());
            }

            void printLine(PrintWriter out) {
                out.printf("%-6d %-9s %-12s %-6d %-20s %s%n", id, kind, status, modelId, shortTime(created),
                        description);
            }
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
            RunDetails details = RunDetails.load(workspace, findRun(workspace, id));
            if (json) {
                out.println(json(details));
            } else {
                details.printText(workspace, out);
            }
            return 0;
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

        @Option(names = "--pair", split = ",", paramLabel = "A,B",
                description = "Paired test of two recovery runs (ids; 'none' = the model without adapter) on the same"
                        + " documents: difference with its 95% bootstrap interval, McNemar p, seed noise.")
        List<String> pair;

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
            List<PairedRunComparison.TaskDifference> paired = pair == null ? null : pairedTest(workspace, resolved);
            List<SearchSummary> searches = searches(workspace, resolved.id());
            if (json) {
                out.println(json(new ComparisonJson(resolved.id(), chosen.name().toLowerCase(Locale.ROOT),
                        table.tasks(), table.rows(), best, paired, searches)));
                return 0;
            }
            if (table.rows().isEmpty()) {
                out.println("no evaluations for model " + resolved.id() + " (" + resolved.path() + ")");
                return 0;
            }
            StringBuilder header = new StringBuilder(String.format("%-28s", "METHOD"));
            for (String task : table.tasks()) {
                header.append(String.format(" %15s", abbreviate(task, 15)));
            }
            header.append(String.format(" %15s", "AVERAGE"));
            out.println(header);
            for (int i = 0; i < table.rows().size(); i++) {
                ComparisonTable.Row row = table.rows().get(i);
                String name = row.runId() == null ? row.label() : row.name() + " #" + row.runId();
                StringBuilder line = new StringBuilder(String.format("%-28s", abbreviate(name, 28)));
                for (String task : table.tasks()) {
                    line.append(cell(row.scores().get(task), row.standardErrors().get(task), best.get(task), i));
                }
                line.append(cell(row.average(), null, best.get(ComparisonTable.AVERAGE_COLUMN), i));
                out.println(line);
            }
            out.println("(+- = 95% interval half-width, 1.96 x the harness standard error; * = best in column)");
            if (paired != null) {
                printPaired(paired, out);
            }
            printSearches(searches, out);
            return 0;
        }

        /** The JSON form of the table: rows as the store has them, {@code best} the best row per column. */
        record ComparisonJson(long modelId, String metric, List<String> tasks, List<ComparisonTable.Row> rows,
                              Map<String, Integer> best, List<PairedRunComparison.TaskDifference> pair,
                              List<SearchSummary> searches) {
        }

        /** A stored search of the model, by strategy, with its verdict against uniform. */
        record SearchSummary(long id, String strategy, String status, int evaluations, double baselineScore,
                             double bestScore, String bestRanks, String verdict) {
        }

        private List<PairedRunComparison.TaskDifference> pairedTest(Workspace workspace, ModelRecord model) {
            if (pair.size() != 2) {
                throw new StoreException("--pair needs two runs A,B, got " + pair);
            }
            return PairedRunComparison.compare(workspace, side(model, pair.get(0)), side(model, pair.get(1)),
                    ComparisonMetric.valueOf(metric.toUpperCase(Locale.ROOT)));
        }

        private static PairedRunComparison.Side side(ModelRecord model, String text) {
            if (text.trim().equalsIgnoreCase("none")) {
                return new PairedRunComparison.Side(model.id(), null);
            }
            try {
                return new PairedRunComparison.Side(model.id(), Long.parseLong(text.trim()));
            } catch (NumberFormatException e) {
                throw new StoreException("--pair: '" + text + "' is neither a run id nor 'none'");
            }
        }

        private static List<SearchSummary> searches(Workspace workspace, long modelId) {
            List<SearchSummary> out = new ArrayList<>();
            for (Search search : workspace.searches().list()) {
                if (search.modelId() != modelId) {
                    continue;
                }
                List<SearchIteration> its;
                try {
                    its = new StoreSearchJournal(workspace.searches(), search.id()).completedIterations();
                } catch (IllegalStateException unreadable) {
                    continue; // iterations stored in an older layout: nothing to compare
                }
                if (its.isEmpty() || its.get(0).kind() != SearchIteration.Kind.BASELINE) {
                    continue;
                }
                BaselineVerdict verdict = BaselineVerdict.of(its);
                out.add(new SearchSummary(search.id(), SearchJob.strategyOf(search).toLowerCase(Locale.ROOT),
                        search.status().name(), its.size(), verdict.baselineMean(), verdict.pickMean(),
                        java.util.Arrays.toString(verdict.pickRanks()), verdict.outcome().name()));
            }
            return out;
        }

        private static void printSearches(List<SearchSummary> searches, PrintWriter out) {
            if (searches.isEmpty()) {
                return;
            }
            out.println();
            out.printf("%-8s %-12s %-12s %5s %12s %12s  %-22s %s%n", "SEARCH", "STRATEGY", "STATUS", "N", "UNIFORM",
                    "BEST", "BEST RANKS", "VS UNIFORM");
            for (SearchSummary s : searches) {
                out.printf(Locale.ROOT, "%-8d %-12s %-12s %5d %12.4f %12.4f  %-22s %s%n", s.id(), s.strategy(),
                        s.status(), s.evaluations(), s.baselineScore(), s.bestScore(), s.bestRanks(), s.verdict());
            }
        }

        private static void printPaired(List<PairedRunComparison.TaskDifference> paired, PrintWriter out) {
            out.println();
            out.printf("%-16s %6s %8s %8s %9s %-19s %9s %-4s %-15s %-15s%n", "PAIRED TASK", "DOCS", "A", "B", "A-B",
                    "95% INTERVAL", "MCNEMAR P", "SIG", "SEED SD A", "SEED SD B");
            for (PairedRunComparison.TaskDifference d : paired) {
                String seedA = seedNoise(d.seedNoiseA(), d.seedsA());
                String seedB = seedNoise(d.seedNoiseB(), d.seedsB());
                if (!d.tested()) {
                    out.printf(Locale.ROOT, "%-16s %6s %8.2f %8.2f %9.2f %s%n", abbreviate(d.task(), 16), "-",
                            100 * d.scoreA(), 100 * d.scoreB(), 100 * (d.scoreA() - d.scoreB()), d.note());
                    continue;
                }
                out.printf(Locale.ROOT, "%-16s %6d %8.2f %8.2f %9.2f %-19s %9.4f %-4s %-15s %-15s%n",
                        abbreviate(d.task(), 16), d.documents(), 100 * d.scoreA(), 100 * d.scoreB(),
                        100 * d.bootstrap().difference(), String.format(Locale.ROOT, "[%.2f, %.2f]",
                                100 * d.bootstrap().interval().lower(), 100 * d.bootstrap().interval().upper()),
                        d.mcnemar().pValue(), d.significant() ? "yes" : "no", seedA, seedB);
            }
            out.println("(accuracy points; SIG = the 95% paired bootstrap interval excludes 0; seed sd over runs"
                    + " with the same method and label)");
        }

        private static String seedNoise(double sd, int runs) {
            return runs < 2 ? "-" : String.format(Locale.ROOT, "%.2f (%d runs)", 100 * sd, runs);
        }

        private static String cell(Double value, Double standardError, Integer bestRow, int row) {
            if (value == null || value.isNaN()) {
                return String.format(" %14s", "-");
            }
            String marker = bestRow != null && bestRow == row ? "*" : " ";
            String interval = standardError == null ? "" : String.format(Locale.ROOT, "+-%.1f", 196 * standardError);
            return String.format(Locale.ROOT, " %14s%s", String.format(Locale.ROOT, "%.2f", value * 100) + interval,
                    marker);
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
                content = json(RunDetails.load(workspace, ref));
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

    private static String abbreviate(String text, int width) {
        return text.length() <= width ? text : text.substring(0, width - 1) + "~";
    }
}
