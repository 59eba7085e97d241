package org.rankadaptor.model;

/** Hugging Face LLaMA tensor names. The only place they are spelled out. */
public final class HfNames {
    public static final String EMBED = "model.embed_tokens.weight";
    public static final String FINAL_NORM = "model.norm.weight";
    public static final String LM_HEAD = "lm_head.weight";

    private HfNames() {
    }

    public static String inputNorm(int layer) {
        return "model.layers." + layer + ".input_layernorm.weight";
    }

    public static String postAttentionNorm(int layer) {
        return "model.layers." + layer + ".post_attention_layernorm.weight";
    }

    public static String weight(Projection projection, int layer) {
        return projection.modulePath(layer) + ".weight";
    }
}
