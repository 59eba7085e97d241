package org.rankadaptor.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;

/**
 * The LLaMA forward pass, top to bottom: embedding, decoder layers (RMSNorm, attention with rotary embeddings and
 * grouped-query heads, SwiGLU MLP, each with a residual), final norm, LM head. Shape comments use
 * batch, seq (this step's positions), past (cached positions), total = past + seq, dim = hidden size,
 * heads / kv heads / rep = query heads per kv head, head_dim, ffn, vocab.
 *
 * <p>The model is a pure function of its weights: it never touches files and holds no training state. It caches the
 * rotary cos/sin table on the weights' device, so one model serves one thread at a time.
 */
public final class LlamaModel implements AutoCloseable {
    private final LlamaConfig config;
    private final LlamaWeights weights;
    private final double[] inverseFrequencies;
    private NDArray rotaryCos;   // (cached positions, head_dim), weights' device and dtype
    private NDArray rotarySin;

    public LlamaModel(LlamaConfig config, LlamaWeights weights) {
        this.config = config;
        this.weights = weights;
        this.inverseFrequencies = inverseFrequencies(config);
    }

    public LlamaConfig config() {
        return config;
    }

    public LlamaWeights weights() {
        return weights;
    }

    public NDManager manager() {
        return weights.manager();
    }

    /** Logits for a batch with no padding. inputIds: (batch, seq) int64 -> (batch, seq, vocab). */
    public NDArray logits(NDArray inputIds) {
        return forward(inputIds, null, LinearAdapter.NONE, null);
    }

    /**
     * @param inputIds      (batch, seq) int64
     * @param attentionMask (batch, total) with 1 for real tokens and 0 for padding, or null for none
     * @param adapter       adds LoRA-style deltas to projections; {@link LinearAdapter#NONE} for the base model
     * @param cache         past keys and values for incremental decoding, or null
     * @return logits (batch, seq, vocab)
     */
    public NDArray forward(NDArray inputIds, NDArray attentionMask, LinearAdapter adapter, KvCache cache) {
        int seq = (int) inputIds.getShape().get(1);
        int past = cache == null ? 0 : cache.length();

        NDArray x = embed(inputIds);                                                        // (batch, seq, dim)
        NDArray[] cosSin = rotaryCosSin(past, seq, x.getDataType());                                           // 2 x (seq, head_dim)
        NDArray bias = attentionBias(inputIds.getManager(), attentionMask, past, seq, x.getDataType());         // (batch|1, 1, 1, seq, total)

        for (int i = 0; i < config.numLayers(); i++) {
            NDArray out = layer(i, weights.layer(i), x, cosSin, bias, adapter, cache);      // (batch, seq, dim)
            x.close();   // autograd keeps its own reference when it needs the input
            x = out;
        }
        if (cache != null) {
            cache.advance(seq);
        }
        return head(x);                                                                     // (batch, seq, vocab)
    }

    /**
     * One decoder layer. Its intermediates live in their own scope and are released when the layer is done (autograd
     * holds what backward needs), so an inference pass holds one layer's working set instead of the whole model's;
     * only the output joins the caller's scope.
     */
    private NDArray layer(int i, LayerWeights layer, NDArray x, NDArray[] cosSin, NDArray bias, LinearAdapter adapter,
                          KvCache cache) {
        NDArray out;
        try (NDScope scope = new NDScope()) {
            // attention block with residual
            NDArray h = rmsNorm(x, layer.inputNorm());                                      // (batch, seq, dim)
            NDArray mid = x.add(attention(i, layer, h, cosSin, bias, adapter, cache));      // (batch, seq, dim)
            // MLP block with residual
            h = rmsNorm(mid, layer.postAttentionNorm());                                    // (batch, seq, dim)
            out = mid.add(mlp(i, layer, h, adapter));                                       // (batch, seq, dim)
            NDScope.unregister(out);
        }
        NDScope.register(out);
        return out;
    }

    // ---- the forward pass in pieces, for layer-by-layer backward passes (Taylor importance) ----

    /** Token embeddings: (batch, seq) int64 -> (batch, seq, dim). */
    public NDArray embed(NDArray inputIds) {
        return Embedding.embedding(inputIds, weights.embedTokens(), SparseFormat.DENSE).singletonOrThrow();
    }

    /**
     * Decoder layer {@code index} over a whole unpadded sequence (no cache, no adapter), with {@code layerWeights} in
     * place of the model's own, e.g. detached aliases that collect this layer's gradients alone.
     */
    public NDArray decoderLayer(int index, LayerWeights layerWeights, NDArray x) {
        int seq = (int) x.getShape().get(1);
        NDArray[] cosSin = rotaryCosSin(0, seq, x.getDataType());
        NDArray bias = attentionBias(x.getManager(), null, 0, seq, x.getDataType());
        return layer(index, layerWeights, x, cosSin, bias, LinearAdapter.NONE, null);
    }

