package org.rankadaptor.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import org.rankadaptor.cli.FinetuneCommand;
import org.rankadaptor.lora.LanguageModelLoss;
import org.rankadaptor.lora.LoraAdapter;
import org.rankadaptor.lora.PeftAdapter;
import org.rankadaptor.lora.TrainingData;
import org.rankadaptor.lora.TrainingExample;
import org.rankadaptor.model.CheckpointLoader;
import org.rankadaptor.model.CheckpointWriter;
import org.rankadaptor.model.LayerDims;
import org.rankadaptor.model.LayerWeights;
import org.rankadaptor.model.LinearAdapter;
import org.rankadaptor.model.LlamaConfig;
import org.rankadaptor.model.LlamaModel;
import org.rankadaptor.model.LlamaWeights;
import org.rankadaptor.model.TextTokenizer;
import org.rankadaptor.model.Tokenizers;
import picocli.CommandLine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * The recovery experiment of docs/RECOVERY.md. Subcommands:
 * <pre>
 *   prune MODEL_DIR OUT_DIR RATIO FIRST_LAYER LAST_LAYER   private L2-magnitude structured pruning helper
 *   ppl MODEL_DIR DATA.jsonl [ADAPTER_DIR]                  mean NLL and perplexity (BOS + text + EOS, cutoff 256)
 *   finetune ARGS...                                        the FinetuneCommand CLI
 * </pre>
 * The pruning helper exists only so this experiment does not wait for the prune package: attention groups
 * (a kv head with its query heads) and MLP channels ranked by the L2 norm of all their weights, the lowest
 * RATIO share removed in each listed layer.
 */
