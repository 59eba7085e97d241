package org.rankadaptor.eval;

/** AI2 ARC (easy or challenge), test split. */
public final class ArcTask implements Task {
    private final String name;
    private final String directory;

    private ArcTask(String name, String directory) {
        this.name = name;
        this.directory = directory;
    }

    public static ArcTask easy() {
        return new ArcTask("arc_easy", "arc_easy");
    }

    public static ArcTask challenge() {
        return new ArcTask("arc_challenge", "arc_challenge");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String relativeFile() {
        return directory + "/test.jsonl";
    }

    @Override
    public boolean reportsAccNorm() {
        return true;
    }

    @Override
    public Doc toDoc(TaskRow row) {
        String context = "Question: " + row.string("question") + "\nAnswer:";
        var labels = row.strings("choices", "label");
        var texts = row.strings("choices", "text");
        if (labels.size() != texts.size()) {
            throw row.error("choices.label has " + labels.size() + " entries but choices.text has " + texts.size());
        }
        return Task.choiceDoc(row.index(), context, texts, Task.labelIndex(row, labels, row.string("answerKey")));
    }
}
