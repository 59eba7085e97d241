package org.rankadaptor.cli;

import org.rankadaptor.job.PruneJob;
import org.rankadaptor.job.PruneRequest;
import org.rankadaptor.stage.StageContext;
import org.rankadaptor.model.CheckpointException;
import org.rankadaptor.model.CheckpointLoader;
import org.rankadaptor.model.LlamaConfig;
import org.rankadaptor.prune.CalibrationSet;
import org.rankadaptor.prune.DepthPlan;
import org.rankadaptor.prune.Estimator;
import org.rankadaptor.prune.LayerRange;
import org.rankadaptor.prune.PrunePlan;
import org.rankadaptor.prune.PrunePlanException;
import org.rankadaptor.prune.PruningResult;
import org.rankadaptor.store.Workspace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code rankadaptor prune MODEL_DIR --out DIR ...}: LLM-Pruner width pruning of layer ranges and/or Shortened-LLaMA
 * depth pruning. Layers are numbered from 1 and ranges are inclusive: "--ranges 5-30:0.25" prunes layers 5 to 30.
 */
@Command(name = "prune", mixinStandardHelpOptions = true,
        description = {"Prune a LLaMA checkpoint structurally (attention groups and MLP channels per layer range) "
                + "and/or by whole blocks, and save a reloadable checkpoint with pruning.json.",
            "Layers are numbered from 1; ranges are inclusive (\"1-3\" = layers 1, 2 and 3)."})
