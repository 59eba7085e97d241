package org.rankadaptor.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.rankadaptor.eval.BosPolicy;
import org.rankadaptor.eval.Doc;
import org.rankadaptor.eval.Loglikelihood;
import org.rankadaptor.eval.LoglikelihoodScorer;
import org.rankadaptor.eval.Request;
import org.rankadaptor.eval.ScoringWindow;
import org.rankadaptor.eval.Task;
import org.rankadaptor.eval.Tasks;
import org.rankadaptor.eval.TokenizedRequest;
import org.rankadaptor.model.CheckpointLoader;
import org.rankadaptor.model.LinearAdapter;
import org.rankadaptor.model.LlamaModel;
import org.rankadaptor.model.TextTokenizer;
import org.rankadaptor.model.Tokenizers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/**
 * Scoring throughput on stories260K for a fixed request set: the first 48 hellaswag, 16 piqa and 8 boolq documents,
 * deduplicated and sorted longest first, in batches of 16 (what the evaluator does). Writes the batches to
 * {@code bench-out/eval_batches.json} so bench/python/eval_scoring_peer.py scores exactly the same tensors.
 *
 * <p>Usage: EvalScoringBench DATA_DIR OUT_DIR [repeats]
 */
public final class EvalScoringBench {
    private static final int BATCH = 16;

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        Path outDir = Path.of(args[1]);
        int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Path modelDir = data.resolve("models/stories260K");
        try (LlamaModel model = CheckpointLoader.load(modelDir); TextTokenizer tokenizer = Tokenizers.load(modelDir)) {
            List<ScoringWindow> windows = windows(data.resolve("tasks"), tokenizer);
            List<List<ScoringWindow>> batches = new ArrayList<>();
            for (int i = 0; i < windows.size(); i += BATCH) {
                batches.add(windows.subList(i, Math.min(windows.size(), i + BATCH)));
            }
            long tokens = windows.stream().mapToLong(ScoringWindow::inputLength).sum();
            long padded = batches.stream().mapToLong(b -> (long) b.size() * b.get(0).inputLength()).sum();
            write(outDir.resolve("eval_batches.json"), batches);

            LoglikelihoodScorer scorer = new LoglikelihoodScorer(model, LinearAdapter.NONE, BATCH);
            double checksum = run(scorer, batches); // warm-up
            double best = Double.MAX_VALUE;
            for (int r = 0; r < repeats; r++) {
                long start = System.nanoTime();
                run(scorer, batches);
                best = Math.min(best, (System.nanoTime() - start) / 1e9);
            }
            System.out.printf(Locale.ROOT, "java-djl requests=%d batches=%d tokens=%d padded=%d best_s=%.3f tokens_per_s=%.0f loglik_sum=%.6f%n",
                    windows.size(), batches.size(), tokens, padded, best, tokens / best, checksum);
        }
    }

    private static double run(LoglikelihoodScorer scorer, List<List<ScoringWindow>> batches) {
        double sum = 0;
        for (List<ScoringWindow> batch : batches) {
            for (Loglikelihood l : scorer.scoreBatch(batch)) {
                sum += l.loglik();
            }
        }
        return sum;
    }

    /** Unique windows, longest first, as the evaluator batches them. */
    private static List<ScoringWindow> windows(Path tasksDir, TextTokenizer tokenizer) {
        TokenizedRequest.Encoder encoder = new TokenizedRequest.Encoder(tokenizer);
        LinkedHashSet<List<Long>> seen = new LinkedHashSet<>();
        List<ScoringWindow> windows = new ArrayList<>();
        String[][] plan = {{"hellaswag", "48"}, {"piqa", "16"}, {"boolq", "8"}};
        for (String[] entry : plan) {
            Task task = Tasks.byName(entry[0]);
            for (Doc doc : task.docs(tasksDir, Integer.parseInt(entry[1]))) {
                for (Request request : doc.requests()) {
                    ScoringWindow w = ScoringWindow.of(encoder.encode(request), BosPolicy.PREPEND, tokenizer.bosId(), tokenizer.eosId(), 512);
                    List<Long> key = new ArrayList<>();
                    for (long id : w.window()) {
                        key.add(id);
                    }
                    key.add((long) -w.scored());
                    if (seen.add(key)) {
                        windows.add(w);
                    }
                }
            }
        }
        windows.sort(Comparator.comparingInt((ScoringWindow w) -> -w.inputLength()));
        return windows;
    }

    private static void write(Path file, List<List<ScoringWindow>> batches) throws Exception {
        ObjectMapper json = new ObjectMapper();
        ArrayNode root = json.createArrayNode();
        for (List<ScoringWindow> batch : batches) {
            ArrayNode b = root.addArray();
            for (ScoringWindow w : batch) {
                ObjectNode node = b.addObject();
                ArrayNode ids = node.putArray("window");
                for (long id : w.window()) {
                    ids.add(id);
                }
                node.put("scored", w.scored());
            }
        }
        Files.createDirectories(file.getParent());
        json.writeValue(file.toFile(), root);
    }
}
