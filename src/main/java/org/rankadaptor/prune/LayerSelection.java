package org.rankadaptor.prune;

import java.util.stream.IntStream;

/**
 * Which groups of one layer (0-based index) a pruned model keeps and which it removed, in ascending order.
 * Attention groups are kv groups (see {@link DependencyGroups}); MLP groups are channels.
 */
public record LayerSelection(int layer, int[] keptAttentionGroups, int[] removedAttentionGroups,
                             int[] keptMlpChannels, int[] removedMlpChannels) {

    /** Keeps the given groups of a layer with {@code attentionGroups} kv groups and {@code mlpChannels} channels. */
    public static LayerSelection keeping(int layer, int attentionGroups, int[] keptAttention, int mlpChannels, int[] keptMlp) {
        return new LayerSelection(layer, sortedUnique(keptAttention, attentionGroups, "attention group", layer),
                complement(keptAttention, attentionGroups), sortedUnique(keptMlp, mlpChannels, "mlp channel", layer),
                complement(keptMlp, mlpChannels));
    }

    public static LayerSelection untouched(int layer, int attentionGroups, int mlpChannels) {
        return keeping(layer, attentionGroups, IntStream.range(0, attentionGroups).toArray(),
                mlpChannels, IntStream.range(0, mlpChannels).toArray());
    }

    private static int[] sortedUnique(int[] kept, int total, String what, int layer) {
        int[] sorted = IntStream.of(kept).sorted().distinct().toArray();
        if (sorted.length != kept.length || sorted.length == 0 || sorted[0] < 0 || sorted[sorted.length - 1] >= total) {
            throw new PrunePlanException("layer " + (layer + 1) + " (1-based): kept " + what
                    + " indices must be distinct, non-empty and in [0, " + total + ")");
        }
        return sorted;
    }

    private static int[] complement(int[] kept, int total) {
        boolean[] keep = new boolean[total];
        for (int k : kept) {
            if (k >= 0 && k < total) {
                keep[k] = true;
            }
        }
        return IntStream.range(0, total).filter(i -> !keep[i]).toArray();
    }
}
