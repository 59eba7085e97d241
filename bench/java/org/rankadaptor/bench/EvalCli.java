package org.rankadaptor.bench;

import org.rankadaptor.cli.EvalCommand;
import org.rankadaptor.cli.PplCommand;
import picocli.CommandLine;

/**
 * Runs {@code eval} or {@code ppl} from the test classpath (for bench scripts, before the application's Main
 * registers them). Usage: EvalCli eval|ppl ARGS...
 */
public final class EvalCli {
    public static void main(String[] args) {
        Object command = switch (args.length == 0 ? "" : args[0]) {
            case "eval" -> new EvalCommand();
            case "ppl" -> new PplCommand();
            default -> throw new IllegalArgumentException("usage: EvalCli eval|ppl ARGS...");
        };
        String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
        System.exit(new CommandLine(command).execute(rest));
    }
}
