package org.rankadaptor.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.rankadaptor.job.PerformanceModelCheckJob;
import org.rankadaptor.search.PerformanceModelCheck;
import org.rankadaptor.search.PredictiveModel;
import org.rankadaptor.stage.StageContext;
import org.rankadaptor.store.Workspace;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code perf-model}: tools around the performance model. */
@Command(name = "perf-model", mixinStandardHelpOptions = true,
        description = "Check how well performance models rank configurations they have not seen.",
        subcommands = {PerfModelCommand.Check.class})
public class PerfModelCommand implements Runnable {
    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Held-out Spearman, Kendall, MAE and calibration (share within 1 and 2 predicted sigma) of"
                    + " the single MLP, the MLP ensemble, a ridge baseline and a Gaussian process, on a measurement"
                    + " file (JSONL) or a stored search. Repeats of a configuration stay on one side of every split."})
    static class Check implements Callable<Integer> {
        private static final ObjectMapper JSON = new ObjectMapper();

        @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "measurement file (JSONL)")
        Path file;

        @Option(names = "--search", paramLabel = "ID", description = "a stored search instead of a file")
        Long searchId;

        @Option(names = "--train", paramLabel = "N", defaultValue = "0",
                description = "fit on N random configurations per split, hold out the rest (default: K-fold)")
        int train;

        @Option(names = "--folds", paramLabel = "K", defaultValue = "5",
                description = "folds, or random splits with --train (default ${DEFAULT-VALUE})")
        int folds;

        @Option(names = "--task", paramLabel = "NAME", description = "score to model (default: mean over tasks)")
        String task;

        @Option(names = "--models", split = ",", paramLabel = "mlp,mlp-ensemble,ridge,gp",
                description = "surrogates to compare (default: all)")
        List<String> models;

        @Option(names = "--features", defaultValue = "ranks", paramLabel = "ranks|ranks+total+kept",
                description = "inputs: ranks only, or ranks + total rank + per-layer kept fraction (default ${DEFAULT-VALUE})")
        String features;

        @Option(names = "--seed", defaultValue = "42")
        long seed;

        @Option(names = "--json", description = "print the report as JSON (format " + PerformanceModelCheck.FORMAT + ")")
        boolean json;

        @Option(names = "--workspace", paramLabel = "DIR", description = "workspace for --search (default $RANKADAPTOR_WORKSPACE or ~/.rankadaptor)")
        Path workspace;

        @Override
        public Integer call() throws Exception {
            if ((file == null) == (searchId == null)) {
                throw new IllegalArgumentException("give either a measurement FILE or --search ID");
            }
            List<PredictiveModel.Kind> kinds = models == null ? Arrays.asList(PredictiveModel.Kind.values())
                    : models.stream().map(PredictiveModel.Kind::parse).toList();
            PerformanceModelCheck.Protocol protocol = new PerformanceModelCheck.Protocol(train, folds, seed,
                    PerformanceModelCheck.Features.parse(features), kinds);
            StageContext ctx = new StageContext(TerminalProgress.forStderr(), Interrupts.cancelCheck());
            PerformanceModelCheck.Report report;
            if (file != null) {
                report = PerformanceModelCheckJob.onFile(file, task, protocol, ctx);
            } else {
                try (Workspace ws = Workspace.openExisting(workspace != null ? workspace : Workspace.defaultDirectory())) {
                    report = PerformanceModelCheckJob.onSearch(ws, searchId, protocol, ctx);
                }
            }
            System.out.print(json ? JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report.toJson()) + "\n"
                    : report.table());
            return 0;
        }
    }
}
