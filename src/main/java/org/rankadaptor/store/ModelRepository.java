package org.rankadaptor.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Models (base and pruned checkpoints) in the workspace. */
public final class ModelRepository {
    private static final String COLUMNS = "id, path, name, config_json, fingerprint, param_count, created";

    private final Workspace workspace;
    private final Jdbc jdbc;

    ModelRepository(Workspace workspace) {
        this.workspace = workspace;
        this.jdbc = new Jdbc(workspace);
    }

    public ModelRecord add(NewModel model) {
        Instant now = Instant.now();
        long id = jdbc.insert("adding model " + model.path(),
                "INSERT INTO models(path, name, config_json, fingerprint, param_count, created) VALUES (?, ?, ?, ?, ?, ?)",
                model.path(), model.name(), model.configJson(), model.fingerprint(), model.paramCount(), now);
        return get(id);
    }

    /** The stored model with the same path and fingerprint, or a new row. */
    public ModelRecord findOrAdd(NewModel model) {
        return findByPath(model.path()).stream()
                .filter(m -> java.util.Objects.equals(m.fingerprint(), model.fingerprint()))
                .findFirst()
                .orElseGet(() -> add(model));
    }

    public Optional<ModelRecord> find(long id) {
        return jdbc.queryOne("reading model " + id, "SELECT " + COLUMNS + " FROM models WHERE id = ?",
                ModelRepository::map, id);
    }

    public ModelRecord get(long id) {
        return find(id).orElseThrow(() -> new StoreException("no model with id " + id + " in "
                + workspace.databaseFile()));
    }

    /** Newest first. */
    public List<ModelRecord> findByPath(String path) {
        return jdbc.query("finding model " + path, "SELECT " + COLUMNS + " FROM models WHERE path = ? ORDER BY id DESC",
                ModelRepository::map, path);
    }

    public List<ModelRecord> findByFingerprint(String fingerprint) {
        return jdbc.query("finding model by fingerprint", "SELECT " + COLUMNS
                + " FROM models WHERE fingerprint = ? ORDER BY id DESC", ModelRepository::map, fingerprint);
    }

    public List<ModelRecord> list() {
        return jdbc.query("listing models", "SELECT " + COLUMNS + " FROM models ORDER BY id", ModelRepository::map);
    }

    private static ModelRecord map(ResultSet rs) throws SQLException {
        return new ModelRecord(rs.getLong("id"), rs.getString("path"), rs.getString("name"),
                rs.getString("config_json"), rs.getString("fingerprint"), rs.getLong("param_count"),
                Jdbc.instant(rs, "created"));
    }
}
