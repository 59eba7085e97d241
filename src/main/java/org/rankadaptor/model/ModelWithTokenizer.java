package org.rankadaptor.model;

import java.nio.file.Path;

/** A checkpoint loaded with its tokenizer, closed together; if the tokenizer fails to load, the model is closed. */
public record ModelWithTokenizer(LlamaModel model, TextTokenizer tokenizer) implements AutoCloseable {

    public static ModelWithTokenizer open(Path modelDir, Placement placement) {
        LlamaModel model = CheckpointLoader.load(modelDir, placement);
        try {
            return new ModelWithTokenizer(model, Tokenizers.load(modelDir, model.config()));
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    @Override
    public void close() {
        try (model) {
            tokenizer.close();
        }
    }
}
