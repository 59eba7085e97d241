package org.rankadaptor.job;

import org.rankadaptor.stage.StageContext;

import org.rankadaptor.lora.FineTuneJob;
import org.rankadaptor.lora.FineTuner;
import org.rankadaptor.lora.TrainingListener;
import org.rankadaptor.lora.TrainingResult;
import org.rankadaptor.model.CheckpointLoader;
import org.rankadaptor.store.CurveRecord;
import org.rankadaptor.store.ModelRecord;
import org.rankadaptor.store.NewRecoveryRun;
import org.rankadaptor.store.RecoveryMethod;
import org.rankadaptor.store.Workspace;
import org.rankadaptor.store.RecoveryRun;
import org.rankadaptor.store.RunStatus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/** Recovery fine-tuning as the CLI and the GUI run it: train, export the PEFT adapter, record run and curve. */
public final class FinetuneJob {
    /**
     * @param finalRanks rank of each module at the end (AdaLoRA prunes ranks while training)
     */
    public record Outcome(Path adapterDir, TrainingResult result, Long recoveryRunId, long trainableParameters,
                          Map<String, Integer> finalRanks) {
    }

    private FinetuneJob() {
    }

    /** Trainable parameters the request would train, for printing before a run starts. */
    public static long trainableParameters(FinetuneRequest request) {
        var config = CheckpointLoader.readConfig(request.modelDir());
        if (request.method() == RecoveryMethod.ADALORA) {
            long perRank = 0;
            for (int layer = 0; layer < config.numLayers(); layer++) {
                for (var p : request.lora().targets()) {
                    long[] shape = p.weightShape(config, layer);
                    perRank += shape[0] + shape[1] + 1;
                }
            }
            return perRank * request.adalora().initR();
        }
        return request.ranks().resolve(config, request.lora().targets()).trainableParameters(config);
    }

    public static Outcome run(FinetuneRequest request, StageContext ctx, Recording recording, TrainingListener onStep) {
        return run(request, ctx, recording, onStep, line -> ctx.report("finetune", 0, -1, line));
    }

    /** @param log receives the stage's readable lines (data sizes, trainable parameters before training, outputs) */
    public static Outcome run(FinetuneRequest request, StageContext ctx, Recording recording, TrainingListener onStep,
                              Consumer<String> log) {
        if (recording.workspace().isEmpty()) {
            return train(request, ctx, onStep, null, log);
        }
        Workspace ws = recording.workspace().get();
        ModelRecord model = ModelCatalog.register(ws, request.modelDir());
        String hyperParameters = PruneJob.json(hyperParameters(request));
        long runId = resumedRun(ws, model.id(), request, hyperParameters).orElseGet(() -> ws.recoveryRuns().create(
                new NewRecoveryRun(model.id(), sourcePruningRun(ws, model.id()), request.method(), label(request), null,
                        hyperParameters, request.training().seed())).id());
        return TrackedRun.run(ws.recoveryRuns(), runId, () -> {
            TrainingListener recorder = point -> {
                ws.recoveryRuns().appendCurvePoint(runId, new CurveRecord(point.step(), point.trainLoss(),
                        point.validationLoss().isPresent() ? point.validationLoss().getAsDouble() : null, point.learningRate()));
                onStep.onStep(point);
            };
            Outcome outcome = train(request, ctx, recorder, runId, log);
            ws.recoveryRuns().updateRankPlan(runId, PruneJob.json(outcome.finalRanks()));
            ws.recoveryRuns().recordResult(runId, outcome.adapterDir().toAbsolutePath().toString(), outcome.trainableParameters());
            return outcome;
        });
    }

    private static Outcome train(FinetuneRequest request, StageContext ctx, TrainingListener onStep, Long runId,
                                 Consumer<String> log) {
        FineTuneJob job = toStage(request);
        FineTuner.Outcome outcome = FineTuner.run(job, onStep, ctx, log);
        Map<String, Integer> ranks = new LinkedHashMap<>(outcome.adaloraRanks() != null
                ? outcome.adaloraRanks() : outcome.exportedPlan().ranks());
        return new Outcome(job.adapterDir(), outcome.training(), runId, outcome.trainableParameters(), ranks);
    }

    /** The recovery stage's own job description; per-layer ranks travel as a plan file kept beside the adapter. */
    static FineTuneJob toStage(FinetuneRequest request) {
        boolean adalora = request.method() == RecoveryMethod.ADALORA;
        RankChoice ranks = request.ranks();
        Path planFile = ranks.file();
        if (!adalora && ranks.layerRanks() != null) {
            planFile = request.outDir().resolve("rank_plan.json");
            try {
                Files.createDirectories(request.outDir());
                Files.writeString(planFile, PruneJob.json(Map.of("ranks", ranks.layerRanks())));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + planFile + ": " + e.getMessage(), e);
            }
        }
        return new FineTuneJob(request.modelDir(), request.dataFile(), request.outDir(),
                adalora ? FineTuneJob.Method.ADALORA : FineTuneJob.Method.LORA,
                ranks.uniformRank() > 0 ? ranks.uniformRank() : 8, adalora ? null : planFile, request.lora(),
                request.adalora(), request.training(), request.cutoff(), request.lossTokens(), request.validation(),
                request.resumeFrom(), request.mergeDir(), request.placement(), request.trainRows());
    }

    /** The pruning run that produced this model, when the store knows it. */
    private static Long sourcePruningRun(Workspace ws, long modelId) {
        return ws.pruningRuns().list().stream()
                .filter(r -> r.outputModelId() != null && r.outputModelId() == modelId)
                .map(r -> r.id()).reduce((a, b) -> b).orElse(null);
    }

    private static String label(FinetuneRequest request) {
        switch (request.method()) {
            case ADALORA:
                return "AdaLoRA r" + request.adalora().initR() + "->" + request.adalora().targetR();
            case LORA:
                return "LoRA " + request.ranks();
            default:
                return request.method().name() + " " + request.ranks();
        }
    }

    /**
     * A resume continues the stored run it resumes: the newest cancelled, failed or interrupted run of this model with the same
     * method and settings (output directory included), so the curve goes on in the same row.
     */
    private static java.util.Optional<Long> resumedRun(Workspace ws, long modelId, FinetuneRequest request,
                                                       String hyperParameters) {
        if (request.resumeFrom() == null) {
            return java.util.Optional.empty();
        }
        return ws.recoveryRuns().listForModel(modelId).stream()
                .filter(r -> r.status() == RunStatus.CANCELLED || r.status() == RunStatus.FAILED
                        || r.status() == RunStatus.INTERRUPTED)
                .filter(r -> r.method() == request.method() && hyperParameters.equals(r.hyperparamsJson()))
                .max(java.util.Comparator.comparing(RecoveryRun::created).thenComparing(RecoveryRun::id))
                .map(RecoveryRun::id);
    }

    private static Map<String, Object> hyperParameters(FinetuneRequest request) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("out", request.outDir().toAbsolutePath().normalize().toString());
        h.put("data", request.dataFile().toAbsolutePath().toString());
        h.put("lossTokens", request.lossTokens().name());
        h.put("ranks", request.ranks().toString());
        h.put("lora", request.lora());
        h.put("training", request.training());
        if (request.method() == RecoveryMethod.ADALORA) {
            h.put("adalora", request.adalora());
        }
        h.put("cutoff", request.cutoff());
        if (request.trainRows() > 0) {
            h.put("trainRows", request.trainRows());
        }
        return h;
    }
}
