package org.rankadaptor.eval;

/** OpenBookQA (main), test split: the question stem alone is the context. */
public final class OpenbookqaTask implements Task {
    @Override
    public String name() {
        return "openbookqa";
    }

    @Override
    public String relativeFile() {
        return "openbookqa/test.jsonl";
    }

    @Override
    public boolean reportsAccNorm() {
        return true;
    }

    @Override
    public Doc toDoc(TaskRow row) {
        var labels = row.strings("choices", "label");
        var texts = row.strings("choices", "text");
        if (labels.size() != texts.size()) {
            throw row.error("choices.label has " + labels.size() + " entries but choices.text has " + texts.size());
        }
        int gold = Task.labelIndex(row, labels, PyText.strip(row.string("answerKey")));
        return Task.choiceDoc(row.index(), row.string("question_stem"), texts, gold);
    }
}
