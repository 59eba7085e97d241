package org.rankadaptor.model;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds and opens a checkpoint's tokenizer: tokenizer.json first, SentencePiece tokenizer.model otherwise. */
public final class Tokenizers {
    public static final String TOKENIZER_JSON = "tokenizer.json";
    public static final String SENTENCEPIECE_MODEL = "tokenizer.model";
    /** Files a saved model directory carries along so it stays loadable. */
    public static final String[] TOKENIZER_FILES = {TOKENIZER_JSON, SENTENCEPIECE_MODEL, "tokenizer_config.json",
        "special_tokens_map.json", "generation_config.json"};

    private Tokenizers() {
    }

    public static TextTokenizer load(Path modelDir) {
        return load(modelDir, CheckpointLoader.readConfig(modelDir));
    }

    /** The tokenizer of a checkpoint whose config is already read (a loaded model's), so config.json is parsed once. */
    public static TextTokenizer load(Path modelDir, LlamaConfig config) {
        TokenizerSettings settings = TokenizerSettings.read(modelDir, config);
        Path json = modelDir.resolve(TOKENIZER_JSON);
        if (Files.exists(json)) {
            return new HuggingFaceTextTokenizer(json, settings, config.vocabSize());
        }
        Path sentencePiece = modelDir.resolve(SENTENCEPIECE_MODEL);
        if (Files.exists(sentencePiece)) {
            return SentencePieceTokenizer.load(sentencePiece, settings);
        }
        throw new CheckpointException(modelDir + ": no " + TOKENIZER_JSON + " or " + SENTENCEPIECE_MODEL);
    }
}
