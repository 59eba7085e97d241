package org.rankadaptor.prune;

import org.rankadaptor.stage.StageContext;
import org.rankadaptor.model.CheckpointLoader;
import org.rankadaptor.model.LlamaModel;
import org.rankadaptor.model.TextTokenizer;
import org.rankadaptor.model.Tokenizers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Prints a markdown table of perplexity before and after width pruning, for every estimator and ratio, pruning all
 * layers with the same attention and MLP ratio. Run by scripts/pruning-perplexity-table.sh.
 *
 * <p>Arguments: MODEL_DIR EVAL_FILE CALIB_FILE [RATIOS, comma-separated; default 0.1,0.2,0.3,0.4,0.5]
 */
public final class PerplexityTableTool {
    private static final int EVAL_MAX_TOKENS = 256;

    private PerplexityTableTool() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 3) {
            System.err.println("usage: PerplexityTableTool MODEL_DIR EVAL_FILE CALIB_FILE [RATIOS]");
            System.exit(2);
        }
        Path modelDir = Path.of(args[0]);
        Path evalFile = Path.of(args[1]);
        Path calibFile = Path.of(args[2]);
        double[] ratios = args.length > 3
                ? java.util.Arrays.stream(args[3].split(",")).mapToDouble(Double::parseDouble).toArray()
                : new double[] {0.1, 0.2, 0.3, 0.4, 0.5};
        try (LlamaModel model = CheckpointLoader.load(modelDir); TextTokenizer tokenizer = Tokenizers.load(modelDir)) {
            List<long[]> rows = CalibrationPerplexity.rows(evalFile, tokenizer, EVAL_MAX_TOKENS);
            CalibrationSet calibration = CalibrationSet.load(calibFile, tokenizer, CalibrationSet.DEFAULT_SAMPLES,
                    CalibrationSet.DEFAULT_SEQ_LEN, null);
            double base = CalibrationPerplexity.perplexity(model, rows, StageContext.none());
            long tokens = rows.stream().mapToLong(r -> r.length - 1).sum();
            StringBuilder table = new StringBuilder();
            table.append(String.format(Locale.ROOT, "Unpruned: %,d parameters, perplexity **%.4f** (%d rows, %,d predicted tokens).%n%n",
                    model.config().totalParameters(), base, rows.size(), tokens));
            table.append("| estimator |");
            for (double r : ratios) {
                table.append(String.format(Locale.ROOT, " %.1f |", r));
            }
            table.append("\n|---|");
            table.append("---:|".repeat(ratios.length)).append('\n');
            List<String> params = new ArrayList<>();
            for (double r : ratios) {
                PrunePlan plan = PrunePlan.of(Estimator.L1, new LayerRange(0, model.config().numLayers() - 1, r, r));
                LlamaConfigSummary s = LlamaConfigSummary.of(plan, model);
                params.add(s.text());
            }
            for (Estimator estimator : Estimator.values()) {
                ImportanceMaps maps = ImportanceScorer.score(model, calibration, estimator, 0, StageContext.none());
                table.append("| ").append(estimator.cliName()).append(" |");
                for (double r : ratios) {
                    PrunePlan plan = new PrunePlan(List.of(new LayerRange(0, model.config().numLayers() - 1, r, r)),
                            estimator, 1, 0);
                    PrunedModel pruned = StructuredPruner.prune(model, plan, maps, StageContext.none());
                    try (LlamaModel m = pruned.model()) {
                        double ppl = CalibrationPerplexity.perplexity(m, rows, StageContext.none());
                        table.append(String.format(Locale.ROOT, " %.3f |", ppl));
                    }
                }
                table.append('\n');
                System.err.println("done " + estimator);
            }
            table.append("| kept per layer (kv groups / heads / MLP channels), parameters |");
            for (String p : params) {
                table.append(' ').append(p).append(" |");
            }
            table.append('\n');
            System.out.print(table);
            if (System.getProperty("out") != null) {
                Files.writeString(Path.of(System.getProperty("out")), table.toString());
            }
        }
    }

    /** What a ratio keeps, for the table's last row. */
    private record LlamaConfigSummary(String text) {
        static LlamaConfigSummary of(PrunePlan plan, LlamaModel model) {
            var dims = plan.prunedDims(model.config()).get(0);
            long total = plan.prunedConfig(model.config()).totalParameters();
            return new LlamaConfigSummary(String.format(Locale.ROOT, "%d / %d / %d, %,d", dims.numKvHeads(),
                    dims.numHeads(), dims.intermediateSize(), total));
        }
    }
}
