package org.rankadaptor.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.rankadaptor.model.CheckpointLoader;
import org.rankadaptor.model.LayerWeights;
import org.rankadaptor.model.LlamaConfig;
import org.rankadaptor.model.LlamaModel;
import org.rankadaptor.model.LlamaWeights;
import org.rankadaptor.model.Projection;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Models the benchmarks run on: stories260K from disk, or one LLaMA-7B-shaped decoder layer with random weights. */
final class BenchModels {
    static final String LAYER_7B = "7b-layer";

    private BenchModels() {
    }

    static LlamaModel open(String which) {
        if (!which.equals(LAYER_7B)) {
            return CheckpointLoader.load(Path.of(which));
        }
        // dim 4096, 32 heads, ffn 11008; a small vocab keeps the head's cost out of the layer's figure
        LlamaConfig config = LlamaConfig.uniform(4096, 1, 32, 32, 11008, 256, false);
        NDManager m = NDManager.newBaseManager();
        List<LayerWeights> layers = new ArrayList<>();
        for (int i = 0; i < config.numLayers(); i++) {
            NDArray[] p = new NDArray[Projection.values().length];
            for (Projection proj : Projection.values()) {
                p[proj.ordinal()] = m.randomNormal(0, 0.02f, new Shape(proj.weightShape(config, i)), ai.djl.ndarray.types.DataType.FLOAT32);
            }
            layers.add(new LayerWeights(m.ones(new Shape(4096)), p[0], p[1], p[2], p[3], m.ones(new Shape(4096)), p[4], p[5], p[6]));
        }
        NDArray embed = m.randomNormal(0, 0.02f, new Shape(256, 4096), ai.djl.ndarray.types.DataType.FLOAT32);
        NDArray head = m.randomNormal(0, 0.02f, new Shape(256, 4096), ai.djl.ndarray.types.DataType.FLOAT32);
        return new LlamaModel(config, new LlamaWeights(m, embed, layers, m.ones(new Shape(4096)), head));
    }

    static double percentile(double[] sorted, double p) {
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
    }
}
