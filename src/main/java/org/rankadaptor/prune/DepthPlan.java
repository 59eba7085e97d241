package org.rankadaptor.prune;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/**
 * Depth pruning (Shortened LLaMA): remove {@code blocksToRemove} whole decoder blocks, never one of the first
 * {@code keepFirst} or last {@code keepLast} blocks.
 */
public record DepthPlan(int blocksToRemove, Method method, int keepFirst, int keepLast) {
    public static final int DEFAULT_KEEP_FIRST = 4;
    public static final int DEFAULT_KEEP_LAST = 2;

    public DepthPlan {
        if (blocksToRemove < 1) {
            throw new PrunePlanException("depth pruning must remove at least 1 block, got " + blocksToRemove);
        }
        if (method == null) {
            throw new PrunePlanException("depth plan has no method (taylor or ppl)");
        }
        if (keepFirst < 0 || keepLast < 0) {
            throw new PrunePlanException("keep-first and keep-last must be >= 0");
        }
    }

    public static DepthPlan of(int blocksToRemove, Method method) {
        return new DepthPlan(blocksToRemove, method, DEFAULT_KEEP_FIRST, DEFAULT_KEEP_LAST);
    }

    /** How blocks are ranked. */
    public enum Method {
        /** Taylor+: block score = sum |w * g| over the block's weights; the lowest go. */
        TAYLOR,
        /** Each block removed alone; the blocks whose removal raises calibration perplexity least go. */
        PPL;

        @JsonValue
        public String cliName() {
            return name().toLowerCase(Locale.ROOT);
        }

        @JsonCreator
        public static Method fromName(String name) {
            for (Method m : values()) {
                if (m.cliName().equalsIgnoreCase(name.trim())) {
                    return m;
                }
            }
            throw new IllegalArgumentException("unknown depth method '" + name + "' (expected taylor or ppl)");
        }
    }
}