public final class PruneCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL_DIR", description = "Hugging Face LLaMA checkpoint directory")
    Path modelDir;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output checkpoint directory")
    Path out;

    @Option(names = "--ranges", paramLabel = "RANGE",
            description = "FIRST-LAST[:RATIO | :ATTN:MLP], 1-based inclusive, repeatable; without ratios --attn-ratio/--mlp-ratio apply")
    List<String> ranges = new ArrayList<>();

    @Option(names = "--attn-ratio", description = "attention ratio for ranges given without one (all layers if no --ranges)")
    Double attentionRatio;

    @Option(names = "--mlp-ratio", description = "MLP ratio for ranges given without one (defaults to --attn-ratio)")
    Double mlpRatio;

    @Option(names = "--global-target", description = "solve for the range ratio that removes this fraction of all parameters "
            + "(one range, given without a ratio; all layers if no --ranges)")
    Double globalTarget;

    @Option(names = "--estimator", defaultValue = "taylor-element1",
            description = "random, l1, l2, taylor-vectorize, taylor-element1, taylor-element2, taylor-mix (default ${DEFAULT-VALUE})")
    String estimator;

    @Option(names = "--channel-multiple", defaultValue = "1", description = "keep MLP channels a multiple of this (default ${DEFAULT-VALUE})")
    int channelMultiple;

    @Option(names = "--seed", defaultValue = "0", description = "seed of the random estimator")
    long seed;

    @Mixin
    CalibrationOptions calibrationOptions;

    @Option(names = "--depth", description = "remove this many whole blocks (after width pruning, if any)")
    Integer depth;

    @Option(names = "--depth-method", defaultValue = "taylor", description = "taylor (Taylor+) or ppl (default ${DEFAULT-VALUE})")
    String depthMethod;

    @Option(names = "--keep-first", defaultValue = "" + DepthPlan.DEFAULT_KEEP_FIRST, description = "depth pruning never removes the first N blocks (default ${DEFAULT-VALUE})")
    int keepFirst;

    @Mixin
    WorkspaceOption store;

    @Mixin
    DeviceOption device;

    @Option(names = "--keep-last", defaultValue = "" + DepthPlan.DEFAULT_KEEP_LAST, description = "depth pruning never removes the last N blocks (default ${DEFAULT-VALUE})")
    int keepLast;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            run(stdout, new StageContext(TerminalProgress.on(err), Interrupts.cancelCheck()));
            stdout.flush();
            return 0;
        } catch (PrunePlanException | IllegalArgumentException | IllegalStateException | CheckpointException
                 | UncheckedIOException e) {
            err.println("prune: " + e.getMessage());
            err.flush();
            return 2;
        }
    }

    private void run(PrintWriter stdout, StageContext ctx) {
        Estimator est = Estimator.fromName(estimator);
        DepthPlan depthPlan = depth == null ? null
                : new DepthPlan(depth, DepthPlan.Method.fromName(depthMethod), keepFirst, keepLast);
        boolean width = !ranges.isEmpty() || attentionRatio != null || globalTarget != null;
        if (!width && depthPlan == null) {
            throw new IllegalArgumentException("nothing to prune: give --ranges, --attn-ratio, --global-target or --depth");
        }
        LlamaConfig config = CheckpointLoader.readConfig(modelDir);
        PrunePlan plan = width ? plan(config) : null;
        if (plan != null) {
            plan.validate(config);
            for (LayerRange r : plan.ranges()) {
                stdout.printf(Locale.ROOT, "range %s (1-based layers %d-%d): attention %.4f, mlp %.4f%n", r.toCli(),
                        r.firstLayer() + 1, r.lastLayer() + 1, r.attentionRatio(), r.mlpRatio());
            }
        }
        boolean needsCalibration = (plan != null && est.needsGradients()) || depthPlan != null;
        if (needsCalibration) {
            device.requireImportanceFits(config, calibrationOptions.samples, calibrationOptions.seqLen,
                    est.gradientBuffersPerWeight(), stdout, "pruning");
        }
        CalibrationSet calib = needsCalibration ? calibrationOptions.load(modelDir) : null;
        stdout.printf(Locale.ROOT, "parameters before: %,d%n", config.totalParameters());
        Optional<Workspace> ws = store.open();
        try {
            PruneJob.Outcome outcome = PruneJob.run(new PruneRequest(modelDir, plan, depthPlan, calib, seed, out, device.placement()), ctx,
                    WorkspaceOption.recording(ws));
            PruningResult result = outcome.result();
            if (result.removedBlocks() != null) {
                stdout.println("removed blocks (1-based, of the width-pruned model): "
                        + result.removedBlocks().stream().map(b -> b + 1).toList());
            }
            long before = result.parametersBefore();
            long after = result.parametersAfter();
            stdout.printf(Locale.ROOT, "parameters after:  %,d (%.2f%% fewer)%n", after, 100.0 * (before - after) / before);
            stdout.println("wrote " + out + (outcome.pruningRunId() == null ? "" : " (pruning run " + outcome.pruningRunId() + ")"));
        } finally {
            ws.ifPresent(Workspace::close);
        }
    }

    private PrunePlan plan(LlamaConfig config) {
        int layers = config.numLayers();
        Estimator est = Estimator.fromName(estimator);
        if (globalTarget != null) {
            if (ranges.size() > 1 || attentionRatio != null || mlpRatio != null || ranges.stream().anyMatch(r -> r.contains(":"))) {
                throw new PrunePlanException("--global-target takes one range without ratios (e.g. --ranges 5-30) and no --attn-ratio/--mlp-ratio");
            }
            LayerRange span = ranges.isEmpty() ? new LayerRange(0, layers - 1, 0, 0) : LayerRange.parse(ranges.get(0) + ":0");
            return PrunePlan.forGlobalTarget(config, span.firstLayer(), span.lastLayer(), globalTarget, est,
                    channelMultiple, seed);
        }
        List<LayerRange> parsed = new ArrayList<>();
        if (ranges.isEmpty()) {
            parsed.add(new LayerRange(0, layers - 1, attentionRatio, mlpRatio == null ? attentionRatio : mlpRatio));
        }
        for (String r : ranges) {
            if (r.contains(":")) {
                parsed.add(LayerRange.parse(r));
            } else if (attentionRatio == null) {
                throw new PrunePlanException("range '" + r + "' has no ratio: write " + r + ":0.2 or pass --attn-ratio");
            } else {
                parsed.add(LayerRange.parse(r + ":" + attentionRatio + ":" + (mlpRatio == null ? attentionRatio : mlpRatio)));
            }
        }
        return new PrunePlan(parsed, est, channelMultiple, seed);
    }
}
