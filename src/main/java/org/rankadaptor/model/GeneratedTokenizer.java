package org.rankadaptor.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Writes a byte-level BPE tokenizer.json of any vocabulary size (GPT-2's byte alphabet plus generated merges of
 * frequent English letters), so a random checkpoint of a real shape has a tokenizer whose ids cover its vocabulary.
 * Any text encodes; the merges are not learned, so the token counts are those of a crude tokenizer.
 */
public final class GeneratedTokenizer {
    public static final String BOS = "<s>";
    public static final String EOS = "</s>";
    /** Merge candidates in rough English frequency order ('Ġ' is the byte-level space). */
    private static final String COMMON = "Ġetaoinshrdlcumwfgypbvkjxqz,.'ETAOINSHRDLCUMWFGYPBVKJXQZ0123456789-!?\":;()Ċ";

    private GeneratedTokenizer() {
    }

    /** Writes tokenizer.json and tokenizer_config.json into {@code dir} for {@code config}'s vocabulary and ids. */
    public static void write(Path dir, LlamaConfig config) throws IOException {
        int vocabSize = config.vocabSize();
        int bos = config.bosTokenId();
        int eos = config.eosTokenId();
        if (bos < 0 || bos >= vocabSize || eos < 0 || eos >= vocabSize || bos == eos || vocabSize < 258) {
            throw new IllegalArgumentException("a generated tokenizer needs a vocabulary of at least 258 and distinct"
                    + " bos/eos ids inside it; got vocab " + vocabSize + ", bos " + bos + ", eos " + eos);
        }
        List<String> alphabet = byteAlphabet();
        int regular = vocabSize - 2;
        Set<String> tokens = new LinkedHashSet<>(alphabet);
        List<String> merges = new ArrayList<>();
        List<String> previous = new ArrayList<>();
        for (int i = 0; i < COMMON.length(); i++) {
            previous.add(String.valueOf(COMMON.charAt(i)));
        }
        // level by level: every token of the last level extended by one common character
        while (tokens.size() < regular) {
            List<String> level = new ArrayList<>();
            for (String left : previous) {
                for (int c = 0; c < COMMON.length() && tokens.size() < regular; c++) {
                    String right = String.valueOf(COMMON.charAt(c));
                    if (tokens.add(left + right)) {
                        merges.add(left + " " + right);
                        level.add(left + right);
                    }
                }
                if (tokens.size() >= regular) {
                    break;
                }
            }
            previous = level;
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        addSpecial(added, bos, BOS);
        addSpecial(added, eos, EOS);
        root.putNull("normalizer");
        root.set("pre_tokenizer", byteLevel(json));
        root.putNull("post_processor");
        root.set("decoder", byteLevel(json));
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        ObjectNode vocab = model.putObject("vocab");
        int id = 0;
        for (String token : tokens) {
            while (id == bos || id == eos) {
                id++;
            }
            vocab.put(token, id++);
        }
        vocab.put(BOS, bos);
        vocab.put(EOS, eos);
        ArrayNode mergeList = model.putArray("merges");
        merges.forEach(mergeList::add);
        json.writeValue(dir.resolve(Tokenizers.TOKENIZER_JSON).toFile(), root);
        ObjectNode settings = json.createObjectNode();
        settings.put("add_bos_token", true);
        settings.put("bos_token", BOS);
        settings.put("eos_token", EOS);
        json.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("tokenizer_config.json").toFile(), settings);
    }

    private static void addSpecial(ArrayNode added, int id, String content) {
        ObjectNode t = added.addObject();
        t.put("id", id);
        t.put("content", content);
        t.put("single_word", false);
        t.put("lstrip", false);
        t.put("rstrip", false);
        t.put("normalized", false);
        t.put("special", true);
    }

    private static ObjectNode byteLevel(ObjectMapper json) {
        ObjectNode n = json.createObjectNode();
        n.put("type", "ByteLevel");
        n.put("add_prefix_space", false);
        n.put("trim_offsets", true);
        n.put("use_regex", true);
        return n;
    }

    /** GPT-2's bytes_to_unicode: printable bytes map to themselves, the rest to code points from 256 up. */
    static List<String> byteAlphabet() {
        List<String> chars = new ArrayList<>();
        int shifted = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            chars.add(String.valueOf((char) (printable ? b : 256 + shifted++)));
        }
        return chars;
    }
}
