package org.rankadaptor.cli;

import org.rankadaptor.model.LinearAdapter;
import org.rankadaptor.model.LlamaModel;
import org.rankadaptor.model.ModelWithTokenizer;
import org.rankadaptor.model.Placement;
import org.rankadaptor.model.TextTokenizer;

import java.nio.file.Path;

/** A checkpoint loaded to run: model, tokenizer and the adapter asked for (or none); closing closes both. */
record LoadedCheckpoint(LlamaModel model, TextTokenizer tokenizer, LinearAdapter adapter) implements AutoCloseable {
    /** Loads {@code modelDir} where {@code placement} says, with the adapter at {@code adapterDir} when not null. */
    static LoadedCheckpoint open(Path modelDir, Placement placement, AdapterLoader adapters, Path adapterDir) {
        ModelWithTokenizer loaded = ModelWithTokenizer.open(modelDir, placement);
        try {
            return new LoadedCheckpoint(loaded.model(), loaded.tokenizer(), adapters.loadOrNone(adapterDir, loaded.model()));
        } catch (RuntimeException e) {
            loaded.close();
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
