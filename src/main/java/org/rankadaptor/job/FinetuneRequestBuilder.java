package org.rankadaptor.job;

import org.rankadaptor.lora.AdaLoraSettings;
import org.rankadaptor.lora.AdamW;
import org.rankadaptor.lora.FinetuneMethod;
import org.rankadaptor.lora.FinetuneRequest;
import org.rankadaptor.lora.LoraSettings;
import org.rankadaptor.lora.RankChoice;
import org.rankadaptor.lora.RunLength;
import org.rankadaptor.lora.TrainingData;
import org.rankadaptor.lora.TrainingSettings;
import org.rankadaptor.lora.ValidationSplit;
import org.rankadaptor.model.Placement;
import org.rankadaptor.model.Projection;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * The one place a recovery fine-tune's defaults live and its request is put together: {@code rankadaptor finetune}
 * and the Recover screen start from these constants (the LoRA, AdaLoRA and training records' own defaults), set what
 * the person chose, and get the same {@link FinetuneRequest}.
 */
public final class FinetuneRequestBuilder {
    private static final LoraSettings LORA = LoraSettings.defaults();
    private static final AdaLoraSettings ADALORA = AdaLoraSettings.defaults();
    public static final int STEPS = 200;
    private static final TrainingSettings TRAINING = TrainingSettings.defaults(RunLength.steps(STEPS));
    public static final int RANK = 8;
    public static final double ALPHA = LORA.alpha();
    public static final double DROPOUT = LORA.dropout();
    public static final int INIT_R = ADALORA.initR();
    public static final int TARGET_R = ADALORA.targetR();
    public static final double LEARNING_RATE = TRAINING.learningRate();
    public static final int WARMUP = TRAINING.warmupSteps();
    public static final int BATCH_SIZE = TRAINING.batchSize();
    public static final int MICRO_BATCH = TRAINING.microBatchSize();
    public static final int VALIDATE_EVERY = TRAINING.validateEvery();
    public static final int CHECKPOINT_EVERY = TRAINING.checkpointEvery();
    public static final int SEED = Math.toIntExact(TRAINING.seed());
    public static final int CUTOFF = 256;
    /** Every row of the data file. */
    public static final int TRAIN_ROWS = 0;

    private final Path modelDir;
    private final Path dataFile;
    private final Path outDir;
    private FinetuneMethod method = FinetuneMethod.LORA;
    private RankChoice ranks = RankChoice.uniform(RANK);
    private LoraSettings lora = LORA;
    private AdaLoraSettings adalora = ADALORA;
    private TrainingSettings training = TRAINING;
    private TrainingData.LossTokens lossTokens = TrainingData.LossTokens.ALL;
    private ValidationSplit validation = ValidationSplit.defaults();
    private int cutoff = CUTOFF;
    private int trainRows = TRAIN_ROWS;
    private Path resumeFrom;
    private Path mergeDir;
    private Placement placement = Placement.cpu();

    public FinetuneRequestBuilder(Path modelDir, Path dataFile, Path outDir) {
        this.modelDir = modelDir;
        this.dataFile = dataFile;
        this.outDir = outDir;
    }

    /** The method and its LoRA ranks (AdaLoRA ignores them: its ranks come from {@link #adalora}). */
    public FinetuneRequestBuilder method(FinetuneMethod chosen, RankChoice loraRanks) {
        this.method = chosen;
        this.ranks = loraRanks;
        return this;
    }

    /** LoRA modules and scaling; {@code alpha} is used when {@code rule} is {@link LoraSettings.AlphaRule#FIXED}. */
    public FinetuneRequestBuilder lora(Set<Projection> targets, double alpha, LoraSettings.AlphaRule rule,
                                       double dropout, LoraSettings.Scaling scaling) {
        this.lora = new LoraSettings(targets, alpha, Map.of(), rule, dropout, scaling);
        return this;
    }

    public FinetuneRequestBuilder adalora(int initR, int targetR) {
        this.adalora = ADALORA.withRanks(initR, targetR);
        return this;
    }

    /** The training loop, with AdamW's defaults. */
    public FinetuneRequestBuilder training(double learningRate, int warmup, int batchSize, int microBatch,
                                           RunLength length, int validateEvery, int checkpointEvery, long seed) {
        this.training = new TrainingSettings(learningRate, warmup, AdamW.Settings.defaults(), batchSize, microBatch,
                length, validateEvery, checkpointEvery, seed);
        return this;
    }

    /** Which tokens carry the loss, the held-out rows, tokens per sequence, and the first N rows used (0 = all). */
    public FinetuneRequestBuilder data(TrainingData.LossTokens tokens, ValidationSplit split, int cutoffTokens,
                                       int firstRows) {
        this.lossTokens = tokens;
        this.validation = split;
        this.cutoff = cutoffTokens;
        this.trainRows = firstRows;
        return this;
    }

    /** A training checkpoint to resume from and a directory for the merged model; either may be null. */
    public FinetuneRequestBuilder continuation(Path checkpoint, Path mergeInto) {
        this.resumeFrom = checkpoint;
        this.mergeDir = mergeInto;
        return this;
    }

    public FinetuneRequestBuilder placement(Placement where) {
        this.placement = where;
        return this;
    }

    public FinetuneRequest build() {
        return new FinetuneRequest(modelDir, dataFile, lossTokens, method, ranks, lora, adalora, training, validation,
                cutoff, outDir, resumeFrom, mergeDir, placement, trainRows);
    }
}