    /** Final norm and LM head: (batch, seq, dim) -> logits (batch, seq, vocab). */
    public NDArray head(NDArray x) {
        return Linear.linear(rmsNorm(x, weights.finalNorm()), weights.lmHead()).singletonOrThrow();
    }

    private NDArray attention(int index, LayerWeights layer, NDArray h, NDArray[] cosSin, NDArray bias,
                              LinearAdapter adapter, KvCache cache) {
        LayerDims dims = config.layer(index);
        long batch = h.getShape().get(0);
        long seq = h.getShape().get(1);
        int kvHeads = dims.numKvHeads();
        int rep = dims.queryHeadsPerKvHead();
        int headDim = config.headDim();

        // Query heads are grouped under the kv head they share: head h uses kv head h / rep, as HF's repeat_kv.
        NDArray q = project(index, Projection.Q, layer.q(), h, adapter)                     // (batch, seq, heads * head_dim)
                .reshape(batch, seq, kvHeads, rep, headDim).transpose(0, 2, 3, 1, 4);       // (batch, kv, rep, seq, head_dim)
        NDArray k = project(index, Projection.K, layer.k(), h, adapter)                     // (batch, seq, kv * head_dim)
                .reshape(batch, seq, kvHeads, 1, headDim).transpose(0, 2, 3, 1, 4);         // (batch, kv, 1, seq, head_dim)
        NDArray v = project(index, Projection.V, layer.v(), h, adapter)
                .reshape(batch, seq, kvHeads, 1, headDim).transpose(0, 2, 3, 1, 4);         // (batch, kv, 1, seq, head_dim)

        q = applyRotary(q, cosSin);                                                         // (batch, kv, rep, seq, head_dim)
        k = applyRotary(k, cosSin);                                                         // (batch, kv, 1, seq, head_dim)
        if (cache != null) {
            NDList all = cache.append(index, k, v);
            k = all.get(0);                                                                 // (batch, kv, 1, total, head_dim)
            v = all.get(1);                                                                 // (batch, kv, 1, total, head_dim)
        }

        NDArray scores = q.matMul(k.transpose(0, 1, 2, 4, 3))                               // (batch, kv, rep, seq, total)
                .mul(OwnedArrays.scalarLike(q, 1.0 / Math.sqrt(headDim)))
                .add(bias);
        NDArray probs = scores.softmax(-1);                                                 // (batch, kv, rep, seq, total)
        NDArray out = probs.matMul(v)                                                       // (batch, kv, rep, seq, head_dim)
                .transpose(0, 3, 1, 2, 4)                                                   // (batch, seq, kv, rep, head_dim)
                .reshape(batch, seq, (long) dims.numHeads() * headDim);                     // (batch, seq, heads * head_dim)
        return project(index, Projection.O, layer.o(), out, adapter);                       // (batch, seq, dim)
    }

    private NDArray mlp(int index, LayerWeights layer, NDArray h, LinearAdapter adapter) {
        NDArray gate = project(index, Projection.GATE, layer.gate(), h, adapter);           // (batch, seq, ffn)
        NDArray up = project(index, Projection.UP, layer.up(), h, adapter);                 // (batch, seq, ffn)
        NDArray act = Activation.sigmoid(gate).mul(gate).mul(up);                           // (batch, seq, ffn), SiLU(gate) * up
        return project(index, Projection.DOWN, layer.down(), act, adapter);                 // (batch, seq, dim)
    }

    /** y = x W^T, plus the adapter's delta when it adapts this module. */
    private static NDArray project(int index, Projection projection, NDArray weight, NDArray x, LinearAdapter adapter) {
        NDArray y = Linear.linear(x, weight).singletonOrThrow();                            // (batch, seq, out)
        NDArray delta = adapter.delta(index, projection, x);
        return delta == null ? y : y.add(delta);
    }

    /** RMSNorm in float32 (as HF), then scaled by the weight. */
    private NDArray rmsNorm(NDArray x, NDArray weight) {
        NDArray x32 = GradCasts.widenHalf(x);
        NDArray meanSquare = x32.square().mean(new int[] {-1}, true);                      // (batch, seq, 1)
        NDArray rms = meanSquare.add(OwnedArrays.scalarLike(meanSquare, config.rmsNormEps())).sqrt(); // (batch, seq, 1)
        return GradCasts.cast(x32.div(rms), weight.getDataType()).mul(weight);
    }

    // ---- rotary position embeddings (rotate-half form) ----

    private static NDArray applyRotary(NDArray x, NDArray[] cosSin) {
        return x.mul(cosSin[0]).add(rotateHalf(x).mul(cosSin[1]));
    }

