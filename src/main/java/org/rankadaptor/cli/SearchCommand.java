package org.rankadaptor.cli;

import org.rankadaptor.cluster.ClusterBackend;
import org.rankadaptor.job.MeasurementBackend;
import org.rankadaptor.job.SearchJob;
import org.rankadaptor.job.SearchObjective;
import org.rankadaptor.job.SearchRequest;
import org.rankadaptor.job.SearchRequestBuilder;
import org.rankadaptor.stage.StageContext;
import org.rankadaptor.lora.ActivationCheckpointing;
import org.rankadaptor.lora.LoraSettings;
import org.rankadaptor.search.SearchIteration;
import org.rankadaptor.search.SearchResult;
import org.rankadaptor.search.BaselineVerdict;
import org.rankadaptor.search.SearchSettings;
import org.rankadaptor.store.Workspace;
import org.rankadaptor.model.CheckpointLoader;
import org.rankadaptor.lora.RankPlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "search", mixinStandardHelpOptions = true,
        description = {"RankAdaptor: search per-layer LoRA ranks for a pruned model with a performance model.",
            "Each measurement fine-tunes a LoRA adapter with the candidate ranks and scores it on the objective;",
            "--steps, --batch-size, --lr, --train-rows, --cutoff and --eval-limit set what one measurement costs;",
            "--parallel K measures K candidates at once on worker JVMs (see docs/SCALE_OUT.md)."})
