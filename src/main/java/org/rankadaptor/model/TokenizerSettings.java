package org.rankadaptor.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Special-token conventions from tokenizer_config.json, falling back to config.json ids. */
record TokenizerSettings(boolean addBos, int bosId, int eosId) {
    private static final String FILE = "tokenizer_config.json";

    static TokenizerSettings read(Path modelDir, LlamaConfig config) {
        Path file = modelDir.resolve(FILE);
        boolean addBos = true;
        if (Files.exists(file)) {
            try {
                JsonNode root = new ObjectMapper().readTree(file.toFile());
                if (root != null && root.has("add_bos_token")) {
                    addBos = root.get("add_bos_token").asBoolean(true);
                }
            } catch (IOException e) {
                throw new CheckpointException("cannot parse " + file + ": " + e.getMessage(), e);
            }
        }
        return new TokenizerSettings(addBos, config.bosTokenId(), config.eosTokenId());
    }
}
