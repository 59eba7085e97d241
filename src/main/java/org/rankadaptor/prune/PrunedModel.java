package org.rankadaptor.prune;

import org.rankadaptor.model.LlamaModel;

import java.util.List;

/** A width-pruned model (own weights and config) and what each layer kept. */
public record PrunedModel(LlamaModel model, List<LayerSelection> layers) {
    public PrunedModel {
        layers = List.copyOf(layers);
    }
}
