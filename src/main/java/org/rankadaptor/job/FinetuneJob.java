package org.rankadaptor.job;

import org.rankadaptor.stage.StageContext;

import org.rankadaptor.lora.FineTuner;
import org.rankadaptor.lora.FinetuneMethod;
import org.rankadaptor.lora.FinetuneRequest;
import org.rankadaptor.lora.TrainingListener;
import org.rankadaptor.lora.TrainingResult;
import org.rankadaptor.store.CurveRecord;
import org.rankadaptor.store.ModelRecord;
import org.rankadaptor.store.NewRecoveryRun;
import org.rankadaptor.store.RecoveryMethod;
import org.rankadaptor.store.Workspace;
import org.rankadaptor.store.RecoveryRun;
import org.rankadaptor.store.RunStatus;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
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
                new NewRecoveryRun(model.id(), sourcePruningRun(ws, model.id()), recordedAs(request.method()), label(request), null,
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
        FineTuner.Outcome outcome = FineTuner.run(request, onStep, ctx, log);
        Map<String, Integer> ranks = new LinkedHashMap<>(outcome.adaloraRanks() != null
                ? outcome.adaloraRanks() : outcome.exportedPlan().ranks());
        return new Outcome(request.adapterDir(), outcome.training(), runId, outcome.trainableParameters(), ranks);
    }

    /** How the store records a fine-tune's method (the store knows no stage types). */
    static RecoveryMethod recordedAs(FinetuneMethod method) {
        return switch (method) {
            case LORA -> RecoveryMethod.LORA;
            case ADALORA -> RecoveryMethod.ADALORA;
            case RANKADAPTOR -> RecoveryMethod.RANKADAPTOR;
            case CUSTOM -> RecoveryMethod.CUSTOM;
        };
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
            case RANKADAPTOR:
                return "RankAdaptor ranks from " + fileAndFolder(request.ranks().file());
            default:
                return "Custom plan " + (request.ranks().file() == null ? request.ranks().toString()
                        : fileAndFolder(request.ranks().file()));
        }
    }

    /** "search-3/rankadaptor_ranks.json": the file name alone says nothing when every search writes the same one. */
    private static String fileAndFolder(Path file) {
        if (file == null) {
            return "-";
        }
        Path parent = file.toAbsolutePath().getParent();
        return (parent == null || parent.getFileName() == null ? "" : parent.getFileName() + "/") + file.getFileName();
    }

    /**
     * A resume continues the stored run it resumes: the newest cancelled, failed or interrupted run of this model with the same
     * method and settings (output directory included), so the curve goes on in the same row.
     */
    private static Optional<Long> resumedRun(Workspace ws, long modelId, FinetuneRequest request,
                                             String hyperParameters) {
        if (request.resumeFrom() == null) {
            return Optional.empty();
        }
        return ws.recoveryRuns().listForModel(modelId).stream()
                .filter(r -> r.status() == RunStatus.CANCELLED || r.status() == RunStatus.FAILED
                        || r.status() == RunStatus.INTERRUPTED)
                .filter(r -> r.method() == recordedAs(request.method()) && hyperParameters.equals(r.hyperparamsJson()))
                .max(Comparator.comparing(RecoveryRun::created).thenComparing(RecoveryRun::id))
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
        if (request.trainsAdaLora()) {
            h.put("adalora", request.adalora());
        }
        h.put("cutoff", request.cutoff());
        if (request.trainRows() > 0) {
            h.put("trainRows", request.trainRows());
        }
        return h;
    }
}
