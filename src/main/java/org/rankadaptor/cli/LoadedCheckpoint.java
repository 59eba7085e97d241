package org.rankadaptor.cli;

import org.rankadaptor.model.LinearAdapter;
import org.rankadaptor.model.LlamaModel;
import org.rankadaptor.model.ModelWithTokenizer;
import org.rankadaptor.model.Placement;
import org.rankadaptor.model.TextTokenizer;

import java.nio.file.Path;

/** A checkpoint loaded to run: model and tokenizer, and the adapter asked for (or none); closing closes the first two. */
record LoadedCheckpoint(ModelWithTokenizer loaded, LinearAdapter adapter) implements AutoCloseable {
    /** Loads {@code modelDir} where {@code placement} says, with the adapter at {@code adapterDir} when not null. */
    static LoadedCheckpoint open(Path modelDir, Placement placement, AdapterLoader adapters, Path adapterDir) {
        ModelWithTokenizer loaded = ModelWithTokenizer.open(modelDir, placement);
        try {
            return new LoadedCheckpoint(loaded, adapters.loadOrNone(adapterDir, loaded.model()));
        } catch (RuntimeException e) {
            loaded.close();
            throw e;
        }
    }

    LlamaModel model() {
        return loaded.model();
    }

    TextTokenizer tokenizer() {
        return loaded.tokenizer();
    }

    @Override
    public void close() {
        loaded.close();
    }
}
