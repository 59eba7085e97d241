package org.rankadaptor.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.rankadaptor.eval.Statistics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Paired tests of recovery runs against a reference label ({@code ExperimentRunner finetune} rows with per-window
 * NLL): per label, the perplexity mean +- sd over seeds; the per-seed differences to the reference at the same
 * seed with a t interval over seeds (seed noise); and, pooling the seeds, a paired bootstrap over (seed, window)
 * of the mean NLL difference, reported as a perplexity ratio.
 *
 * <pre>RecoveryPairedTest RESULTS.jsonl REFERENCE_LABEL</pre>
 */
public final class RecoveryPairedTest {
    /** Two-sided 97.5% t quantiles for 1..9 degrees of freedom. */
    private static final double[] T975 = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262};

    private RecoveryPairedTest() {
    }

    /** Predicted tokens per window, from ppl = exp(sum NLL / (windows x tokens)). */
    static int tokensPerWindow(JsonNode row) {
        double sum = 0;
        for (JsonNode v : row.get("windowNll")) {
            sum += v.asDouble();
        }
        return (int) Math.round(sum / (row.get("windowNll").size() * Math.log(row.get("ppl").asDouble())));
    }

    public static void main(String[] args) throws IOException {
        ObjectMapper json = new ObjectMapper();
        String reference = args[1];
        Map<String, Map<Long, JsonNode>> runs = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            if (!line.isBlank()) {
                JsonNode row = json.readTree(line);
                runs.computeIfAbsent(row.get("label").asText(), k -> new TreeMap<>()).put(row.get("seed").asLong(), row);
            }
        }
        Map<Long, JsonNode> ref = runs.get(reference);
        if (ref == null) {
            throw new IllegalArgumentException("no runs labelled " + reference + " in " + args[0]);
        }
        System.out.printf(Locale.ROOT, "%-18s %5s %-16s %-40s %-24s %-26s %s%n", "label", "seeds", "ppl mean+-sd",
                "per-seed ppl", "ppl diff vs ref (t 95%)", "pooled paired bootstrap", "significant");
        for (var e : runs.entrySet()) {
            double[] ppl = e.getValue().values().stream().mapToDouble(r -> r.get("ppl").asDouble()).toArray();
            List<Double> diffs = new ArrayList<>();
            List<Double> a = new ArrayList<>();
            List<Double> b = new ArrayList<>();
            int tokens = 0;
            for (var s : e.getValue().entrySet()) {
                JsonNode other = ref.get(s.getKey());
                if (other == null) {
                    continue;
                }
                diffs.add(s.getValue().get("ppl").asDouble() - other.get("ppl").asDouble());
                JsonNode wa = s.getValue().get("windowNll");
                JsonNode wb = other.get("windowNll");
                for (int i = 0; wa != null && wb != null && i < Math.min(wa.size(), wb.size()); i++) {
                    a.add(wa.get(i).asDouble());
                    b.add(wb.get(i).asDouble());
                }
                tokens = tokensPerWindow(s.getValue());
            }
            double[] d = diffs.stream().mapToDouble(Double::doubleValue).toArray();
            String seedTest = "-";
            if (d.length >= 2 && !e.getKey().equals(reference)) {
                double m = Statistics.mean(d);
                double half = T975[Math.min(d.length - 2, T975.length - 1)] * Statistics.meanStandardError(d);
                seedTest = String.format(Locale.ROOT, "%+.3f [%+.3f, %+.3f]", m, m - half, m + half);
            }
            String pooled = "-";
            String significant = "-";
            if (!a.isEmpty() && !e.getKey().equals(reference)) {
                Statistics.PairedDifference p = Statistics.pairedBootstrap(a.stream().mapToDouble(x -> x).toArray(),
                        b.stream().mapToDouble(x -> x).toArray(), 0.95, 4000, 15);
                // mean NLL per window / tokens per window -> a ratio of perplexities
                double per = tokens;
                pooled = String.format(Locale.ROOT, "x%.4f [%.4f, %.4f]", Math.exp(p.difference() / per),
                        Math.exp(p.interval().lower() / per), Math.exp(p.interval().upper() / per));
                significant = p.significant() ? (p.difference() < 0 ? "yes, better" : "yes, worse") : "no";
            }
            StringBuilder perSeed = new StringBuilder();
            e.getValue().forEach((seed, r) -> perSeed.append(String.format(Locale.ROOT, "%.3f ", r.get("ppl").asDouble())));
            System.out.printf(Locale.ROOT, "%-18s %5d %-16s %-40s %-24s %-26s %s%n", e.getKey(), ppl.length,
                    String.format(Locale.ROOT, "%.3f +- %.3f", Statistics.mean(ppl), Statistics.sampleStd(ppl)),
                    perSeed.toString().trim(), seedTest, pooled, significant);
        }
        System.out.println("(t interval: over the per-seed ppl differences to " + reference + " at the same seed;"
                + " pooled: paired bootstrap over (seed, window) of the per-window NLL difference, as a ppl ratio)");
    }
}