    private static NDArray rotateHalf(NDArray x) {
        long half = x.getShape().getLastDimension() / 2;
        NDArray first = x.get("..., :" + half);
        NDArray second = x.get("..., " + half + ":");
        return second.neg().concat(first, -1);
    }

    private static double[] inverseFrequencies(LlamaConfig config) {
        int half = config.headDim() / 2;
        double[] inv = new double[half];
        for (int i = 0; i < half; i++) {
            // float32 like transformers, so angles match its cos/sin to rounding
            inv[i] = (float) (1.0 / Math.pow(config.ropeTheta(), (2.0 * i) / config.headDim()));
        }
        return config.ropeScaling() == null ? inv : config.ropeScaling().apply(inv);
    }

    /** Rows [start, start + seq) of the cached table, which grows (doubling) as positions are needed. */
    private NDArray[] rotaryCosSin(int start, int seq, DataType type) {
        int needed = start + seq;
        if (rotaryCos == null || rotaryCos.getShape().get(0) < needed || rotaryCos.getDataType() != type) {
            int cached = rotaryCos == null ? 0 : (int) rotaryCos.getShape().get(0);
            int length = Math.max(needed, Math.min(2 * cached, config.maxPositionEmbeddings()));
            if (rotaryCos != null) {
                rotaryCos.close();
                rotarySin.close();
            }
            rotaryCos = cachedTable(length, type, Math::cos);
            rotarySin = cachedTable(length, type, Math::sin);
        }
        NDIndex rows = new NDIndex("{}:{}", start, needed);
        return new NDArray[] {rotaryCos.get(rows), rotarySin.get(rows)};
    }

    /** f(angle) for positions [0, length) in rotate-half layout, float32 angles as transformers computes them. */
    private NDArray cachedTable(int length, DataType type, java.util.function.DoubleUnaryOperator f) {
        int headDim = config.headDim();
        int half = headDim / 2;
        float[] values = new float[length * headDim];
        for (int p = 0; p < length; p++) {
            for (int i = 0; i < half; i++) {
                float angle = (float) p * (float) inverseFrequencies[i];
                float v = (float) f.applyAsDouble(angle);
                values[p * headDim + i] = v;
                values[p * headDim + i + half] = v;
            }
        }
        NDArray host = OwnedArrays.create(weights.manager(), values, new Shape(length, headDim));
        NDArray onDevice = host.toDevice(weights.embedTokens().getDevice(), false);
        NDArray typed = onDevice.toType(type, false);
        for (NDArray step : new NDArray[] {host, onDevice}) {
            if (step != typed) {
                step.close();
            }
        }
        NDScope.unregister(typed);   // lives with the model, not with the caller's scope
        return typed;
    }

    /** Additive mask: 0 where a query may attend, a large negative where it may not (future or padding). */
    private NDArray attentionBias(NDManager manager, NDArray attentionMask, int past, int seq, DataType type) {
        int total = past + seq;
        float blocked = type == DataType.FLOAT16 ? -6.0e4f : -1.0e9f;
        // built on the model's device: a host array copied in for every forward pass would stall a GPU
        NDArray keys = manager.arange(0, total, 1, DataType.INT32).reshape(1, total);       // (1, total)
        NDArray queries = manager.arange(past, total, 1, DataType.INT32).reshape(seq, 1);   // (seq, 1), absolute positions
        NDArray future = keys.gt(queries).toType(type, false);                              // (seq, total), 1 where key > query
        NDArray bias = future.mul(OwnedArrays.scalarLike(future, blocked))
                .reshape(1, 1, 1, seq, total);                                              // (1, 1, 1, seq, total)
        if (attentionMask != null) {
            long batch = attentionMask.getShape().get(0);
            NDArray mask = attentionMask.toType(type, false);                               // (batch, total)
            NDArray padding = mask.mul(OwnedArrays.scalarLike(mask, -blocked))
                    .add(OwnedArrays.scalarLike(mask, blocked))                             // 0 for tokens, blocked for padding
                    .reshape(batch, 1, 1, 1, total);                                        // (batch, 1, 1, 1, total)
            bias = bias.add(padding).maximum(OwnedArrays.scalarLike(bias, blocked));        // (batch, 1, 1, seq, total)
        }
        return bias;
    }

    // ---- helpers over logits ----

    /** log p(token) for every position: (batch, seq, vocab) -> (batch, seq, vocab). */
    public static NDArray logProbs(NDArray logits) {
        return GradCasts.widenHalf(logits).logSoftmax(-1);
    }

    /** log p(targets[b, t]) from logits at the same position: (batch, seq, vocab), (batch, seq) -> (batch, seq). */
    public static NDArray targetLogProbs(NDArray logits, NDArray targets) {
        return logProbs(logits).gather(targets.expandDims(-1), -1).squeeze(-1);
    }

    @Override
    public void close() {
        weights.close();
    }
}
