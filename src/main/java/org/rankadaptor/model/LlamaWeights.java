package org.rankadaptor.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * All tensors of a LLaMA model, owned by one NDManager. When embeddings are tied, {@code lmHead} is the same array as
 * {@code embedTokens}.
 */
public final class LlamaWeights implements AutoCloseable {
    private final NDManager manager;
    private final NDArray embedTokens;
    private final List<LayerWeights> layers;
    private final NDArray finalNorm;
    private final NDArray lmHead;

    public LlamaWeights(NDManager manager, NDArray embedTokens, List<LayerWeights> layers, NDArray finalNorm, NDArray lmHead) {
        this.manager = manager;
        this.embedTokens = embedTokens;
        this.layers = List.copyOf(layers);
        this.finalNorm = finalNorm;
        this.lmHead = lmHead;
    }

    public NDManager manager() {
        return manager;
    }

    public NDArray embedTokens() {
        return embedTokens;
    }

    public List<LayerWeights> layers() {
        return layers;
    }

    public LayerWeights layer(int index) {
        return layers.get(index);
    }

    public NDArray finalNorm() {
        return finalNorm;
    }

    public NDArray lmHead() {
        return lmHead;
    }

    public boolean tied() {
        return lmHead == embedTokens;
    }

    /** Tensors by Hugging Face name, as a checkpoint stores them (no lm_head.weight when tied). */
    public Map<String, NDArray> byHuggingFaceName() {
        Map<String, NDArray> named = new LinkedHashMap<>();
        named.put(HfNames.EMBED, embedTokens);
        for (int i = 0; i < layers.size(); i++) {
            LayerWeights l = layers.get(i);
            named.put(HfNames.inputNorm(i), l.inputNorm());
            for (Projection p : Projection.values()) {
                named.put(HfNames.weight(p, i), l.projection(p));
            }
            named.put(HfNames.postAttentionNorm(i), l.postAttentionNorm());
        }
        named.put(HfNames.FINAL_NORM, finalNorm);
        if (!tied()) {
            named.put(HfNames.LM_HEAD, lmHead);
        }
        return named;
    }

    public List<NDArray> allArrays() {
        List<NDArray> all = new ArrayList<>(byHuggingFaceName().values());
        return all;
    }

    @Override
    public void close() {
        manager.close();
    }
}
