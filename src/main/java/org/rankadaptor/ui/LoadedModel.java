package org.rankadaptor.ui;

import org.rankadaptor.model.CheckpointException;
import org.rankadaptor.model.CheckpointLoader;
import org.rankadaptor.model.LlamaConfig;
import org.rankadaptor.model.LlamaModel;
import org.rankadaptor.model.Placement;
import org.rankadaptor.model.TextTokenizer;
import org.rankadaptor.model.Tokenizers;
import org.rankadaptor.stage.StageContext;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A checkpoint opened in the workbench: weights, tokenizer (absent when the directory has none, e.g. a pruned
 * checkpoint saved without one) and its summary. Closed on the job thread, never on the FX thread.
 */
public final class LoadedModel implements AutoCloseable {
    private final Path dir;
    private final LlamaModel model;
    private final TextTokenizer tokenizer;
    private final String tokenizerProblem;
    private final ModelOverview summary;

    private LoadedModel(Path dir, LlamaModel model, TextTokenizer tokenizer, String tokenizerProblem, ModelOverview summary) {
        this.dir = dir;
        this.model = model;
        this.tokenizer = tokenizer;
        this.tokenizerProblem = tokenizerProblem;
        this.summary = summary;
    }

    /** Loads config, headers, weights (on {@code placement}) and tokenizer; reports four steps as "load". Job thread. */
    public static LoadedModel load(Path dir, Placement placement, StageContext context) {
        Path absolute = dir.toAbsolutePath().normalize();
        context.report("load", 0, 4, "reading config.json");
        LlamaConfig config = CheckpointLoader.readConfig(absolute);
        context.report("load", 1, 4, "reading safetensors headers");
        ModelOverview summary = ModelOverview.read(absolute, config);
        context.checkCancelled("load");
        context.report("load", 2, 4, "loading weights");
        LlamaModel model = CheckpointLoader.load(absolute, placement);
        try {
            context.checkCancelled("load");
            context.report("load", 3, 4, "loading tokenizer");
            TextTokenizer tokenizer = null;
            String problem = null;
            try {
                tokenizer = Tokenizers.load(absolute);
            } catch (CheckpointException e) {
                problem = e.getMessage();
            }
            context.report("load", 4, 4, "done");
            return new LoadedModel(absolute, model, tokenizer, problem, summary);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    public Path dir() {
        return dir;
    }

    public LlamaModel model() {
        return model;
    }

    public Optional<TextTokenizer> tokenizer() {
        return Optional.ofNullable(tokenizer);
    }

    /** The tokenizer, or a clear error naming the directory when it has none. */
    public TextTokenizer requireTokenizer() {
        if (tokenizer == null) {
            throw new CheckpointException("cannot generate with " + dir + ": " + tokenizerProblem);
        }
        return tokenizer;
    }

    /** Why there is no tokenizer, or empty. */
    public Optional<String> tokenizerProblem() {
        return Optional.ofNullable(tokenizerProblem);
    }

    public ModelOverview summary() {
        return summary;
    }

    @Override
    public void close() {
        if (tokenizer != null) {
            tokenizer.close();
        }
        model.close();
    }

    @Override
    public String toString() {
        return dir.toString();
    }
}
