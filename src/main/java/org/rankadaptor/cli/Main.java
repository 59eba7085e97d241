package org.rankadaptor.cli;

import org.rankadaptor.cluster.WorkerCommand;
import org.rankadaptor.model.CheckpointException;
import org.rankadaptor.model.NativeHeap;
import org.rankadaptor.stage.CancelledException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The rankadaptor command line. Every command calls the same stage classes as the workbench GUI. */
@Command(name = "rankadaptor", mixinStandardHelpOptions = true, version = "RankAdaptor Workbench 0.1.0",
        description = "Prune a LLaMA model, recover it with LoRA / AdaLoRA / RankAdaptor, evaluate and compare.",
        subcommands = {
            GuiCommand.class,
            InfoCommand.class,
            GenerateCommand.class,
            ImportanceCommand.class,
            PruneCommand.class,
            FinetuneCommand.class,
            EvalCommand.class,
            PplCommand.class,
            MakeCheckpointCommand.class,
            SearchCommand.class,
            WorkerCommand.class,
            ImportMeasurementsCommand.class,
            PerfModelCommand.class,
            RunsCommand.class,
        })
public class Main implements Runnable {
    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        OfflineEngine.configure();
        NativeHeap.returnFreedBuffers();
        Interrupts.install();
        int code;
        try {
            code = commandLine().execute(args);
        } finally {
            Interrupts.markFinished();
        }
        System.exit(code);
    }

    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("error: " + describe(e));
            if (Boolean.getBoolean("rankadaptor.stacktrace")) {
                e.printStackTrace(commandLine.getErr());
            }
            return e instanceof CancelledException ? 130 : 1;
        });
        return cli;
    }

    static String describe(Throwable e) {
        if (e instanceof OutOfMemoryError) {
            return "out of memory: " + e.getMessage() + " (try a smaller --batch-size, or raise -Xmx via JAVA_OPTS)";
        }
        if (e instanceof CheckpointException || e instanceof IllegalArgumentException || e.getMessage() != null) {
            return e.getMessage();
        }
        return e.toString();
    }
}
