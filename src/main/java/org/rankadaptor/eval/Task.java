package org.rankadaptor.eval;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A zero-shot multiple-choice task: where its rows live and how a row becomes a {@link Doc}. */
public interface Task {
    /** lm-eval's delimiter between context and choice. */
    String TARGET_DELIMITER = " ";

    /** lm-eval task name, e.g. "boolq". */
    String name();

    /** The task file relative to the data directory, e.g. "boolq/validation.jsonl". */
    String relativeFile();

    /** Whether lm-eval reports acc_norm for this task (boolq and winogrande report acc only). */
    boolean reportsAccNorm();

    Doc toDoc(TaskRow row);

    /** The first {@code limit} documents ({@link JsonRows#ALL} for all) of the task file under {@code dataDir}. */
    default List<Doc> docs(Path dataDir, int limit) {
        Path file = dataDir.resolve(relativeFile());
        List<Doc> docs = new ArrayList<>();
        for (TaskRow row : JsonRows.read(file, limit)) {
            try {
                docs.add(toDoc(row));
            } catch (EvalDataException e) {
                if (e.getMessage().startsWith(file.toString())) {
                    throw e;
                }
                throw row.error(e.getMessage());
            }
        }
        if (docs.isEmpty()) {
            throw new EvalDataException(file + ": no documents");
        }
        return docs;
    }

    /** The default request layout: one request (context, " " + choice) per choice. */
    static Doc choiceDoc(int index, String context, List<String> choices, int gold) {
        List<Request> requests = new ArrayList<>();
        for (String choice : choices) {
            requests.add(new Request(context, TARGET_DELIMITER + choice));
        }
        return new Doc(index, requests, choices, gold);
    }

    /** {@code labels.index(key)} with an error naming the row when the key is absent. */
    static int labelIndex(TaskRow row, List<String> labels, String key) {
        int gold = labels.indexOf(key);
        if (gold < 0) {
            throw row.error("answerKey '" + key + "' is not one of the choice labels " + labels);
        }
        return gold;
    }
}