public final class RecoveryExperiment {
    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "prune" -> prune(Path.of(args[1]), Path.of(args[2]), Double.parseDouble(args[3]),
                    Integer.parseInt(args[4]), Integer.parseInt(args[5]));
            case "ppl" -> perplexity(Path.of(args[1]), Path.of(args[2]), args.length > 3 ? Path.of(args[3]) : null);
            case "finetune" -> System.exit(new CommandLine(new FinetuneCommand()).execute(Arrays.copyOfRange(args, 1, args.length)));
            default -> throw new IllegalArgumentException("unknown subcommand " + args[0]);
        }
    }

    static void perplexity(Path modelDir, Path data, Path adapterDir) {
        try (LlamaModel model = CheckpointLoader.load(modelDir); TextTokenizer tokenizer = Tokenizers.load(modelDir)) {
            List<TrainingExample> rows = TrainingData.load(data, tokenizer, 256, TrainingData.LossTokens.ALL);
            LinearAdapter adapter = LinearAdapter.NONE;
            LoraAdapter lora = null;
            if (adapterDir != null) {
                lora = PeftAdapter.load(adapterDir, model);
                adapter = lora;
            }
            double nll = LanguageModelLoss.meanNll(model, adapter, rows, 8, tokenizer.eosId());
            System.out.printf(Locale.ROOT, "%s%s on %s (%d rows): mean NLL %.4f, perplexity %.3f, params %d%n",
                    modelDir, adapterDir == null ? "" : " + " + adapterDir, data, rows.size(), nll, Math.exp(nll),
                    model.config().totalParameters());
            if (lora != null) {
                lora.close();
            }
        }
    }

    static void prune(Path modelDir, Path outDir, double ratio, int firstLayer, int lastLayer) {
        try (LlamaModel model = CheckpointLoader.load(modelDir)) {
            LlamaConfig config = model.config();
            LlamaWeights w = model.weights();
            NDManager manager = NDManager.newBaseManager();
            List<LayerDims> dims = new ArrayList<>();
            List<LayerWeights> layers = new ArrayList<>();
            int headDim = config.headDim();
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                for (int i = 0; i < config.numLayers(); i++) {
                    LayerWeights l = w.layer(i);
                    LayerDims d = config.layer(i);
                    if (i < firstLayer || i > lastLayer) {
                        dims.add(d);
                        layers.add(copy(l, manager));
                        continue;
                    }
                    int rep = d.queryHeadsPerKvHead();
                    int groups = d.numKvHeads();
                    double[] groupScore = new double[groups];
                    for (int g = 0; g < groups; g++) {
                        String qRows = (g * rep * headDim) + ":" + ((g + 1) * rep * headDim);
                        String kvRows = (g * headDim) + ":" + ((g + 1) * headDim);
                        groupScore[g] = sq(l.q().get(qRows)) + sq(l.k().get(kvRows)) + sq(l.v().get(kvRows))
                                + sq(l.o().get(":, " + qRows));
                    }
                    int keepGroups = groups - (int) Math.round(ratio * groups);
                    int[] keptGroups = topK(groupScore, keepGroups);
                    int ffn = d.intermediateSize();
                    double[] channel = l.gate().square().sum(new int[] {1})
                            .add(l.up().square().sum(new int[] {1}))
                            .add(l.down().square().sum(new int[] {0})).toType(ai.djl.ndarray.types.DataType.FLOAT64, false)
                            .toDoubleArray();
                    int[] keptChannels = topK(channel, ffn - (int) Math.round(ratio * ffn));
                    long[] qIdx = IntStream.of(keptGroups).flatMap(g -> IntStream.range(g * rep * headDim, (g + 1) * rep * headDim))
                            .asLongStream().toArray();
                    long[] kvIdx = IntStream.of(keptGroups).flatMap(g -> IntStream.range(g * headDim, (g + 1) * headDim))
                            .asLongStream().toArray();
                    long[] ch = IntStream.of(keptChannels).asLongStream().toArray();
                    NDArray qi = manager.create(qIdx);
                    NDArray kvi = manager.create(kvIdx);
                    NDArray ci = manager.create(ch);
                    dims.add(new LayerDims(keepGroups * rep, keepGroups, keptChannels.length));
                    layers.add(new LayerWeights(keep(l.inputNorm().duplicate(), manager),
                            keep(l.q().get(new NDIndex("{}, :", qi)), manager),
                            keep(l.k().get(new NDIndex("{}, :", kvi)), manager),
                            keep(l.v().get(new NDIndex("{}, :", kvi)), manager),
                            keep(l.o().get(new NDIndex(":, {}", qi)), manager),
                            keep(l.postAttentionNorm().duplicate(), manager),
                            keep(l.gate().get(new NDIndex("{}, :", ci)), manager),
                            keep(l.up().get(new NDIndex("{}, :", ci)), manager),
                            keep(l.down().get(new NDIndex(":, {}", ci)), manager)));
                }
                NDArray embed = keep(w.embedTokens().duplicate(), manager);
                NDArray norm = keep(w.finalNorm().duplicate(), manager);
                NDArray head = w.tied() ? embed : keep(w.lmHead().duplicate(), manager);
                LlamaConfig pruned = config.withLayers(dims);
                try (LlamaModel out = new LlamaModel(pruned, new LlamaWeights(manager, embed, layers, norm, head))) {
                    CheckpointWriter.save(out, outDir, modelDir);
                    System.out.printf(Locale.ROOT, "pruned %s -> %s: %d -> %d parameters (%.1f%%), layers %s%n", modelDir,
                            outDir, config.totalParameters(), pruned.totalParameters(),
                            100.0 * (config.totalParameters() - pruned.totalParameters()) / config.totalParameters(), dims);
                }
            }
        }
    }

    private static double sq(NDArray a) {
        return a.square().sum().toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
    }

    /** Indices of the k largest scores, in ascending index order. */
    private static int[] topK(double[] scores, int k) {
        return IntStream.range(0, scores.length).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> scores[i]).reversed())
                .limit(k).sorted().mapToInt(Integer::intValue).toArray();
    }

    private static LayerWeights copy(LayerWeights l, NDManager manager) {
        return new LayerWeights(keep(l.inputNorm().duplicate(), manager), keep(l.q().duplicate(), manager),
                keep(l.k().duplicate(), manager), keep(l.v().duplicate(), manager), keep(l.o().duplicate(), manager),
                keep(l.postAttentionNorm().duplicate(), manager), keep(l.gate().duplicate(), manager),
                keep(l.up().duplicate(), manager), keep(l.down().duplicate(), manager));
    }

    private static NDArray keep(NDArray a, NDManager manager) {
        NDScope.unregister(a);
        a.attach(manager);
        return a;
    }
}
