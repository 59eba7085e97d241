package org.rankadaptor.cli;

import org.rankadaptor.stage.StageContext;
import org.rankadaptor.model.CheckpointException;
import org.rankadaptor.model.CheckpointLoader;
import org.rankadaptor.model.LlamaModel;
import org.rankadaptor.prune.CalibrationSet;
import org.rankadaptor.prune.Estimator;
import org.rankadaptor.prune.ImportanceMaps;
import org.rankadaptor.prune.ImportanceScorer;
import org.rankadaptor.prune.PrunePlanException;
import org.rankadaptor.prune.PruningResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code rankadaptor importance MODEL_DIR --calib FILE ...}: scores attention groups and MLP channels, prunes nothing. */
@Command(name = "importance", mixinStandardHelpOptions = true,
        description = "Score every attention group (kv head + its query heads) and MLP channel of every layer.")
public final class ImportanceCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL_DIR", description = "Hugging Face LLaMA checkpoint directory")
    Path modelDir;

    @Mixin
    CalibrationOptions calibrationOptions;

    @Option(names = "--estimator", defaultValue = "taylor-element1",
            description = "random, l1, l2, taylor-vectorize, taylor-element1, taylor-element2, taylor-mix (default ${DEFAULT-VALUE})")
    String estimator;

    @Option(names = "--seed", defaultValue = "0", description = "seed of the random estimator")
    long seed;

    @Option(names = "--out", paramLabel = "FILE", description = "write the importance maps as JSON here")
    Path out;

    @Mixin
    DeviceOption device;

    @Override
    public Integer call() {
        PrintWriter outWriter = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            Estimator est = Estimator.fromName(estimator);
            if (est.needsGradients()) {
                device.requireImportanceFits(CheckpointLoader.readConfig(modelDir), calibrationOptions.samples,
                        calibrationOptions.seqLen, est.gradientBuffersPerWeight(), err, "importance scoring");
            }
            try (LlamaModel model = CheckpointLoader.load(modelDir, device.placement().withFloat32())) {
                CalibrationSet calib = est.needsGradients() ? calibrationOptions.load(modelDir) : null;
                ImportanceMaps maps = ImportanceScorer.score(model, calib, est, seed, new StageContext(TerminalProgress.on(err), Interrupts.cancelCheck()));
                for (int l = 0; l < maps.numLayers(); l++) {
                    outWriter.printf(Locale.ROOT, "layer %d: attention groups %s; mlp channels min %.4g mean %.4g max %.4g%n",
                            l + 1, CliSupport.format(maps.attention()[l]),
                            Arrays.stream(maps.mlp()[l]).min().orElse(0), Arrays.stream(maps.mlp()[l]).average().orElse(0),
                            Arrays.stream(maps.mlp()[l]).max().orElse(0));
                }
                if (maps.calibrationLoss() != null) {
                    outWriter.printf(Locale.ROOT, "calibration loss %.6f%n", maps.calibrationLoss());
                }
                if (out != null) {
                    PruningResult.writeMaps(maps, out);
                    outWriter.println("wrote " + out);
                }
            }
            outWriter.flush();
            return 0;
        } catch (PrunePlanException | IllegalArgumentException | IllegalStateException | CheckpointException
                 | UncheckedIOException e) {
            err.println("importance: " + e.getMessage());
            err.flush();
            return 2;
        }
    }
}
