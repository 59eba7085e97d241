package org.rankadaptor.model;

/** Text to token ids and back, with the checkpoint's special-token conventions. */
public interface TextTokenizer extends AutoCloseable {
    /** Token ids of the text alone, with no BOS/EOS. */
    long[] encode(String text);

    /** Text of the ids, skipping special tokens. */
    String decode(long[] ids);

    int bosId();

    int eosId();

    int vocabSize();

    /** Whether the checkpoint's tokenizer prepends BOS (tokenizer_config.json add_bos_token). */
    boolean addsBos();

    /** Ids as the checkpoint's tokenizer would give them for a prompt: BOS first when it adds BOS. */
    default long[] encodePrompt(String text) {
        long[] ids = encode(text);
        if (!addsBos()) {
            return ids;
        }
        long[] withBos = new long[ids.length + 1];
        withBos[0] = bosId();
        System.arraycopy(ids, 0, withBos, 1, ids.length);
        return withBos;
    }

    @Override
    void close();
}
