package org.rankadaptor.model;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;

import java.io.IOException;
import java.nio.file.Path;

/** tokenizer.json through DJL's binding of the Hugging Face tokenizers library. */
final class HuggingFaceTextTokenizer extends SpecialTokens {
    private final HuggingFaceTokenizer tokenizer;
    private final int vocabSize;

    HuggingFaceTextTokenizer(Path tokenizerJson, TokenizerSettings settings, int vocabSize) {
        super(settings);
        try {
            this.tokenizer = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(tokenizerJson)
                    .optAddSpecialTokens(false)
                    .optTruncation(false)
                    .optPadding(false)
                    .optMaxLength(Integer.MAX_VALUE / 2)
                    .build();
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException("cannot load tokenizer " + tokenizerJson + ": " + e.getMessage(), e);
        }
        this.vocabSize = vocabSize;
    }

    @Override
    public long[] encode(String text) {
        if (text.isEmpty()) {
            return new long[0];
        }
        return tokenizer.encode(text).getIds();
    }

    @Override
    public String decode(long[] ids) {
        return tokenizer.decode(ids, true);
    }

    @Override
    public int vocabSize() {
        return vocabSize;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
