package org.rankadaptor.eval;

import java.util.List;

/**
 * WinoGrande (xl), validation split, with lm-eval's partial scoring: the two options fill the blank in two
 * contexts, and the shared rest of the sentence is scored after each.
 */
public final class WinograndeTask implements Task {
    @Override
    public String name() {
        return "winogrande";
    }

    @Override
    public String relativeFile() {
        return "winogrande/validation.jsonl";
    }

    @Override
    public boolean reportsAccNorm() {
        return false;
    }

    @Override
    public Doc toDoc(TaskRow row) {
        String sentence = row.string("sentence");
        int blank = sentence.indexOf('_');
        if (blank < 0) {
            throw row.error("field 'sentence' has no '_' blank");
        }
        String prefix = sentence.substring(0, blank);
        String continuation = TARGET_DELIMITER + PyText.strip(sentence.substring(blank + 1));
        List<String> contexts = List.of(prefix + row.string("option1"), prefix + row.string("option2"));
        int gold = switch (row.string("answer")) {
            case "1" -> 0;
            case "2" -> 1;
            default -> throw row.error("field 'answer' must be \"1\" or \"2\", found '" + row.string("answer") + "'");
        };
        return new Doc(row.index(), contexts.stream().map(c -> new Request(c, continuation)).toList(), contexts, gold);
    }
}
