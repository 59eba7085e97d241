package org.rankadaptor.bench;

import org.rankadaptor.stage.StageContext;
import org.rankadaptor.lora.AdaLoraSettings;
import org.rankadaptor.lora.FinetuneMethod;
import org.rankadaptor.lora.FinetuneRequest;
import org.rankadaptor.lora.RankChoice;
import org.rankadaptor.lora.FineTuner;
import org.rankadaptor.lora.LoraSettings;
import org.rankadaptor.lora.RunLength;
import org.rankadaptor.lora.TrainingData;
import org.rankadaptor.lora.TrainingListener;
import org.rankadaptor.lora.TrainingSettings;
import org.rankadaptor.lora.ValidationSplit;
import org.rankadaptor.model.Placement;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Many identical short fine-tunes in one JVM, with garbage collections between and during them, as the GUI runs
 * them. On the CPU every run must give bit-identical losses; a differing or NaN run means state leaks between runs
 * or memory behind a tensor was freed while still in use.
 * Usage: DeterminismStress MODEL_DIR DATA_FILE [RUNS (30)] [STEPS (4)]
 */
public final class DeterminismStress {
    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        Path data = Path.of(args[1]);
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        int steps = args.length > 3 ? Integer.parseInt(args[3]) : 4;
        Map<String, Integer> outcomes = new TreeMap<>();
        Thread collector = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                byte[][] garbage = new byte[64][];
                for (int i = 0; i < garbage.length; i++) {
                    garbage[i] = new byte[1 << 16];
                }
                System.gc();
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "gc-pressure");
        collector.setDaemon(true);
        collector.start();
        for (int run = 1; run <= runs; run++) {
            Path out = Files.createTempDirectory("stress");
            TrainingSettings training = TrainingSettings.defaults(RunLength.steps(steps)).withBatch(4, 4)
                    .withIntervals(2, 0).withSeed(42);
            FinetuneRequest job = new FinetuneRequest(model, data, TrainingData.LossTokens.ALL, FinetuneMethod.LORA,
                    RankChoice.uniform(8), LoraSettings.defaults(), AdaLoraSettings.defaults(), training,
                    ValidationSplit.rows(8), 64, out, null, null, Placement.cpu(), 0);
            FineTuner.Outcome outcome = FineTuner.run(job, TrainingListener.NONE, StageContext.none(), line -> { });
            String key = String.format(Locale.ROOT, "train %.10f val %.10f", outcome.training().finalTrainLoss(),
                    outcome.training().finalValLoss());
            outcomes.merge(key, 1, Integer::sum);
            System.out.println("run " + run + ": " + key);
        }
        collector.interrupt();
        System.out.println(outcomes.size() == 1 ? "DETERMINISTIC: all " + runs + " runs identical"
                : "DIFFERENT OUTCOMES: " + outcomes);
        System.exit(outcomes.size() == 1 ? 0 : 1);
    }
}
