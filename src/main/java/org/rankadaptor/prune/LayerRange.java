package org.rankadaptor.prune;

import java.util.Locale;

/**
 * Layers {@code firstLayer..lastLayer} (0-based, inclusive) pruned by the given fractions of their attention groups
 * (kv heads with their query heads) and MLP channels. The CLI spells ranges 1-based: "1-3:0.3" is layers 0..2 here.
 */
public record LayerRange(int firstLayer, int lastLayer, double attentionRatio, double mlpRatio) {
    public LayerRange {
        if (firstLayer < 0 || lastLayer < firstLayer) {
            throw new PrunePlanException("layer range " + describe(firstLayer, lastLayer)
                    + ": first layer must be >= 1 and not after the last");
        }
        checkRatio("attention", attentionRatio, firstLayer, lastLayer);
        checkRatio("mlp", mlpRatio, firstLayer, lastLayer);
    }

    private static void checkRatio(String what, double ratio, int first, int last) {
        if (!(ratio >= 0 && ratio < 1)) {
            throw new PrunePlanException("layer range " + describe(first, last) + ": " + what + " ratio " + ratio
                    + " is outside [0, 1)");
        }
    }

    /**
     * Parses the CLI form, 1-based inclusive: "1-3:0.3" (both ratios), "4-5:0.2:0.4" (attention:mlp), "7:0.5" (one layer).
     */
    public static LayerRange parse(String spec) {
        String[] parts = spec.trim().split(":");
        if (parts.length < 2 || parts.length > 3) {
            throw new PrunePlanException("range '" + spec + "': expected FIRST-LAST:RATIO or FIRST-LAST:ATTN:MLP (1-based layers)");
        }
        String[] bounds = parts[0].split("-");
        try {
            int first = Integer.parseInt(bounds[0].trim());
            int last = bounds.length == 1 ? first : Integer.parseInt(bounds[1].trim());
            if (bounds.length > 2 || first < 1) {
                throw new PrunePlanException("range '" + spec + "': layers are numbered from 1, as FIRST-LAST");
            }
            double attention = Double.parseDouble(parts[1].trim());
            double mlp = parts.length == 3 ? Double.parseDouble(parts[2].trim()) : attention;
            return new LayerRange(first - 1, last - 1, attention, mlp);
        } catch (NumberFormatException e) {
            throw new PrunePlanException("range '" + spec + "': not a number (" + e.getMessage() + ")");
        }
    }

    public boolean contains(int layer) {
        return layer >= firstLayer && layer <= lastLayer;
    }

    public boolean overlaps(LayerRange other) {
        return firstLayer <= other.lastLayer && other.firstLayer <= lastLayer;
    }

    public int layerCount() {
        return lastLayer - firstLayer + 1;
    }

    public LayerRange withRatios(double attention, double mlp) {
        return new LayerRange(firstLayer, lastLayer, attention, mlp);
    }

    /** The CLI form, 1-based. */
    public String toCli() {
        return String.format(Locale.ROOT, "%d-%d:%s:%s", firstLayer + 1, lastLayer + 1, attentionRatio, mlpRatio);
    }

    private static String describe(int first, int last) {
        return (first + 1) + "-" + (last + 1) + " (1-based)";
    }
}
