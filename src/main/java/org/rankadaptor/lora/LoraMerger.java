package org.rankadaptor.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import org.rankadaptor.model.CheckpointWriter;
import org.rankadaptor.model.LayerWeights;
import org.rankadaptor.model.LlamaModel;
import org.rankadaptor.model.LlamaWeights;
import org.rankadaptor.model.Projection;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Folds a LoRA adapter into the base weights: W' = W + scale B A. The base model is left unchanged. */
public final class LoraMerger {
    private LoraMerger() {
    }

    /** A new model (own manager, close it) with the adapter merged in. */
    public static LlamaModel merge(LlamaModel base, LoraAdapter adapter) {
        LlamaWeights w = base.weights();
        NDManager manager = NDManager.newBaseManager(w.embedTokens().getDevice());
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray embed = keep(w.embedTokens().duplicate(), manager);
            List<LayerWeights> layers = new ArrayList<>();
            for (int i = 0; i < base.config().numLayers(); i++) {
                LayerWeights l = w.layer(i);
                NDArray[] proj = new NDArray[Projection.values().length];
                for (Projection p : Projection.values()) {
                    NDArray weight = l.projection(p);
                    NDArray merged;
                    if (adapter.plan().rank(i, p) > 0) {
                        NDManager tmp = manager.newSubManager();
                        NDArray delta = adapter.deltaWeight(new ModuleRef(i, p), tmp);
                        merged = weight.add(delta.toType(weight.getDataType(), false));
                        tmp.close();
                    } else {
                        merged = weight.duplicate();
                    }
                    proj[p.ordinal()] = keep(merged, manager);
                }
                layers.add(new LayerWeights(keep(l.inputNorm().duplicate(), manager),
                        proj[0], proj[1], proj[2], proj[3],
                        keep(l.postAttentionNorm().duplicate(), manager),
                        proj[4], proj[5], proj[6]));
            }
            NDArray norm = keep(w.finalNorm().duplicate(), manager);
            NDArray head = w.tied() ? embed : keep(w.lmHead().duplicate(), manager);
            return new LlamaModel(base.config(), new LlamaWeights(manager, embed, layers, norm, head));
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    private static NDArray keep(NDArray array, NDManager manager) {
        NDScope.unregister(array);
        array.attach(manager);
        return array;
    }

    /** Merges and writes a full checkpoint directory (tokenizer files copied from {@code tokenizerSource}). */
    public static void mergeAndSave(LlamaModel base, LoraAdapter adapter, Path outDir, Path tokenizerSource) {
        try (LlamaModel merged = merge(base, adapter)) {
            CheckpointWriter.save(merged, outDir, tokenizerSource);
        }
    }
}
