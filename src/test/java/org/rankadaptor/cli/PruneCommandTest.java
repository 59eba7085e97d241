package org.rankadaptor.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rankadaptor.TestData;
import org.rankadaptor.model.CheckpointLoader;
import org.rankadaptor.model.LayerDims;
import org.rankadaptor.model.LlamaConfig;
import org.rankadaptor.model.LlamaModel;
import org.rankadaptor.model.Tokenizers;
import org.rankadaptor.prune.Estimator;
import org.rankadaptor.prune.ImportanceMaps;
import org.rankadaptor.prune.PrunedCheckpoint;
import org.rankadaptor.prune.PruningResult;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PruneCommandTest {
    @TempDir
    Path tmp;

    @Test
    void prunesStories260KRangesAndTheResultReloads() {
        Path model = TestData.stories260K();
        Path calib = TestData.path("text/tinystories-gen/valid.jsonl");
        Path out = tmp.resolve("pruned");
        CliRun r = CliRun.of(new PruneCommand(), model.toString(), "--out", out.toString(), "--ranges", "2-3:0.5",
                "--ranges", "5:0.25:0.5", "--estimator", "taylor-mix", "--calib", calib.toString(),
                "--samples", "4", "--seq-len", "32", "--channel-multiple", "4");
        assertEquals(0, r.code(), r.err());
        LlamaConfig config = CheckpointLoader.readConfig(out);
        assertEquals(new LayerDims(8, 4, 172), config.layer(0));
        assertEquals(new LayerDims(4, 2, 88), config.layer(1)); // floor(172 * 0.5) = 86 -> 88
        assertEquals(new LayerDims(4, 2, 88), config.layer(2));
        assertEquals(new LayerDims(6, 3, 88), config.layer(4));
        assertTrue(r.out().contains("parameters before: ") && r.out().contains("parameters after: "), r.out());
        PruningResult result = PrunedCheckpoint.readResult(out);
        assertEquals(Estimator.TAYLOR_MIX, result.plan().estimator());
        assertEquals(4, result.calibration().samples());
        assertEquals(config.totalParameters(), result.parametersAfter());
        try (LlamaModel reloaded = CheckpointLoader.load(out); var tokenizer = Tokenizers.load(out)) {
            assertEquals(config.totalParameters(), reloaded.config().totalParameters());
            assertTrue(tokenizer.encode("Once upon a time").length > 0);
        }
    }

    @Test
    void globalTargetAndDepthPruning() {
        Path model = TestData.stories260K();
        Path calib = TestData.path("text/tinystories-gen/valid.jsonl");
        Path out = tmp.resolve("global");
        CliRun r = CliRun.of(new PruneCommand(), model.toString(), "--out", out.toString(), "--global-target", "0.1",
                "--ranges", "2-5", "--estimator", "l1", "--depth", "1", "--depth-method", "ppl",
                "--keep-first", "1", "--keep-last", "1", "--calib", calib.toString(), "--samples", "2", "--seq-len", "16");
        assertEquals(0, r.code(), r.err());
        PruningResult result = PrunedCheckpoint.readResult(out);
        assertEquals(4, CheckpointLoader.readConfig(out).numLayers());
        assertEquals(1, result.removedBlocks().size());
        assertTrue(result.plan().ranges().get(0).attentionRatio() > 0);
        assertTrue(result.parametersAfter() < result.parametersBefore() * 0.9 * 0.85, r.out());
    }

    @Test
    void badPlansFailWithAClearMessage() {
        Path model = TestData.stories260K();
        CliRun overlap = CliRun.of(new PruneCommand(), model.toString(), "--out", tmp.resolve("x").toString(),
                "--ranges", "1-3:0.2", "--ranges", "3-4:0.2", "--estimator", "l2");
        assertEquals(2, overlap.code());
        assertTrue(overlap.err().contains("overlap"), overlap.err());
        CliRun outside = CliRun.of(new PruneCommand(), model.toString(), "--out", tmp.resolve("x").toString(),
                "--ranges", "4-6:0.2", "--estimator", "l2");
        assertTrue(outside.err().contains("outside the model's layers 1-5"), outside.err());
        CliRun noCalib = CliRun.of(new PruneCommand(), model.toString(), "--out", tmp.resolve("x").toString(),
                "--attn-ratio", "0.2");
        assertTrue(noCalib.err().contains("--calib"), noCalib.err());
        CliRun all = CliRun.of(new PruneCommand(), model.toString(), "--out", tmp.resolve("x").toString(),
                "--ranges", "1:0.9:0.1", "--estimator", "random");
        assertTrue(all.err().contains("would remove all 4 attention groups"), all.err());
        assertTrue(!Files.exists(tmp.resolve("x")));
    }

    @Test
    void importanceCommandWritesMaps() {
        Path model = TestData.stories260K();
        Path maps = tmp.resolve("maps.json");
        CliRun r = CliRun.of(new ImportanceCommand(), model.toString(), "--calib",
                TestData.path("text/tinystories-gen/valid.jsonl").toString(), "--samples", "8", "--seq-len", "64",
                "--out", maps.toString());
        assertEquals(0, r.code(), r.err());
        ImportanceMaps read = PruningResult.readMaps(maps);
        assertEquals(5, read.numLayers());
        assertEquals(0.794349, read.calibrationLoss(), 1e-5);
        assertTrue(r.out().contains("layer 5: attention groups"), r.out());
    }
}
