package org.rankadaptor.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Exports: kind (e.g. "peft-ranks"), where the file went, the JSON written, and its source run. */
public final class ExportRepository {
    private static final String COLUMNS = "id, kind, path, content_json, source_kind, source_id, created";

    private final Workspace workspace;
    private final Jdbc jdbc;

    ExportRepository(Workspace workspace) {
        this.workspace = workspace;
        this.jdbc = new Jdbc(workspace);
    }

    /** @param source the run it came from, or null */
    public ExportRecord add(String kind, String path, String contentJson, RunRef source) {
        if (kind == null || kind.isBlank()) {
            throw new StoreException("export kind must be given");
        }
        if (contentJson == null) {
            throw new StoreException("export of kind " + kind + " has no content");
        }
        long id = jdbc.insert("storing " + kind + " export",
                "INSERT INTO exports(kind, path, content_json, source_kind, source_id, created) VALUES (?, ?, ?, ?, ?, ?)",
                kind, path, contentJson, source == null ? null : source.kind(), source == null ? null : source.id(),
                Instant.now());
        return get(id);
    }

    public Optional<ExportRecord> find(long id) {
        return jdbc.queryOne("reading export " + id, "SELECT " + COLUMNS + " FROM exports WHERE id = ?",
                ExportRepository::map, id);
    }

    public ExportRecord get(long id) {
        return find(id).orElseThrow(() -> new StoreException("no export with id " + id + " in "
                + workspace.databaseFile()));
    }

    /** Newest first. */
    public List<ExportRecord> listForSource(RunRef source) {
        return jdbc.query("listing exports of " + source, "SELECT " + COLUMNS
                        + " FROM exports WHERE source_kind = ? AND source_id = ? ORDER BY id DESC",
                ExportRepository::map, source.kind(), source.id());
    }

    public List<ExportRecord> list() {
        return jdbc.query("listing exports", "SELECT " + COLUMNS + " FROM exports ORDER BY id", ExportRepository::map);
    }

    private static ExportRecord map(ResultSet rs) throws SQLException {
        long id = rs.getLong("id");
        String sourceKind = rs.getString("source_kind");
        Long sourceId = Jdbc.nullableLong(rs, "source_id");
        RunRef source = sourceKind == null || sourceId == null
                ? null : new RunRef(RunKind.parse(sourceKind, "export " + id), sourceId);
        return new ExportRecord(id, rs.getString("kind"), rs.getString("path"), rs.getString("content_json"), source,
                Jdbc.instant(rs, "created"));
    }
}
