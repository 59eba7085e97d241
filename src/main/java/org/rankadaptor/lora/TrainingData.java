package org.rankadaptor.lora;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.rankadaptor.model.TextTokenizer;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Fine-tuning data, tokenised the way alpaca-lora / LLM-Pruner's post-training does it:
 * BOS + text, truncated to the cutoff, EOS appended when there is room.
 *
 * <p>Accepted files: a JSON array or JSON lines. A record with "instruction" (and optional "input", "output") is
 * rendered with the Alpaca prompt template; a record with "text" is plain text.
 */
public final class TrainingData {
    /** Which tokens carry loss. */
    public enum LossTokens {
        /** Prompt and response (alpaca-lora train_on_inputs=True, the default). */
        ALL,
        /** Response only: labels of the prompt tokens are -100 (train_on_inputs=False). */
        RESPONSE_ONLY
    }

    /** Training and held-out rows. */
    public record Split(List<TrainingExample> train, List<TrainingExample> validation) {
        public Split {
            train = List.copyOf(train);
            validation = List.copyOf(validation);
            if (train.isEmpty()) {
                throw new LoraException("no training rows");
            }
        }
    }

    static final String PROMPT_WITH_INPUT = "Below is an instruction that describes a task, paired with an input that "
            + "provides further context. Write a response that appropriately completes the request.\n\n"
            + "### Instruction:\n%s\n\n### Input:\n%s\n\n### Response:\n";
    static final String PROMPT_NO_INPUT = "Below is an instruction that describes a task. Write a response that "
            + "appropriately completes the request.\n\n### Instruction:\n%s\n\n### Response:\n";

    private static final ObjectMapper JSON = new ObjectMapper();

    private TrainingData() {
    }

    /** The Alpaca prompt (everything before the response) for one instruction record. */
    public static String alpacaPrompt(String instruction, String input) {
        return input == null || input.isEmpty()
                ? String.format(PROMPT_NO_INPUT, instruction)
                : String.format(PROMPT_WITH_INPUT, instruction, input);
    }

    public static List<TrainingExample> load(Path file, TextTokenizer tokenizer, int cutoff, LossTokens lossTokens) {
        if (cutoff < 2) {
            throw new LoraException("cutoff length must be at least 2 tokens, got " + cutoff);
        }
        List<JsonNode> records = readRecords(file);
        List<TrainingExample> out = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            out.add(tokenize(records.get(i), file + " record " + (i + 1), tokenizer, cutoff, lossTokens));
        }
        if (out.isEmpty()) {
            throw new LoraException(file + ": no records");
        }
        return out;
    }

    static List<JsonNode> readRecords(Path file) {
        try {
            String head = firstNonBlankChar(file);
            List<JsonNode> records = new ArrayList<>();
            if (head.equals("[")) {
                JsonNode root = JSON.readTree(file.toFile());
                root.forEach(records::add);
                return records;
            }
            try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                String line;
                int number = 0;
                while ((line = reader.readLine()) != null) {
                    number++;
                    if (line.isBlank()) {
                        continue;
                    }
                    try {
                        records.add(JSON.readTree(line));
                    } catch (IOException e) {
                        throw new LoraException(file + " line " + number + ": not valid JSON: " + e.getMessage());
                    }
                }
            }
            return records;
        } catch (NoSuchFileException e) {
            throw new LoraException("data file not found: " + file);
        } catch (IOException e) {
            throw new LoraException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static String firstNonBlankChar(Path file) throws IOException {
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int c;
            while ((c = reader.read()) >= 0) {
                if (!Character.isWhitespace(c) && c != '\uFEFF') {
                    return String.valueOf((char) c);
                }
            }
        }
        return "";
    }

    static TrainingExample tokenize(JsonNode record, String where, TextTokenizer tokenizer, int cutoff,
                                    LossTokens lossTokens) {
        if (record == null || !record.isObject()) {
            throw new LoraException(where + ": expected a JSON object");
        }
        if (record.has("instruction")) {
            String instruction = text(record, "instruction", where);
            String input = record.has("input") ? text(record, "input", where) : "";
            String output = record.has("output") ? text(record, "output", where) : "";
            String prompt = alpacaPrompt(instruction, input);
            long[] ids = withEos(tokenizer.encodePrompt(prompt + output), tokenizer, cutoff);
            long[] labels = ids.clone();
            if (lossTokens == LossTokens.RESPONSE_ONLY) {
                int promptLength = Math.min(tokenizer.encodePrompt(prompt).length, ids.length);
                Arrays.fill(labels, 0, promptLength, TrainingExample.IGNORE);
            }
            return new TrainingExample(ids, labels);
        }
        if (record.has("text")) {
            long[] ids = withEos(tokenizer.encodePrompt(text(record, "text", where)), tokenizer, cutoff);
            return new TrainingExample(ids, ids.clone());
        }
        throw new LoraException(where + ": needs a 'text' field or an 'instruction' field (Alpaca format)");
    }

    private static String text(JsonNode record, String field, String where) {
        JsonNode v = record.get(field);
        if (v == null || v.isNull()) {
            return "";
        }
        if (!v.isTextual()) {
            throw new LoraException(where + ": field '" + field + "' must be a string");
        }
        return v.asText();
    }

    /** alpaca-lora's tokenize(): truncate to cutoff, then append EOS if it is not last and there is room. */
    private static long[] withEos(long[] ids, TextTokenizer tokenizer, int cutoff) {
        long[] cut = ids.length > cutoff ? Arrays.copyOf(ids, cutoff) : ids;
        if (cut.length < cutoff && (cut.length == 0 || cut[cut.length - 1] != tokenizer.eosId())) {
            cut = Arrays.copyOf(cut, cut.length + 1);
            cut[cut.length - 1] = tokenizer.eosId();
        }
        return cut;
    }

    /** Seeded shuffle, the first rows become validation (like datasets' train_test_split(shuffle=True, seed)). */
    public static Split split(List<TrainingExample> all, ValidationSplit validation, long seed) {
        int n = validation.size(all.size());
        int[] order = permutation(all.size(), new SplittableRandom(seed));
        List<TrainingExample> val = new ArrayList<>(n);
        List<TrainingExample> train = new ArrayList<>(all.size() - n);
        for (int i = 0; i < order.length; i++) {
            (i < n ? val : train).add(all.get(order[i]));
        }
        return new Split(train, val);
    }

    static int[] permutation(int size, SplittableRandom random) {
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        for (int i = size - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
