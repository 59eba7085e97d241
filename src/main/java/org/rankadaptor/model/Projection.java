package org.rankadaptor.model;

/** The seven linear layers of a LLaMA decoder layer, with their Hugging Face names. */
public enum Projection {
    Q("self_attn", "q_proj"),
    K("self_attn", "k_proj"),
    V("self_attn", "v_proj"),
    O("self_attn", "o_proj"),
    GATE("mlp", "gate_proj"),
    UP("mlp", "up_proj"),
    DOWN("mlp", "down_proj");

    private final String block;
    private final String shortName;

    Projection(String block, String shortName) {
        this.block = block;
        this.shortName = shortName;
    }

    /** PEFT's target_modules name, e.g. "q_proj". */
    public String shortName() {
        return shortName;
    }

    /** Module path inside the model, e.g. "model.layers.3.self_attn.q_proj". */
    public String modulePath(int layer) {
        return "model.layers." + layer + "." + block + "." + shortName;
    }

    public static Projection fromName(String name) {
        String n = name.trim().toLowerCase(java.util.Locale.ROOT);
        for (Projection p : values()) {
            if (p.shortName.equals(n) || p.shortName.startsWith(n + "_") || p.name().equalsIgnoreCase(n)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown projection '" + name + "' (expected one of q,k,v,o,gate,up,down)");
    }

    /** Output and input features of this projection in a layer of the given dims. */
    public long[] weightShape(LlamaConfig config, int layer) {
        LayerDims d = config.layer(layer);
        int hidden = config.hiddenSize();
        int headDim = config.headDim();
        switch (this) {
            case Q:
                return new long[] {(long) d.numHeads() * headDim, hidden};
            case K:
            case V:
                return new long[] {(long) d.numKvHeads() * headDim, hidden};
            case O:
                return new long[] {hidden, (long) d.numHeads() * headDim};
            case GATE:
            case UP:
                return new long[] {d.intermediateSize(), hidden};
            default:
                return new long[] {hidden, d.intermediateSize()};
        }
    }
}
