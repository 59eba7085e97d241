package org.rankadaptor.job;

import ai.djl.engine.Engine;
import org.rankadaptor.model.CheckpointLoader;
import org.rankadaptor.model.LlamaModel;
import org.rankadaptor.model.NativeHeap;
import org.rankadaptor.prune.Estimator;
import org.rankadaptor.prune.LayerRange;
import org.rankadaptor.prune.PrunePlan;
import org.rankadaptor.stage.StageContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Run in a child JVM by {@link StreamingMemoryTest}, under a small heap and direct-memory cap: loads a checkpoint
 * (mode "load") or prunes it through {@link PruneJob} (mode "prune"), then prints the resident set before the work
 * and its peak after, from /proc/self/status. Usage: StreamingMemoryProbe load|prune MODEL_DIR [OUT_DIR]
 */
public final class StreamingMemoryProbe {
    public static void main(String[] args) throws IOException {
        NativeHeap.returnFreedBuffers();            // as every entry point of the app does
        Engine.getInstance();                       // libtorch loaded before the baseline
        Path model = Path.of(args[1]);
        long baseline = status("VmRSS:");
        long afterLoad;
        if (args[0].equals("load")) {
            try (LlamaModel loaded = CheckpointLoader.load(model)) {
                afterLoad = status("VmRSS:");
            }
        } else {
            afterLoad = -1;   // the job loads the model itself
            PrunePlan plan = new PrunePlan(List.of(new LayerRange(0, 3, 0.5, 0.5)), Estimator.L2, 1, 0);
            PruneJob.run(new PruneRequest(model, plan, null, null, 0, Path.of(args[2])), StageContext.none(), Recording.none());
        }
        System.out.println("baseline " + baseline + " loaded " + afterLoad + " peak " + status("VmHWM:"));
    }

    private static long status(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        throw new IllegalStateException("no " + field + " in /proc/self/status");
    }
}
