package org.rankadaptor.lora;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.rankadaptor.stage.StageContext;
import org.rankadaptor.model.CheckpointLoader;
import org.rankadaptor.model.LlamaModel;
import org.rankadaptor.model.TextTokenizer;
import org.rankadaptor.model.Tokenizers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The recovery stage end to end: load model and data, build the adapter, train (or resume), export the PEFT adapter
 * to {@code out/adapter} (AdaLoRA folded to plain LoRA), optionally merge into a full model. Training state is
 * checkpointed to {@code out/checkpoint}.
 */
public final class FineTuner {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a run produced. */
    public record Outcome(TrainingResult training, long trainableParameters, RankPlan exportedPlan,
                          Map<String, Integer> adaloraRanks) {
    }

    private FineTuner() {
    }

    /**
     * @param log receives human-readable lines (the trainable parameter count first, before training starts)
     */
    public static Outcome run(FinetuneRequest request, TrainingListener listener, StageContext context,
                              Consumer<String> log) {
        try (LlamaModel model = CheckpointLoader.load(request.modelDir(), request.placement());
             TextTokenizer tokenizer = Tokenizers.load(request.modelDir(), model.config())) {
            List<TrainingExample> all = TrainingData.load(request.dataFile(), tokenizer, request.cutoff(), request.lossTokens());
            if (request.trainRows() > 0 && all.size() > request.trainRows()) {
                all = all.subList(0, request.trainRows());
            }
            TrainingData.Split split = TrainingData.split(all, request.validation(), request.training().seed());
            log.accept("data: " + split.train().size() + " training rows, " + split.validation().size()
                    + " validation rows from " + request.dataFile());
            try (TrainableAdapter adapter = createAdapter(request, model)) {
                long trainable = adapter.trainableParameters();
                log.accept("trainable parameters: " + trainable + " (" + describe(request, adapter, model) + ")");
                context.checkCancelled("finetune setup");
                Trainer trainer = new Trainer(model, adapter, request.training(), listener);
                TrainingResult result = request.resumeFrom() == null
                        ? trainer.train(split, request.checkpointDir(), context)
                        : trainer.resume(request.resumeFrom(), split, request.checkpointDir(), context);
                Map<String, Integer> ranks = null;
                LoraAdapter export;
                if (adapter instanceof AdaLoraAdapter ada) {
                    ranks = ada.currentRanks();
                    writeRanks(request, ada);
                    export = ada.toLora(model);
                } else {
                    export = (LoraAdapter) adapter;
                }
                try {
                    PeftAdapter.save(export, request.adapterDir(), request.modelDir().toAbsolutePath().toString());
                    log.accept("adapter: " + request.adapterDir());
                    if (request.mergeDir() != null) {
                        LoraMerger.mergeAndSave(model, export, request.mergeDir(), request.modelDir());
                        log.accept("merged model: " + request.mergeDir());
                    }
                    return new Outcome(result, trainable, export.plan(), ranks);
                } finally {
                    if (export != adapter) {
                        export.close();
                    }
                }
            }
        }
    }

    static TrainableAdapter createAdapter(FinetuneRequest request, LlamaModel model) {
        long seed = request.training().seed();
        if (request.trainsAdaLora()) {
            return AdaLoraAdapter.create(model, request.lora().targets(), request.lora(), request.adalora(), seed);
        }
        return LoraAdapter.create(model, request.ranks().resolve(model.config(), request.lora().targets()), request.lora(), seed);
    }

    private static String describe(FinetuneRequest request, TrainableAdapter adapter, LlamaModel model) {
        if (adapter instanceof AdaLoraAdapter ada) {
            return "AdaLoRA init_r " + request.adalora().initR() + " -> target_r " + request.adalora().targetR() + " on "
                    + ada.modules().size() + " modules";
        }
        LoraAdapter lora = (LoraAdapter) adapter;
        int[] layerRanks = lora.plan().layerRanks(model.config());
        return "LoRA on " + LoraSettings.describe(request.lora().targets()) + ", layer ranks "
                + java.util.Arrays.toString(layerRanks);
    }

    private static void writeRanks(FinetuneRequest request, AdaLoraAdapter ada) {
        ObjectNode root = JSON.createObjectNode();
        root.put("init_r", ada.settings().initR());
        root.put("target_r", ada.settings().targetR());
        root.put("target_budget", ada.targetBudget());
        root.put("final_budget", ada.totalRank());
        ObjectNode ranks = root.putObject("ranks");
        ada.currentRanks().forEach(ranks::put);
        try {
            Files.createDirectories(request.outDir());
            JSON.writerWithDefaultPrettyPrinter().writeValue(request.outDir().resolve(FinetuneRequest.RANKS_FILE).toFile(), root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + request.outDir().resolve(FinetuneRequest.RANKS_FILE), e);
        }
    }
}
