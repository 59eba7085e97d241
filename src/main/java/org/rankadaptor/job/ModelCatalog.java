package org.rankadaptor.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.rankadaptor.model.CheckpointLoader;
import org.rankadaptor.model.LlamaConfig;
import org.rankadaptor.model.WeightFingerprint;
import org.rankadaptor.store.ModelRecord;
import org.rankadaptor.store.NewModel;
import org.rankadaptor.store.Workspace;

import java.nio.file.Path;

/** Registers checkpoint directories in the store, once per path and weights fingerprint. */
public final class ModelCatalog {
    private ModelCatalog() {
    }

    public static ModelRecord register(Workspace workspace, Path modelDir) {
        Path dir = modelDir.toAbsolutePath().normalize();
        LlamaConfig config = CheckpointLoader.readConfig(dir);
        String configJson;
        try {
            configJson = new ObjectMapper().writeValueAsString(config.toJson());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise config of " + dir, e);
        }
        String name = dir.getFileName() == null ? dir.toString() : dir.getFileName().toString();
        return workspace.models().findOrAdd(new NewModel(dir.toString(), name, configJson,
                WeightFingerprint.sha256(dir), config.totalParameters()));
    }
}
