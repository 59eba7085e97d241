package org.rankadaptor.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;

/** Keys and values of past positions for incremental decoding. Owns its arrays; close it when done. */
public final class KvCache implements AutoCloseable {
    private final NDArray[] keys;
    private final NDArray[] values;
    private int length;

    public KvCache(int numLayers) {
        keys = new NDArray[numLayers];
        values = new NDArray[numLayers];
    }

    /** Number of cached positions. */
    public int length() {
        return length;
    }

    /**
     * Appends this step's keys and values (batch, kv, 1, seq, head_dim) for a layer and returns all of them.
     * The returned arrays outlive the caller's NDScope.
     */
    NDList append(int layer, NDArray key, NDArray value) {
        NDArray k = keys[layer] == null ? key.duplicate() : keys[layer].concat(key, 3);
        NDArray v = values[layer] == null ? value.duplicate() : values[layer].concat(value, 3);
        NDScope.unregister(k, v);
        if (keys[layer] != null) {
            keys[layer].close();
            values[layer].close();
        }
        keys[layer] = k;
        values[layer] = v;
        return new NDList(k, v);
    }

    /**
     * A new cache whose batch row i is row {@code rows[i]} of this one, so several sequences continue from one prefix
     * (each choice of a question after its shared context). rows: (new batch) int64. This cache is unchanged.
     */
    public KvCache selectRows(NDArray rows) {
        NDIndex pick = new NDIndex("{}", rows);
        KvCache selected = new KvCache(keys.length);
        for (int layer = 0; layer < keys.length; layer++) {
            if (keys[layer] == null) {
                continue;
            }
            NDArray k = keys[layer].get(pick);                                              // (rows, kv, 1, past, head_dim)
            NDArray v = values[layer].get(pick);
            NDScope.unregister(k, v);
            selected.keys[layer] = k;
            selected.values[layer] = v;
        }
        selected.length = length;
        return selected;
    }

    /** Called once per forward pass after every layer appended. */
    void advance(int positions) {
        length += positions;
    }

    @Override
    public void close() {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != null) {
                keys[i].close();
                values[i].close();
                keys[i] = null;
                values[i] = null;
            }
        }
        length = 0;
    }
}
