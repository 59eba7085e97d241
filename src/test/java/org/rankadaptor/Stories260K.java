package org.rankadaptor;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.rankadaptor.model.CheckpointLoader;
import org.rankadaptor.model.LlamaModel;
import org.rankadaptor.model.TextTokenizer;
import org.rankadaptor.model.Tokenizers;

import java.nio.file.Path;

/**
 * The real stories260K model and its tokenizer, loaded once before a test class (before its own {@code @BeforeAll}
 * methods) and closed after it. Register as {@code @RegisterExtension static final Stories260K STORIES = new
 * Stories260K();}. Missing data skips or fails the class as {@link TestData} says.
 */
public final class Stories260K implements BeforeAllCallback, AfterAllCallback {
    private LlamaModel model;
    private TextTokenizer tokenizer;

    @Override
    public void beforeAll(ExtensionContext context) {
        Path dir = TestData.stories260K();
        model = CheckpointLoader.load(dir);
        tokenizer = Tokenizers.load(dir);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (model != null) {
            model.close();
            tokenizer.close();
            model = null;
            tokenizer = null;
        }
    }

    public LlamaModel model() {
        return require(model);
    }

    public TextTokenizer tokenizer() {
        return require(tokenizer);
    }

    private static <T> T require(T loaded) {
        if (loaded == null) {
            throw new IllegalStateException("stories260K is loaded only while a test class that registers it runs");
        }
        return loaded;
    }
}
