package org.rankadaptor.job;

import org.rankadaptor.lora.AdaLoraAdapter;
import org.rankadaptor.lora.LoraAdapter;
import org.rankadaptor.lora.PeftAdapter;
import org.rankadaptor.lora.RankPlan;
import org.rankadaptor.lora.TrainableAdapter;
import org.rankadaptor.lora.Trainer;
import org.rankadaptor.lora.TrainingData;
import org.rankadaptor.lora.TrainingListener;
import org.rankadaptor.lora.TrainingResult;
import org.rankadaptor.model.CheckpointLoader;
import org.rankadaptor.model.LlamaModel;
import org.rankadaptor.model.TextTokenizer;
import org.rankadaptor.model.Tokenizers;
import org.rankadaptor.store.CurvePoint;
import org.rankadaptor.store.ModelRecord;
import org.rankadaptor.store.NewRecoveryRun;
import org.rankadaptor.store.RecoveryMethod;
import org.rankadaptor.store.Workspace;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

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
        if (recording.workspace().isEmpty()) {
            return train(request, ctx, onStep, null);
        }
        Workspace ws = recording.workspace().get();
        ModelRecord model = ModelCatalog.register(ws, request.modelDir());
        long runId = ws.recoveryRuns().create(new NewRecoveryRun(model.id(), sourcePruningRun(ws, model.id()),
                request.method(), label(request), null, PruneJob.json(hyperParameters(request)), request.training().seed())).id();
        return TrackedRun.run(ws.recoveryRuns(), runId, () -> {
            TrainingListener recorder = point -> {
                ws.recoveryRuns().appendCurvePoint(runId, new CurvePoint(point.step(), point.trainLoss(),
                        point.validationLoss().isPresent() ? point.validationLoss().getAsDouble() : null, point.learningRate()));
                onStep.onStep(point);
            };
            Outcome outcome = train(request, ctx, recorder, runId);
            ws.recoveryRuns().updateRankPlan(runId, PruneJob.json(outcome.finalRanks()));
            ws.recoveryRuns().recordResult(runId, outcome.adapterDir().toAbsolutePath().toString(), outcome.trainableParameters());
            return outcome;
        });
    }

    private static Outcome train(FinetuneRequest request, StageContext ctx, TrainingListener onStep, Long runId) {
        try (LlamaModel model = CheckpointLoader.load(request.modelDir());
             TextTokenizer tokenizer = Tokenizers.load(request.modelDir())) {
            TrainingData.Split data = TrainingData.split(
                    TrainingData.load(request.dataFile(), tokenizer, request.cutoff(), request.lossTokens()),
                    request.validation(), request.training().seed());
            try (TrainableAdapter adapter = createAdapter(request, model)) {
                long trainable = adapter.trainableParameters();
                Trainer trainer = new Trainer(model, adapter, request.training(), onStep);
                TrainingResult result = request.resumeFrom() == null
                        ? trainer.train(data, request.checkpointDir(), ctx)
                        : trainer.resume(request.resumeFrom(), data, request.checkpointDir(), ctx);
                Map<String, Integer> ranks;
                if (adapter instanceof AdaLoraAdapter) {
                    AdaLoraAdapter ada = (AdaLoraAdapter) adapter;
                    ranks = new LinkedHashMap<>(ada.currentRanks());
                    try (LoraAdapter folded = ada.toLora(model)) {
                        PeftAdapter.save(folded, request.outDir(), request.modelDir().toAbsolutePath().toString());
                    }
                } else {
                    LoraAdapter lora = (LoraAdapter) adapter;
                    ranks = new LinkedHashMap<>(lora.plan().ranks());
                    PeftAdapter.save(lora, request.outDir(), request.modelDir().toAbsolutePath().toString());
                }
                return new Outcome(request.outDir(), result, runId, trainable, ranks);
            }
        }
    }

    private static TrainableAdapter createAdapter(FinetuneRequest request, LlamaModel model) {
        long seed = request.training().seed();
        if (request.method() == RecoveryMethod.ADALORA) {
            return AdaLoraAdapter.create(model, request.lora().targets(), request.lora(), request.adalora(), seed);
        }
        RankPlan plan = request.ranks().resolve(model.config(), request.lora().targets());
        return LoraAdapter.create(model, plan, request.lora(), seed);
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

    private static Map<String, Object> hyperParameters(FinetuneRequest request) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("data", request.dataFile().toAbsolutePath().toString());
        h.put("lossTokens", request.lossTokens().name());
        h.put("ranks", request.ranks().toString());
        h.put("lora", request.lora());
        h.put("training", request.training());
        if (request.method() == RecoveryMethod.ADALORA) {
            h.put("adalora", request.adalora());
        }
        h.put("cutoff", request.cutoff());
        return h;
    }
}
