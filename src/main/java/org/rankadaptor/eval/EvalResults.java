package org.rankadaptor.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A zero-shot run: per-task metrics and per-document scores.
 *
 * @param maxLength the window L actually used
 * @param seconds   wall time of the scoring
 */
public record EvalResults(EvalSettings settings, int maxLength, List<TaskResult> tasks, List<DocResult> docs,
                          double seconds) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public EvalResults {
        tasks = List.copyOf(tasks);
        docs = List.copyOf(docs);
    }

    public TaskResult task(String name) {
        return tasks.stream().filter(t -> t.task().equals(name)).findFirst()
                .orElseThrow(() -> new EvalDataException("no results for task '" + name + "'"));
    }

    public List<DocResult> docs(String task) {
        return docs.stream().filter(d -> d.task().equals(task)).toList();
    }

    /** {"results": {task: {n, acc, acc_stderr[, acc_norm, acc_norm_stderr]}}, "settings": {...}, "seconds": s}. */
    public ObjectNode toJson() {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode results = root.putObject("results");
        for (TaskResult t : tasks) {
            ObjectNode node = results.putObject(t.task());
            node.put("n", t.n());
            putNumber(node, "acc", t.acc());
            putNumber(node, "acc_stderr", t.accStderr());
            t.accNorm().ifPresent(v -> putNumber(node, "acc_norm", v));
            t.accNormStderr().ifPresent(v -> putNumber(node, "acc_norm_stderr", v));
            node.put("input_tokens", t.inputTokens());
            putNumber(node, "seconds", t.seconds());
        }
        ObjectNode s = root.putObject("settings");
        s.put("limit", settings.limit());
        s.put("batch_size", settings.batchSize());
        s.put("bos", settings.bos() == BosPolicy.PREPEND);
        s.put("max_length", maxLength);
        putNumber(root, "seconds", seconds);
        return root;
    }

    public String toJsonString() {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(toJson());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void writeJson(Path file) {
        try {
            Files.writeString(file, toJsonString() + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new EvalDataException("cannot write results to " + file + ": " + e.getMessage(), e);
        }
    }

    /** One JSON object per document: task, doc, gold, loglik, cont_tokens, scored_tokens, is_greedy, pred, pred_norm. */
    public void writeDocsJsonl(Path file) {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (DocResult d : docs) {
                ObjectNode node = JSON.createObjectNode();
                node.put("task", d.task());
                node.put("doc", d.index());
                node.put("gold", d.gold());
                ArrayNode ll = node.putArray("loglik");
                d.loglik().forEach(ll::add);
                ArrayNode tokens = node.putArray("cont_tokens");
                d.continuationTokens().forEach(tokens::add);
                ArrayNode scored = node.putArray("scored_tokens");
                d.scoredTokens().forEach(scored::add);
                ArrayNode greedy = node.putArray("is_greedy");
                d.greedy().forEach(greedy::add);
                node.put("pred", d.pred());
                node.put("pred_norm", d.predNorm());
                node.put("acc", (int) d.acc());
                node.put("acc_norm", (int) d.accNorm());
                out.write(JSON.writeValueAsString(node));
                out.write('\n');
            }
        } catch (IOException e) {
            throw new EvalDataException("cannot write per-document results to " + file + ": " + e.getMessage(), e);
        }
    }

    /** A fixed-width table: task, n, acc ± stderr, acc_norm ± stderr. */
    public String table() {
        return table("±");
    }

    /** The table with {@code plusMinus} between value and stderr ("+/-" where the output cannot encode "±"). */
    public String table(String plusMinus) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-14s %6s  %-17s  %-17s  %9s%n", "task", "n", "acc", "acc_norm", "seconds"));
        for (TaskResult t : tasks) {
            String norm = t.accNorm().isPresent()
                    ? String.format(Locale.ROOT, "%.4f %s %.4f", t.accNorm().getAsDouble(), plusMinus,
                            t.accNormStderr().getAsDouble())
                    : "-";
            sb.append(String.format(Locale.ROOT, "%-14s %6d  %-17s  %-17s  %9.1f%n", t.task(), t.n(),
                    String.format(Locale.ROOT, "%.4f %s %.4f", t.acc(), plusMinus, t.accStderr()), norm, t.seconds()));
        }
        double mean = tasks.stream().mapToDouble(TaskResult::acc).average().orElse(Double.NaN);
        sb.append(String.format(Locale.ROOT, "%-14s %6s  %.4f (mean acc over %d tasks)%n", "average", "", mean, tasks.size()));
        return sb.toString();
    }

    private static void putNumber(ObjectNode node, String field, double value) {
        if (Double.isFinite(value)) {
            node.put(field, value);
        } else {
            node.putNull(field);
        }
    }
}
