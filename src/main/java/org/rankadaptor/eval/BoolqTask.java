package org.rankadaptor.eval;

import java.util.List;

/** SuperGLUE BoolQ, validation split: yes/no question about a passage. */
public final class BoolqTask implements Task {
    @Override
    public String name() {
        return "boolq";
    }

    @Override
    public String relativeFile() {
        return "boolq/validation.jsonl";
    }

    @Override
    public boolean reportsAccNorm() {
        return false;
    }

    @Override
    public Doc toDoc(TaskRow row) {
        String context = row.string("passage") + "\nQuestion: " + row.string("question") + "?\nAnswer:";
        return Task.choiceDoc(row.index(), context, List.of("no", "yes"), binaryLabel(row));
    }

    static int binaryLabel(TaskRow row) {
        int label = row.integer("label");
        if (label != 0 && label != 1) {
            throw row.error("field 'label' must be 0 or 1, found " + label);
        }
        return label;
    }
}
