package org.rankadaptor.ui;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rankadaptor.model.CheckpointException;
import org.rankadaptor.model.LayerDims;
import org.rankadaptor.model.LlamaConfig;
import org.rankadaptor.model.RandomCheckpoint;
import org.rankadaptor.model.TensorDType;
import org.rankadaptor.model.TensorData;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelOverviewTest {
    @Test
    void parameterCountsMatchTheWrittenTensors(@TempDir Path tmp) {
        LlamaConfig config = LlamaConfig.uniform(32, 3, 4, 2, 48, 100, false).withLayers(List.of(
                new LayerDims(4, 2, 48), new LayerDims(2, 1, 20), new LayerDims(4, 4, 48)));
        Map<String, TensorData> tensors = RandomCheckpoint.write(tmp, config, 1, TensorDType.BF16);
        long written = tensors.values().stream().mapToLong(t -> t.values().length).sum();

        ModelOverview summary = ModelOverview.read(tmp, config);
        assertEquals(written, summary.totalParameters());
        assertEquals(config.totalParameters(), summary.totalParameters());
        assertEquals(100L * 32, summary.parametersByModule().get(ModelOverview.ModuleType.LM_HEAD));
        // layer 1: q 2 heads * 8 dims * 32, k and v 1 kv head, o like q
        ModelOverview.LayerParameters layer1 = summary.layerParameters().get(1);
        assertEquals(32L * 8 * (2 + 1 + 1 + 2), layer1.attention());
        assertEquals(3L * 32 * 20, layer1.mlp());
        assertEquals(config.layerParameters(1), layer1.total());
        assertEquals(Map.of(TensorDType.BF16, tensors.size()), summary.tensorsByDtype());
        assertEquals("BF16 (" + tensors.size() + " tensors)", summary.dtypeDescription());
        // the chart numbers layers from 1, as every other view does
        assertEquals(List.of("1", "2", "3"), LayerParameterChart.createDataset(summary).getColumnKeys());
    }

    @Test
    void tiedHeadAddsNoParameters(@TempDir Path tmp) {
        LlamaConfig config = LlamaConfig.uniform(16, 1, 2, 2, 24, 50, true);
        RandomCheckpoint.write(tmp, config, 2, TensorDType.F32);
        ModelOverview summary = ModelOverview.read(tmp, config);
        assertEquals(0L, summary.parametersByModule().get(ModelOverview.ModuleType.LM_HEAD));
        assertEquals(config.totalParameters(), summary.totalParameters());
    }

    @Test
    void directoryWithoutWeightsIsAClearError(@TempDir Path tmp) throws Exception {
        LlamaConfig config = LlamaConfig.uniform(16, 1, 2, 2, 24, 50, true);
        config.write(tmp.resolve("config.json"));
        CheckpointException e = assertThrows(CheckpointException.class, () -> ModelOverview.read(tmp, config));
        assertTrue(e.getMessage().contains(tmp.toString()) && e.getMessage().contains(".safetensors"), e.getMessage());
        Files.write(tmp.resolve("model.safetensors"), new byte[] {9});
        e = assertThrows(CheckpointException.class, () -> ModelOverview.read(tmp, config));
        assertTrue(e.getMessage().contains("model.safetensors"), e.getMessage());
    }
}
