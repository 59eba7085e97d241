package org.rankadaptor.prune;

import org.rankadaptor.model.LayerDims;

/**
 * The coupled weights that must be pruned together.
 * <ul>
 *   <li>Attention group g (one kv head with its r = heads / kvHeads query heads g*r..g*r+r-1, HF repeat_kv order):
 *       q_proj rows [g*r*hd, (g+1)*r*hd), k_proj and v_proj rows [g*hd, (g+1)*hd), o_proj columns [g*r*hd, (g+1)*r*hd).
 *       With ungrouped attention (r = 1) a group is one head.</li>
 *   <li>MLP channel c: gate_proj row c, up_proj row c, down_proj column c.</li>
 * </ul>
 */
public final class DependencyGroups {
    private DependencyGroups() {
    }

    /** q_proj rows (= o_proj columns) of the kept groups, in order. */
    public static int[] queryRows(LayerDims dims, int headDim, int[] keptGroups) {
        return expand(keptGroups, dims.queryHeadsPerKvHead() * headDim);
    }

    /** k_proj / v_proj rows of the kept groups, in order. */
    public static int[] keyValueRows(int headDim, int[] keptGroups) {
        return expand(keptGroups, headDim);
    }

    private static int[] expand(int[] groups, int width) {
        int[] rows = new int[groups.length * width];
        for (int i = 0; i < groups.length; i++) {
            for (int j = 0; j < width; j++) {
                rows[i * width + j] = groups[i] * width + j;
            }
        }
        return rows;
    }
}
