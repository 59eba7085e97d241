package org.rankadaptor.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** HellaSwag, validation split: pick the ending of an ActivityNet / WikiHow context. */
public final class HellaswagTask implements Task {
    // UNIX_LINES: like Python's '.', only '\n' ends a match
    private static final Pattern BRACKETED = Pattern.compile("\\[.*?\\]", Pattern.UNIX_LINES);

    @Override
    public String name() {
        return "hellaswag";
    }

    @Override
    public String relativeFile() {
        return "hellaswag/validation.jsonl";
    }

    @Override
    public boolean reportsAccNorm() {
        return true;
    }

    @Override
    public Doc toDoc(TaskRow row) {
        String query = preprocess(row.string("activity_label") + ": " + row.string("ctx_a") + " "
                + PyText.capitalize(row.string("ctx_b")));
        List<String> endings = new ArrayList<>();
        for (String ending : row.strings("endings", null)) {
            endings.add(preprocess(ending));
        }
        String label = row.string("label");
        int gold;
        try {
            gold = Integer.parseInt(label.trim());
        } catch (NumberFormatException e) {
            throw row.error("field 'label' must be an integer string, found '" + label + "'");
        }
        if (gold < 0 || gold >= endings.size()) {
            throw row.error("field 'label' " + gold + " is not an index into " + endings.size() + " endings");
        }
        return Task.choiceDoc(row.index(), query, endings, gold);
    }

    /** lm-eval's hellaswag preprocess: strip, " [title]" to ". ", drop bracketed markup, one pass of "  " to " ". */
    static String preprocess(String text) {
        String t = PyText.strip(text);
        t = t.replace(" [title]", ". ");
        t = BRACKETED.matcher(t).replaceAll("");
        return t.replace("  ", " ");
    }
}
