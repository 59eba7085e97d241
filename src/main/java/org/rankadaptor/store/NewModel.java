package org.rankadaptor.store;

/** What to store for a model; {@code configJson} is the caller's Jackson-written config summary. */
public record NewModel(String path, String name, String configJson, String fingerprint, long paramCount) {
    public NewModel {
        if (path == null || path.isBlank()) {
            throw new StoreException("model path must be given");
        }
        if (name == null || name.isBlank()) {
            throw new StoreException("model name must be given for " + path);
        }
        if (paramCount < 0) {
            throw new StoreException("param count of model " + path + " must be >= 0, got " + paramCount);
        }
    }
}