public class SearchCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "PRUNED_MODEL_DIR", description = "model to recover (pruning.json says which layers to search)")
    Path modelDir;

    @Option(names = "--data", required = true, paramLabel = "FILE", description = "fine-tuning data: Alpaca JSON or text JSONL")
    Path data;

    @Mixin
    TrainingOptions training = new TrainingOptions(SearchRequestBuilder.BATCH_SIZE, SearchRequestBuilder.MICRO_BATCH,
            SearchRequestBuilder.CUTOFF, SearchRequestBuilder.LEARNING_RATE, SearchRequestBuilder.TRAIN_ROWS);

    @Option(names = "--objective", required = true, paramLabel = "SPEC",
            description = "ppl:FILE (maximise -perplexity), tasks:boolq,piqa (mean acc, points) or tasks-norm:... (acc_norm)")
    String objective;

    @Option(names = "--tasks-dir", paramLabel = "DIR", description = "task files (default $RANKADAPTOR_DATA/tasks)")
    Path tasksDir;

    @Option(names = "--iterations", defaultValue = "" + SearchRequestBuilder.ITERATIONS, description = "measurements at most, initial ones included (default ${DEFAULT-VALUE})")
    int iterations;

    @Option(names = "--initial", defaultValue = "" + SearchRequestBuilder.INITIAL_SAMPLES, description = "random initial measurements besides the uniform baseline (default ${DEFAULT-VALUE})")
    int initial;

    @Option(names = "--threshold", defaultValue = "" + SearchRequestBuilder.THRESHOLD, paramLabel = "T|Ksigma",
            description = "stop when |predicted - actual| <= T twice in a row, in objective units, or in noise units"
                    + " as '1sigma' (K standard errors of a configuration's mean, from the repeats; default ${DEFAULT-VALUE})")
    String threshold;

    @Option(names = "--strategy", defaultValue = SearchRequestBuilder.STRATEGY, paramLabel = "rankadaptor|random|grid",
            description = "rankadaptor: the performance model picks; random: distinct random configurations with the"
                    + " same budget, baseline and initial points; grid: every feasible configuration (default ${DEFAULT-VALUE})")
    String strategy;

    @Option(names = "--repeats", defaultValue = "" + SearchRequestBuilder.REPEATS, paramLabel = "R",
            description = "measure each configuration R times with seeds seed..seed+R-1 (default ${DEFAULT-VALUE})")
    int repeats;

    @Option(names = "--baseline-repeats", defaultValue = "" + SearchRequestBuilder.BASELINE_REPEATS, paramLabel = "N",
            description = "measurements of the uniform baseline, at least R (default ${DEFAULT-VALUE}: the search knows its noise)")
    int baselineRepeats;

    @Option(names = "--grid-limit", defaultValue = "" + SearchRequestBuilder.GRID_LIMIT, paramLabel = "N",
            description = "grid refuses spaces with more feasible configurations (default ${DEFAULT-VALUE})")
    int gridLimit;

    @Option(names = "--candidates", defaultValue = "" + SearchRequestBuilder.CANDIDATES, description = "configurations sampled and predicted per iteration (default ${DEFAULT-VALUE})")
    int candidates;

    @Option(names = "--ranks", defaultValue = SearchRequestBuilder.RANK_CANDIDATES, split = ",", description = "rank candidates per searched layer (default ${DEFAULT-VALUE})")
    int[] ranks;

    @Option(names = "--fixed-rank", defaultValue = "" + SearchRequestBuilder.FIXED_RANK, description = "rank of layers not searched (default ${DEFAULT-VALUE})")
    int fixedRank;

    @Option(names = "--layers", split = ",", description = "1-based layers to search (default: the pruned layers from pruning.json)")
    List<Integer> layers = new ArrayList<>();

    @Option(names = "--budget", defaultValue = SearchRequestBuilder.BUDGET,
            description = "none, uniform8 (at most uniform rank 8's trainable parameters) or within:P (within P%% of uniform 8)")
    String budget;

    @Option(names = "--ucb", description = "pick by mean + kappa * std over the 5-model ensemble instead of the mean")
    boolean ucb;

    @Option(names = "--meta", paramLabel = "FILE", description = "measurement files (JSONL) to meta-learn the performance model from")
    List<Path> metaFiles = new ArrayList<>();

    @Option(names = "--steps", defaultValue = "" + SearchRequestBuilder.STEPS, description = "fidelity: fine-tuning steps per measurement (default ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--eval-limit", defaultValue = "" + SearchRequestBuilder.EVAL_LIMIT, description = "fidelity: perplexity windows or documents per task, 0 = all (default ${DEFAULT-VALUE})")
    int evalLimit;

    @Option(names = "--seed", defaultValue = "" + SearchRequestBuilder.SEED, description = "seed of sampling, adapters and data order (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--resume", paramLabel = "SEARCH_ID", description = "continue a stored search (same settings) from its last committed iteration")
    Long resumeId;

    @Option(names = "--parallel", defaultValue = "1", paramLabel = "K",
            description = "candidates measured at once, on worker JVMs (default ${DEFAULT-VALUE}: one at a time, in this process)")
    int parallel;

    @Option(names = "--local-workers", defaultValue = "0", paramLabel = "N",
            description = "worker JVMs to start on this machine, bound to 127.0.0.1: one per GPU with --device gpu,"
                    + " else one CPU slot each (default: K of them when --parallel K > 1 and no --members)")
    int localWorkers;

    @Option(names = "--members", split = ",", paramLabel = "HOST:PORT",
            description = "use running workers (`rankadaptor worker`) reachable at these members instead")
    List<String> members = new ArrayList<>();

    @Option(names = "--cluster", paramLabel = "file:PATH|env:VAR",
            description = "where the cluster secret of --members is read (default env:RANKADAPTOR_CLUSTER)")
    String cluster;

    @Option(names = "--worker-threads", defaultValue = "0", paramLabel = "T",
            description = "PyTorch threads of each local worker (default 0: PyTorch's choice)")
    int workerThreads;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "where rank JSON and the PEFT adapter_config.json go")
    Path out;

    @Mixin
    WorkspaceOption store;

    @Mixin
    DeviceOption device;

    @Override
    public Integer call() {
        SearchObjective parsedObjective = SearchObjective.parse(objective);
        // a perplexity objective reads no task files, so it needs no tasks directory
        Path tasks = tasksDir != null ? tasksDir : parsedObjective.isPerplexity() ? null : CliPaths.defaultTasksDir();
        SearchRequestBuilder builder = new SearchRequestBuilder(modelDir, data, parsedObjective, out)
                .tasksDir(tasks)
                .ranks(ranks, fixedRank, SearchRequestBuilder.parseBudget(budget))
                .fidelity(steps, training.batchSize, training.microBatch, training.trainRows, evalLimit,
                        training.learningRate, training.cutoff)
                .loop(initial, candidates, iterations, SearchRequestBuilder.THRESHOLD,
                        ucb ? SearchSettings.Acquisition.UPPER_CONFIDENCE_BOUND : SearchSettings.Acquisition.GREEDY, seed)
                .threshold(threshold)
                .strategy(SearchSettings.Strategy.parse(strategy), gridLimit)
                .repeats(repeats, baselineRepeats)
                .targets(training.targetModules())
                .scope(layers.stream().map(l -> l - 1).toList(), metaFiles)
                .placement(device.placement())
                .parallel(parallel, localWorkers, members, cluster, workerThreads);
        SearchRequest request = builder.build();
        MeasurementBackend backend = ClusterBackend.forSearch(builder.parallelism(), request.placement(),
                out.resolve("workers"), request.settings()::repeatsFor);
        var config = CheckpointLoader.readConfig(modelDir);
        int largestRank = Math.max(fixedRank, Arrays.stream(ranks).max().orElse(fixedRank));
        device.requireTrainingFits(config, training.microBatch, training.cutoff, RankPlan.uniform(config,
                request.lora().targets(), largestRank).trainableParameters(config), ActivationCheckpointing.AUTO,
                new java.io.PrintWriter(System.out, true),
                "a search measurement (largest ranks)");
        StageContext ctx = new StageContext(TerminalProgress.forStderr(), Interrupts.cancelCheck());
        Optional<Workspace> ws = store.open();
        try {
            SearchJob.Outcome outcome;
            if (resumeId != null) {
                outcome = SearchJob.resume(resumeId, request, ctx, ws.orElseThrow(() ->
                        new IllegalArgumentException("--resume needs a workspace (--workspace DIR)")), SearchCommand::print,
                        backend);
            } else {
                outcome = SearchJob.run(request, ctx, WorkspaceOption.recording(ws), SearchCommand::print, backend);
            }
            SearchResult r = outcome.result();
            System.out.printf(Locale.ROOT, "stopped: %s after %d measurements%n", r.stopReason(), r.evaluations());
            System.out.printf(Locale.ROOT, "best measured:  %s  score %.4f%s%n", Arrays.toString(r.bestMeasuredRanks()),
                    r.bestMeasuredScore(), Double.isFinite(r.bestMeasuredPredicted())
                            ? String.format(Locale.ROOT, " (predicted %.4f)", r.bestMeasuredPredicted()) : "");
            if (r.bestPredictedRanks() != null && Double.isFinite(r.bestPredictedScore())) {   // none without a model
                System.out.printf(Locale.ROOT, "best predicted: %s  score %.4f%n", Arrays.toString(r.bestPredictedRanks()),
                        r.bestPredictedScore());
            }
            System.out.println("verdict:        " + BaselineVerdict.of(r).sentence());
            System.out.println("wrote " + out + (outcome.searchId() == null ? "" : " (search " + outcome.searchId() + ")"));
            return 0;
        } finally {
            ws.ifPresent(Workspace::close);
        }
    }

    private static void print(SearchIteration it) {
        System.out.printf(Locale.ROOT, "iteration %2d %-8s ranks %s predicted %s actual %.4f (%.1f s)%n", it.index(),
                it.kind(), Arrays.toString(it.ranks()),
                Double.isFinite(it.predicted()) ? String.format(Locale.ROOT, "%.4f", it.predicted()) : "-", it.actual(), it.seconds());
        if (it.repeats() > 1) {
            System.out.println("              repeats " + Arrays.toString(it.scores()));
        }
    }
}
