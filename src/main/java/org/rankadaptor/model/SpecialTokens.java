package org.rankadaptor.model;

/** The special-token part of {@link TextTokenizer}, answered from the checkpoint's tokenizer settings. */
abstract class SpecialTokens implements TextTokenizer {
    private final TokenizerSettings settings;

    SpecialTokens(TokenizerSettings settings) {
        this.settings = settings;
    }

    @Override
    public int bosId() {
        return settings.bosId();
    }

    @Override
    public int eosId() {
        return settings.eosId();
    }

    @Override
    public boolean addsBos() {
        return settings.addBos();
    }
}
