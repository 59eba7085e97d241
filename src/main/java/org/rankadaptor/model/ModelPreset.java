package org.rankadaptor.model;

import java.util.Arrays;
import java.util.Collections;
import java.util.Locale;
import java.util.stream.Collectors;

/** Published LLaMA shapes, for writing random checkpoints of real size without downloading one. */
public enum ModelPreset {
    /** A two-layer toy with grouped-query heads, for quick checks. */
    TINY("tiny", 64, 2, 4, 2, 172, 512, 1e-5, 10000.0, null, 512, 1, 2),
    /** TinyLlama-1.1B: 22 layers, 32 query heads over 4 kv heads. */
    TINYLLAMA_1_1B("tinyllama-1.1b", 2048, 22, 32, 4, 5632, 32000, 1e-5, 10000.0, null, 2048, 1, 2),
    /** LLaMA-2-7B: multi-head attention, 32,000 tokens. */
    LLAMA2_7B("llama2-7b", 4096, 32, 32, 32, 11008, 32000, 1e-5, 10000.0, null, 4096, 1, 2),
    /** LLaMA-3.1-8B: GQA with 8 kv heads, 128,256 tokens, llama3 RoPE scaling. */
    LLAMA3_8B("llama3-8b", 4096, 32, 32, 8, 14336, 128256, 1e-5, 500000.0,
            new RopeScaling("llama3", 8.0, 1.0, 4.0, 8192), 131072, 128000, 128001);

    private final String cliName;
    private final LlamaConfig config;

    ModelPreset(String cliName, int hidden, int layers, int heads, int kvHeads, int ffn, int vocab, double eps,
                double ropeTheta, RopeScaling ropeScaling, int maxPositions, int bos, int eos) {
        this.cliName = cliName;
        this.config = new LlamaConfig(hidden, vocab, hidden / heads, eps, ropeTheta, ropeScaling, maxPositions,
                false, bos, eos, Collections.nCopies(layers, new LayerDims(heads, kvHeads, ffn)));
    }

    public String cliName() {
        return cliName;
    }

    public LlamaConfig config() {
        return config;
    }

    public static ModelPreset fromName(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (ModelPreset p : values()) {
            if (p.cliName.equals(n)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown preset '" + name + "' (expected one of "
                + Arrays.stream(values()).map(ModelPreset::cliName).collect(Collectors.joining(", ")) + ")");
    }

    @Override
    public String toString() {
        return cliName;
    }
}
