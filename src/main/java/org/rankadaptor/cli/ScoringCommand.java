package org.rankadaptor.cli;

import org.rankadaptor.eval.EvalDataException;
import org.rankadaptor.job.EvaluationRecorder;
import org.rankadaptor.job.ModelCatalog;
import org.rankadaptor.lora.LoraException;
import org.rankadaptor.model.CheckpointException;
import org.rankadaptor.stage.StageContext;
import org.rankadaptor.store.Workspace;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * What eval and ppl share: MODEL_DIR with an optional PEFT adapter on a device, a check that it fits, the score,
 * the score stored against the model (and the recovery run that wrote the adapter) when a workspace is open, and
 * bad input (data, checkpoint, adapter, arguments) reported as "COMMAND: message" with exit code 2.
 *
 * @param <R> what the command measures
 */
abstract class ScoringCommand<R> implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL_DIR", description = "Hugging Face LLaMA checkpoint directory")
    Path modelDir;

    @Mixin
    WorkspaceOption store;

    @Mixin
    DeviceOption device;

    @Option(names = "--adapter", paramLabel = "DIR", description = "PEFT adapter directory to apply")
    Path adapterDir;

    @Spec
    CommandSpec spec;

    private final AdapterLoader adapterLoader;

    ScoringCommand(AdapterLoader adapterLoader) {
        this.adapterLoader = adapterLoader;
    }

    /** Checks the arguments and that the job fits the device, before the model loads; prints the estimate to err. */
    abstract void prepare(PrintWriter err);

    abstract R score(LoadedCheckpoint checkpoint, StageContext context);

    abstract void record(Workspace ws, long modelId, Long recoveryRunId, R result);

    abstract void print(R result, PrintWriter out) throws IOException;

    @Override
    public final Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        try {
            prepare(err);
            try (LoadedCheckpoint checkpoint = LoadedCheckpoint.open(modelDir, device.placement(), adapterLoader,
                    adapterDir)) {
                R result = score(checkpoint, new StageContext(TerminalProgress.on(err), Interrupts.cancelCheck()));
                store.open().ifPresent(ws -> {
                    try (ws) {
                        record(ws, ModelCatalog.register(ws, modelDir).id(), EvaluationRecorder.recoveryRunOf(ws, adapterDir),
                                result);
                    }
                });
                print(result, out);
                out.flush();
            }
            return 0;
        } catch (EvalDataException | CheckpointException | LoraException | IllegalArgumentException | IllegalStateException e) {
            err.println(spec.name() + ": " + e.getMessage());
            err.flush();
            return 2;
        }
    }
}
