package org.rankadaptor.job;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * What RankAdaptor maximises: minus perplexity on a text file, or the mean accuracy in percentage points over
 * zero-shot tasks (acc or acc_norm). Written "ppl:FILE" or "tasks:boolq,piqa" / "tasks-norm:hellaswag,arc_easy".
 */
public record SearchObjective(Path perplexityText, List<String> tasks, boolean accNorm) {
    public static SearchObjective parse(String spec) {
        int colon = spec.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("objective '" + spec + "' must be ppl:FILE, tasks:T1,T2 or tasks-norm:T1,T2");
        }
        String kind = spec.substring(0, colon);
        String value = spec.substring(colon + 1).trim();
        if (value.isEmpty()) {
            throw new IllegalArgumentException("objective '" + spec + "' names no file or tasks");
        }
        switch (kind) {
            case "ppl":
                return new SearchObjective(Path.of(value), List.of(), false);
            case "tasks":
            case "tasks-norm":
                return new SearchObjective(null, Arrays.stream(value.split(",")).map(String::trim).toList(), kind.equals("tasks-norm"));
            default:
                throw new IllegalArgumentException("objective kind '" + kind + "' is not ppl, tasks or tasks-norm");
        }
    }

    public boolean isPerplexity() {
        return perplexityText != null;
    }

    @Override
    public String toString() {
        return isPerplexity() ? "ppl:" + perplexityText : (accNorm ? "tasks-norm:" : "tasks:") + String.join(",", tasks);
    }
}
