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
    public static Outcome run(FineTuneJob job, TrainingListener listener, StageContext context, Consumer<String> log) {
        try (LlamaModel model = CheckpointLoader.load(job.modelDir(), job.placement());
             TextTokenizer tokenizer = Tokenizers.load(job.modelDir())) {
            List<TrainingExample> all = TrainingData.load(job.dataFile(), tokenizer, job.cutoff(), job.lossTokens());
            if (job.trainRows() > 0 && all.size() > job.trainRows()) {
                all = all.subList(0, job.trainRows());
            }
            TrainingData.Split split = TrainingData.split(all, job.validation(), job.training().seed());
            log.accept("data: " + split.train().size() + " training rows, " + split.validation().size()
                    + " validation rows from " + job.dataFile());
            try (TrainableAdapter adapter = createAdapter(job, model)) {
                long trainable = adapter.trainableParameters();
                log.accept("trainable parameters: " + trainable + " (" + describe(job, adapter, model) + ")");
                context.checkCancelled("finetune setup");
                Trainer trainer = new Trainer(model, adapter, job.training(), listener);
                TrainingResult result = job.resumeFrom() == null
                        ? trainer.train(split, job.checkpointDir(), context)
                        : trainer.resume(job.resumeFrom(), split, job.checkpointDir(), context);
                Map<String, Integer> ranks = null;
                LoraAdapter export;
                if (adapter instanceof AdaLoraAdapter ada) {
                    ranks = ada.currentRanks();
                    writeRanks(job, ada);
                    export = ada.toLora(model);
                } else {
                    export = (LoraAdapter) adapter;
                }
                try {
                    PeftAdapter.save(export, job.adapterDir(), job.modelDir().toAbsolutePath().toString());
                    log.accept("adapter: " + job.adapterDir());
                    if (job.mergeDir() != null) {
                        LoraMerger.mergeAndSave(model, export, job.mergeDir(), job.modelDir());
                        log.accept("merged model: " + job.mergeDir());
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

    static TrainableAdapter createAdapter(FineTuneJob job, LlamaModel model) {
        long seed = job.training().seed();
        if (job.method() == FineTuneJob.Method.ADALORA) {
            return AdaLoraAdapter.create(model, job.lora().targets(), job.lora(), job.adalora(), seed);
        }
        RankPlan plan = job.rankPlanFile() != null
                ? RankPlan.read(job.rankPlanFile(), model.config(), job.lora().targets())
                : RankPlan.uniform(model.config(), job.lora().targets(), job.uniformRank());
        return LoraAdapter.create(model, plan, job.lora(), seed);
    }

    private static String describe(FineTuneJob job, TrainableAdapter adapter, LlamaModel model) {
        if (adapter instanceof AdaLoraAdapter ada) {
            return "AdaLoRA init_r " + job.adalora().initR() + " -> target_r " + job.adalora().targetR() + " on "
                    + ada.modules().size() + " modules";
        }
        LoraAdapter lora = (LoraAdapter) adapter;
        int[] layerRanks = lora.plan().layerRanks(model.config());
        return "LoRA on " + LoraSettings.describe(job.lora().targets()) + ", layer ranks "
                + java.util.Arrays.toString(layerRanks);
    }

    private static void writeRanks(FineTuneJob job, AdaLoraAdapter ada) {
        ObjectNode root = JSON.createObjectNode();
        root.put("init_r", ada.settings().initR());
        root.put("target_r", ada.settings().targetR());
        root.put("target_budget", ada.targetBudget());
        root.put("final_budget", ada.totalRank());
        ObjectNode ranks = root.putObject("ranks");
        ada.currentRanks().forEach(ranks::put);
        try {
            Files.createDirectories(job.outDir());
            JSON.writerWithDefaultPrettyPrinter().writeValue(job.outDir().resolve(FineTuneJob.RANKS_FILE).toFile(), root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + job.outDir().resolve(FineTuneJob.RANKS_FILE), e);
        }
    }
}
