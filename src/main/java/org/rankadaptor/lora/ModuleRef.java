package org.rankadaptor.lora;

import org.rankadaptor.model.LlamaConfig;
import org.rankadaptor.model.Projection;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One adaptable linear layer: a projection in a decoder layer, named by its module path. */
public record ModuleRef(int layer, Projection projection) {
    private static final Pattern PATH = Pattern.compile("(?:.*\\.)?layers\\.(\\d+)\\.(?:self_attn|mlp)\\.(\\w+_proj)");

    /** e.g. "model.layers.3.self_attn.q_proj". */
    public String path() {
        return projection.modulePath(layer);
    }

    /** [out, in] of the frozen weight in this (possibly pruned) layer. */
    public long[] weightShape(LlamaConfig config) {
        return projection.weightShape(config, layer);
    }

    /** Parses a module path such as "model.layers.3.self_attn.q_proj" (a PEFT "base_model.model." prefix is fine). */
    public static ModuleRef parse(String path) {
        Matcher m = PATH.matcher(path);
        if (!m.matches()) {
            throw new LoraException("'" + path + "' is not a LLaMA projection module path (expected e.g. model.layers.3.self_attn.q_proj)");
        }
        Projection p;
        try {
            p = Projection.fromName(m.group(2));
        } catch (IllegalArgumentException e) {
            throw new LoraException("'" + path + "': " + e.getMessage());
        }
        ModuleRef ref = new ModuleRef(Integer.parseInt(m.group(1)), p);
        String tail = ref.path().substring("model.".length());          // "layers.3.self_attn.q_proj"
        if (!path.equals(tail) && !path.endsWith("." + tail)) {
            throw new LoraException("'" + path + "': " + p.shortName() + " is not in that block (expected " + ref.path() + ")");
        }
        return ref;
    }

    /** Checks that the layer exists in the model. */
    public ModuleRef requireIn(LlamaConfig config, String source) {
        if (layer < 0 || layer >= config.numLayers()) {
            throw new LoraException(source + ": module " + path() + " names layer " + layer
                    + " but the model has " + config.numLayers() + " layers");
        }
        return this;
    }
}
