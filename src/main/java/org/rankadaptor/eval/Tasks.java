package org.rankadaptor.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** The seven commonsense tasks by lm-eval name. */
public final class Tasks {
    private static final Map<String, Supplier<Task>> BY_NAME = new LinkedHashMap<>();

    static {
        BY_NAME.put("boolq", BoolqTask::new);
        BY_NAME.put("piqa", PiqaTask::new);
        BY_NAME.put("hellaswag", HellaswagTask::new);
        BY_NAME.put("winogrande", WinograndeTask::new);
        BY_NAME.put("arc_easy", ArcTask::easy);
        BY_NAME.put("arc_challenge", ArcTask::challenge);
        BY_NAME.put("openbookqa", OpenbookqaTask::new);
    }

    private Tasks() {
    }

    /** Names in the order papers report them. */
    public static List<String> names() {
        return List.copyOf(BY_NAME.keySet());
    }

    public static Task byName(String name) {
        Supplier<Task> task = BY_NAME.get(name.trim().toLowerCase());
        if (task == null) {
            throw new EvalDataException("unknown task '" + name + "'; known tasks: " + String.join(", ", names()));
        }
        return task.get();
    }

    public static List<Task> byNames(List<String> names) {
        if (names.isEmpty()) {
            throw new EvalDataException("no tasks given; known tasks: " + String.join(", ", names()));
        }
        List<Task> tasks = new ArrayList<>();
        for (String name : names) {
            tasks.add(byName(name));
        }
        return tasks;
    }
}
