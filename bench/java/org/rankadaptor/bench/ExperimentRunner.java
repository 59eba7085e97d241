package org.rankadaptor.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.rankadaptor.eval.PerplexityEvaluator;
import org.rankadaptor.eval.PerplexityResult;
import org.rankadaptor.stage.CancelCheck;
import org.rankadaptor.job.Fidelity;
import org.rankadaptor.job.FinetuneJob;
import org.rankadaptor.stage.ProgressListener;
import org.rankadaptor.job.Recording;
import org.rankadaptor.job.RecoveryObjective;
import org.rankadaptor.job.SearchObjective;
import org.rankadaptor.job.SearchRequestBuilder;
import org.rankadaptor.stage.StageContext;
import org.rankadaptor.lora.AdaLoraSettings;
import org.rankadaptor.lora.AdamW;
import org.rankadaptor.lora.FinetuneMethod;
import org.rankadaptor.lora.FinetuneRequest;
import org.rankadaptor.lora.RankChoice;
import org.rankadaptor.lora.LoraAdapter;
import org.rankadaptor.lora.LoraSettings;
import org.rankadaptor.lora.PeftAdapter;
import org.rankadaptor.lora.RunLength;
import org.rankadaptor.lora.TrainingData;
import org.rankadaptor.lora.TrainingExample;
import org.rankadaptor.lora.TrainingListener;
import org.rankadaptor.lora.TrainingSettings;
import org.rankadaptor.lora.ValidationSplit;
import org.rankadaptor.model.CheckpointLoader;
import org.rankadaptor.model.LlamaConfig;
import org.rankadaptor.model.LlamaModel;
import org.rankadaptor.model.Projection;
import org.rankadaptor.model.TextTokenizer;
import org.rankadaptor.model.Tokenizers;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * The experiments of docs/EXPERIMENTS.md, through the project's own stage classes.
 *
 * <ul>
 *   <li>{@code measure}: the search's own measurement ({@link RecoveryObjective}, built as SearchJob builds it) for
 *   given rank vectors and seeds, to check determinism and seed noise before choosing a search fidelity.</li>
 *   <li>{@code finetune}: recovery runs through {@link FinetuneJob} (LoRA with uniform / per-layer / searched ranks,
 *   or AdaLoRA), each scored by perplexity through the saved PEFT adapter.</li>
 * </ul>
 * Every result is appended as one JSON line to {@code --results}.
 */
@Command(name = "experiments", mixinStandardHelpOptions = true,
        subcommands = {ExperimentRunner.Measure.class, ExperimentRunner.Finetune.class, ExperimentRunner.Summarize.class})
