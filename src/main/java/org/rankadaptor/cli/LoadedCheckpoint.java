package org.rankadaptor.cli;

import org.rankadaptor.model.CheckpointLoader;
import org.rankadaptor.model.LinearAdapter;
import org.rankadaptor.model.LlamaModel;
import org.rankadaptor.model.Placement;
import org.rankadaptor.model.TextTokenizer;
import org.rankadaptor.model.Tokenizers;

import java.nio.file.Path;

/** A checkpoint loaded to run: model, tokenizer and the adapter asked for (or none); closing closes both. */
record LoadedCheckpoint(LlamaModel model, TextTokenizer tokenizer, LinearAdapter adapter) implements AutoCloseable {
    /** Loads {@code modelDir} where {@code placement} says, with the adapter at {@code adapterDir} when not null. */
    static LoadedCheckpoint open(Path modelDir, Placement placement, AdapterLoader adapters, Path adapterDir) {
        LlamaModel model = CheckpointLoader.load(modelDir, placement);
        TextTokenizer tokenizer = null;
        try {
            tokenizer = Tokenizers.load(modelDir, model.config());
            return new LoadedCheckpoint(model, tokenizer, adapters.loadOrNone(adapterDir, model));
        } catch (RuntimeException e) {
            if (tokenizer != null) {
                tokenizer.close();
            }
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
