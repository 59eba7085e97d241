package org.rankadaptor.eval;

import java.util.List;

/** PIQA, validation split: pick the solution that achieves the goal. */
public final class PiqaTask implements Task {
    @Override
    public String name() {
        return "piqa";
    }

    @Override
    public String relativeFile() {
        return "piqa/validation.jsonl";
    }

    @Override
    public boolean reportsAccNorm() {
        return true;
    }

    @Override
    public Doc toDoc(TaskRow row) {
        String context = "Question: " + row.string("goal") + "\nAnswer:";
        return Task.choiceDoc(row.index(), context, List.of(row.string("sol1"), row.string("sol2")),
                BoolqTask.binaryLabel(row));
    }
}
