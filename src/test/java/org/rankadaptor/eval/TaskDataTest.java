package org.rankadaptor.eval;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Task files, prompts and bad input, without a model. */
class TaskDataTest {

    private static Path write(Path dataDir, String relative, String content) throws IOException {
        Path file = dataDir.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        return file;
    }

    @Test
    void malformedJsonNamesFileAndLine(@TempDir Path dir) throws IOException {
        Path file = write(dir, "piqa/validation.jsonl",
                "{\"goal\": \"g\", \"sol1\": \"a\", \"sol2\": \"b\", \"label\": 0}\n\n{\"goal\": \"g\", \"sol1\": \n");
        EvalDataException e = assertThrows(EvalDataException.class, () -> Tasks.byName("piqa").docs(dir, 0));
        assertTrue(e.getMessage().startsWith(file + ":3:"), e.getMessage());
    }

    @Test
    void missingOrMistypedFieldNamesFileLineAndField(@TempDir Path dir) throws IOException {
        Path file = write(dir, "boolq/validation.jsonl",
                "{\"passage\": \"p\", \"question\": \"q\", \"label\": 1}\n{\"passage\": \"p\", \"label\": 0}\n");
        EvalDataException missing = assertThrows(EvalDataException.class, () -> Tasks.byName("boolq").docs(dir, 0));
        assertTrue(missing.getMessage().startsWith(file + ":2:") && missing.getMessage().contains("'question'"), missing.getMessage());

        write(dir, "boolq/validation.jsonl", "{\"passage\": \"p\", \"question\": \"q\", \"label\": \"yes\"}\n");
        EvalDataException mistyped = assertThrows(EvalDataException.class, () -> Tasks.byName("boolq").docs(dir, 0));
        assertTrue(mistyped.getMessage().contains(":1:") && mistyped.getMessage().contains("'label'"), mistyped.getMessage());
    }

    @Test
    void answerKeyNotAmongLabelsIsAnError(@TempDir Path dir) throws IOException {
        write(dir, "arc_easy/test.jsonl", "{\"question\": \"q\", \"choices\": {\"text\": [\"a\", \"b\"], \"label\": [\"A\", \"B\"]}, \"answerKey\": \"C\"}\n");
        EvalDataException e = assertThrows(EvalDataException.class, () -> Tasks.byName("arc_easy").docs(dir, 0));
        assertTrue(e.getMessage().contains(":1:") && e.getMessage().contains("answerKey 'C'"), e.getMessage());
    }

    @Test
    void missingTaskFileIsNamed(@TempDir Path dir) {
        EvalDataException e = assertThrows(EvalDataException.class, () -> Tasks.byName("hellaswag").docs(dir, 0));
        assertTrue(e.getMessage().contains(dir.resolve("hellaswag/validation.jsonl").toString())
                && e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void unknownTaskListsTheKnownOnes() {
        EvalDataException e = assertThrows(EvalDataException.class, () -> Tasks.byName("mmlu"));
        assertTrue(e.getMessage().contains("'mmlu'") && e.getMessage().contains("winogrande"), e.getMessage());
    }

    @Test
    void jsonArrayFilesAreAcceptedAndLimitTakesTheFirstRows(@TempDir Path dir) throws IOException {
        write(dir, "winogrande/validation.jsonl", "[\n"
                + "{\"sentence\": \"Tom gave _ a cup.  \", \"option1\": \"Ann\", \"option2\": \"Bob\", \"answer\": \"2\"},\n"
                + "{\"sentence\": \"x _ y\", \"option1\": \"a\", \"option2\": \"b\", \"answer\": \"1\"}\n]");
        List<Doc> docs = Tasks.byName("winogrande").docs(dir, 1);
        assertEquals(1, docs.size());
        Doc doc = docs.get(0);
        assertEquals(List.of(new Request("Tom gave Ann", " a cup."), new Request("Tom gave Bob", " a cup.")), doc.requests());
        assertEquals(List.of("Tom gave Ann", "Tom gave Bob"), doc.choiceStrings());
        assertEquals(1, doc.gold());
    }

    @Test
    void malformedArrayElementNamesItsLine(@TempDir Path dir) throws IOException {
        Path file = write(dir, "openbookqa/test.jsonl", "[\n{\"question_stem\": \"q\"},\n 3\n]");
        EvalDataException e = assertThrows(EvalDataException.class, () -> Tasks.byName("openbookqa").docs(dir, 0));
        assertTrue(e.getMessage().startsWith(file + ":"), e.getMessage());
    }

    @Test
    void hellaswagPreprocessingFollowsLmEval() {
        assertEquals("Making a cake. Mix it well.", HellaswagTask.preprocess("  Making a cake [title] Mix it [step] well. "));
        assertEquals("He is", PyText.capitalize("he IS"));
        assertEquals("a b", HellaswagTask.preprocess("a [x] b"));
        assertEquals("a  b", HellaswagTask.preprocess("a [x]  b")); // one pass, as Python's replace
        // '.' does not cross a newline, as in Python
        assertEquals("a [b\nc] d", HellaswagTask.preprocess("a [b\nc] d"));
        assertEquals(2, PyText.length("\uD83D\uDE00x"));
        assertEquals("ctx", PyText.rstrip("ctx\u00A0\n "));
    }

    @Test
    void trailingContextWhitespaceMovesToTheContinuation() {
        // a tokenizer that spells out characters shows exactly what was encoded
        var tokenizer = new CharTokenizer();
        TokenizedRequest t = new TokenizedRequest.Encoder(tokenizer).encode(new Request("ab \n", "c"));
        assertEquals(2, t.contextIds().length);
        assertEquals(List.of((long) ' ', (long) '\n', (long) 'c'), java.util.Arrays.stream(t.continuationIds()).boxed().toList());
        ScoringWindow w = ScoringWindow.of(t, BosPolicy.PREPEND, 1, 2, 3);
        // seq = [1, a, b, ' ', '\n', c]; window = last 4; input 3 positions, all 3 continuation tokens scored
        assertEquals(List.of((long) 'b', (long) ' ', (long) '\n', (long) 'c'), java.util.Arrays.stream(w.window()).boxed().toList());
        assertEquals(3, w.scored());
        ScoringWindow tight = ScoringWindow.of(t, BosPolicy.OMIT, 1, 2, 2);
        assertEquals(2, tight.scored());
        assertEquals(3, tight.continuationTokens());
    }

    /** One id per UTF-16 char: enough to see how requests are split. */
    private static final class CharTokenizer implements org.rankadaptor.model.TextTokenizer {
        @Override
        public long[] encode(String text) {
            return text.chars().asLongStream().toArray();
        }

        @Override
        public String decode(long[] ids) {
            StringBuilder sb = new StringBuilder();
            for (long id : ids) {
                sb.append((char) id);
            }
            return sb.toString();
        }

        @Override
        public int bosId() {
            return 1;
        }

        @Override
        public int eosId() {
            return 2;
        }

        @Override
        public int vocabSize() {
            return 65536;
        }

        @Override
        public boolean addsBos() {
            return true;
        }

        @Override
        public void close() {
        }
    }
}