public final class ExperimentRunner implements Runnable {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new ExperimentRunner()).execute(args));
    }

    /** Options both sub-commands share: model, data, fine-tune length and evaluation size. */
    abstract static class Common {
        @Option(names = "--model", required = true, description = "pruned model directory")
        Path model;

        @Option(names = "--train", required = true, description = "fine-tuning text (JSONL)")
        Path train;

        @Option(names = "--valid", required = true, description = "perplexity text (JSONL)")
        Path valid;

        @Option(names = "--steps", required = true, description = "optimizer steps")
        int steps;

        @Option(names = "--batch-size", defaultValue = "" + SearchRequestBuilder.BATCH_SIZE)
        int batchSize;

        @Option(names = "--micro-batch", defaultValue = "" + SearchRequestBuilder.MICRO_BATCH)
        int microBatch;

        @Option(names = "--lr", defaultValue = "" + SearchRequestBuilder.LEARNING_RATE)
        double learningRate;

        @Option(names = "--cutoff", defaultValue = "" + SearchRequestBuilder.CUTOFF, description = "tokens per training sequence")
        int cutoff;

        @Option(names = "--eval-limit", defaultValue = "0", description = "perplexity windows (0 = all)")
        int evalLimit;

        @Option(names = "--seeds", split = ",", defaultValue = "42")
        long[] seeds;

        @Option(names = "--results", required = true, description = "JSONL file results are appended to")
        Path results;

        /** The search's warm-up rule, so every run here warms up the same way. */
        int warmupSteps() {
            return Fidelity.warmupFor(steps);
        }

        LoraSettings lora() {
            return SearchRequestBuilder.lora(LoraSettings.ALL_TARGETS);
        }

        void append(ObjectNode row) {
            try {
                Files.writeString(results, row.toString() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot append to " + results, e);
            }
            System.out.println(row);
        }
    }

    @Command(name = "measure", description = "RankAdaptor's measurement (fine-tune + perplexity) of rank vectors x seeds")
    static final class Measure extends Common implements Callable<Integer> {
        @Option(names = "--configs", required = true, split = "/",
                description = "rank vectors, e.g. 8,8,8,8,8/2,12,2,8,8")
        String[] configs;

        @Option(names = "--train-rows", defaultValue = "" + SearchRequestBuilder.TRAIN_ROWS, description = "training rows used, as the search's fidelity")
        int trainRows;

        @Option(names = "--repeat", defaultValue = "1", description = "measure each (config, seed) this many times")
        int repeat;

        @Override
        public Integer call() {
            StageContext ctx = new StageContext(ProgressListener.NONE, CancelCheck.NEVER);
            Fidelity fidelity = new Fidelity(steps, batchSize, microBatch, trainRows, evalLimit, learningRate,
                    warmupSteps(), cutoff);
            try (LlamaModel model = CheckpointLoader.load(this.model);
                 TextTokenizer tokenizer = Tokenizers.load(this.model)) {
                List<TrainingExample> rows = TrainingData.load(train, tokenizer, cutoff, TrainingData.LossTokens.ALL);
                if (trainRows > 0 && rows.size() > trainRows) {
                    rows = rows.subList(0, trainRows);
                }
                for (long seed : seeds) {
                    // as SearchJob: the split's seed and the objective's seed are the search seed
                    TrainingData.Split data = TrainingData.split(rows, ValidationSplit.rows(0), seed);
                    RecoveryObjective objective = new RecoveryObjective(model, tokenizer, data, lora(), fidelity,
                            SearchObjective.parse("ppl:" + valid), null, seed);
                    for (String config : configs) {
                        int[] ranks = Arrays.stream(config.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
                        for (int r = 0; r < repeat; r++) {
                            long start = System.nanoTime();
                            double score = objective.measure(ranks, ctx);
                            ObjectNode row = JSON.createObjectNode();
                            row.put("kind", "measure");
                            row.putPOJO("ranks", ranks);
                            row.put("seed", seed);
                            row.put("repeat", r);
                            row.put("steps", steps);
                            row.put("evalLimit", evalLimit);
                            row.put("score", score);
                            row.put("ppl", -score);
                            row.put("seconds", (System.nanoTime() - start) / 1e9);
                            append(row);
                        }
                    }
                }
            }
            return 0;
        }
    }

    @Command(name = "finetune", description = "recovery fine-tunes through FinetuneJob, scored by perplexity")
    static final class Finetune extends Common implements Callable<Integer> {
        enum Method { LORA, ADALORA }

        @Option(names = "--method", required = true, description = "LORA or ADALORA")
        Method method;

        @Option(names = "--label", required = true, description = "name of the row in the results")
        String label;

        @Option(names = "--rank", description = "uniform LoRA rank")
        Integer rank;

        @Option(names = "--layer-ranks", split = ",", description = "per-layer LoRA ranks")
        int[] layerRanks;

        @Option(names = "--rank-file", description = "rankadaptor_ranks.json of a search")
        Path rankFile;

        @Option(names = "--init-r", defaultValue = "12")
        int initR;

        @Option(names = "--target-r", defaultValue = "8")
        int targetR;

        @Option(names = "--out-dir", required = true, description = "adapters go to OUT_DIR/LABEL-seedS")
        Path outDir;

        @Override
        public Integer call() {
            StageContext ctx = new StageContext(ProgressListener.NONE, CancelCheck.NEVER);
            RankChoice ranks = rankFile != null ? RankChoice.file(rankFile)
                    : layerRanks != null ? RankChoice.perLayer(layerRanks) : RankChoice.uniform(rank == null ? 8 : rank);
            for (long seed : seeds) {
                TrainingSettings training = new TrainingSettings(learningRate, warmupSteps(), AdamW.Settings.defaults(),
                        batchSize, microBatch, RunLength.steps(steps), 0, 0, seed);
                Path adapterDir = outDir.resolve(label + "-seed" + seed);
                FinetuneRequest request = new FinetuneRequest(model, train, TrainingData.LossTokens.ALL,
                        method == Method.ADALORA ? FinetuneMethod.ADALORA : FinetuneMethod.LORA, ranks, lora(),
                        AdaLoraSettings.defaults().withRanks(initR, targetR), training, ValidationSplit.rows(0), cutoff,
                        adapterDir, null);
                long start = System.nanoTime();
                FinetuneJob.Outcome outcome = FinetuneJob.run(request, ctx, Recording.none(), TrainingListener.NONE);
                double trainSeconds = (System.nanoTime() - start) / 1e9;
                PerplexityResult ppl;
                long finalLoraParameters;
                try (LlamaModel base = CheckpointLoader.load(model);
                     TextTokenizer tokenizer = Tokenizers.load(model);
                     LoraAdapter adapter = PeftAdapter.load(outcome.adapterDir(), base)) {
                    finalLoraParameters = loraParameters(base.config(), outcome.finalRanks());
                    ppl = PerplexityEvaluator.perplexity(base, adapter, tokenizer, valid, PerplexityEvaluator.MODEL_WINDOW,
                            evalLimit, ctx);
                }
                ObjectNode row = JSON.createObjectNode();
                row.put("kind", "finetune");
                row.put("label", label);
                row.put("method", method.name());
                row.put("seed", seed);
                row.put("steps", steps);
                row.put("trainableParameters", outcome.trainableParameters());
                row.put("finalLoraParameters", finalLoraParameters);
                row.putPOJO("finalRanks", outcome.finalRanks());
                row.put("finalTrainLoss", outcome.result().finalTrainLoss());
                row.put("ppl", ppl.perplexity());
                row.put("windows", ppl.windows());
                row.putPOJO("windowNll", ppl.windowNll());
                row.put("trainSeconds", trainSeconds);
                row.put("evalSeconds", ppl.seconds());
                append(row);
            }
            return 0;
        }

        /** LoRA A and B parameters of the exported adapter: sum over modules of rank x (in + out). */
        private static long loraParameters(LlamaConfig config, Map<String, Integer> ranks) {
            long total = 0;
            for (Map.Entry<String, Integer> e : ranks.entrySet()) {
                String[] parts = e.getKey().split("\\.");
                int layer = Integer.parseInt(parts[2]);
                Projection p = Projection.fromName(parts[parts.length - 1]);
                long[] shape = p.weightShape(config, layer);
                total += (long) e.getValue() * (shape[0] + shape[1]);
            }
            return total;
        }
    }

    @Command(name = "summarize", description = "markdown table of finetune rows: ppl mean +- sample std per label")
    static final class Summarize implements Callable<Integer> {
        @CommandLine.Parameters(index = "0", description = "results JSONL")
        Path results;

        @Option(names = "--seeds", split = ",", description = "only these seeds (default: all)")
        Set<Long> seeds;

        @Override
        public Integer call() throws IOException {
            Map<String, List<JsonNode>> byLabel = new LinkedHashMap<>();
            for (String line : Files.readAllLines(results)) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode row = JSON.readTree(line);
                if (row.path("kind").asText().equals("finetune")
                        && (seeds == null || seeds.contains(row.get("seed").asLong()))) {
                    byLabel.computeIfAbsent(row.get("label").asText(), k -> new ArrayList<>()).add(row);
                }
            }
            System.out.println("| method | trainable params (training / exported) | ppl mean ± std | per seed | train s/run |");
            System.out.println("|---|---|---|---|---|");
            for (Map.Entry<String, List<JsonNode>> e : byLabel.entrySet()) {
                List<JsonNode> rows = e.getValue();
                double[] ppl = rows.stream().mapToDouble(r -> r.get("ppl").asDouble()).toArray();
                double mean = Arrays.stream(ppl).average().orElse(Double.NaN);
                double var = rows.size() < 2 ? 0 : Arrays.stream(ppl).map(x -> (x - mean) * (x - mean)).sum() / (ppl.length - 1);
                StringBuilder seeds = new StringBuilder();
                for (JsonNode r : rows) {
                    seeds.append(seeds.length() == 0 ? "" : ", ")
                            .append(String.format(Locale.ROOT, "s%d %.3f", r.get("seed").asLong(), r.get("ppl").asDouble()));
                }
                System.out.printf(Locale.ROOT, "| %s | %,d / %,d | %.3f ± %.3f | %s | %.0f |%n", e.getKey(),
                        rows.get(0).get("trainableParameters").asLong(), rows.get(0).get("finalLoraParameters").asLong(),
                        mean, Math.sqrt(var), seeds,
                        rows.stream().mapToDouble(r -> r.get("trainSeconds").asDouble()).average().orElse(Double.NaN));
            }
            return 0;
        }
    }
}
