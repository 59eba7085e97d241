package org.rankadaptor.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.h2.api.ErrorCode;
import org.h2.jdbcx.JdbcConnectionPool;

/**
 * A workspace folder holding one embedded H2 file database with every model, run, curve and measurement.
 *
 * <p>Opened with {@code AUTO_SERVER=TRUE} so the GUI and a job in another process share the file, and
 * {@code WRITE_DELAY=0} so every commit reaches the file before the call returns. Opening brings the schema
 * up to date and marks runs whose owner is gone as {@link RunStatus#INTERRUPTED}.
 */
public final class Workspace implements AutoCloseable {
    public static final String ENV_VAR = "RANKADAPTOR_WORKSPACE";
    public static final String DATABASE_NAME = "workspace";
    public static final String DATABASE_SUFFIX = ".mv.db";
    public static final Duration DEFAULT_STALE_HEARTBEAT = Duration.ofSeconds(30);

    /** H2 errors that mean the file itself is damaged rather than a statement being wrong. */
    private static final Set<Integer> CORRUPTION_CODES = Set.of(
            ErrorCode.FILE_CORRUPTED_1,
            ErrorCode.FILE_VERSION_ERROR_1,
            ErrorCode.FILE_ENCRYPTION_ERROR_1);
    /** While opening, H2 reports an unreadable store as a plain I/O or general error too. */
    private static final Set<Integer> OPEN_FAILURE_CODES = Set.of(
            ErrorCode.IO_EXCEPTION_1,
            ErrorCode.IO_EXCEPTION_2,
            ErrorCode.GENERAL_ERROR_1);
    private static final String OPENING = "opening";

    private final Path directory;
    private final Path databaseFile;
    private final String url;
    private final Duration staleHeartbeat;
    private final JdbcConnectionPool pool;
    /** Held open for the workspace's lifetime so the embedded database is not closed between calls. */
    private final Connection keeper;
    private final int schemaVersion;
    private final List<RunRef> interruptedOnOpen;
    private volatile boolean closed;

    private Workspace(Path directory, Duration staleHeartbeat, int targetVersion) {
        this.directory = directory.toAbsolutePath().normalize();
        this.databaseFile = this.directory.resolve(DATABASE_NAME + DATABASE_SUFFIX);
        this.staleHeartbeat = staleHeartbeat;
        if (this.directory.toString().contains(";")) {
            throw new StoreException("workspace folder " + this.directory + " contains ';', which H2 URLs cannot hold");
        }
        boolean existing = checkDatabaseFile();
        String base = "jdbc:h2:file:" + this.directory.resolve(DATABASE_NAME) + ";WRITE_DELAY=0;AUTO_SERVER=TRUE";
        // An existing file must open as-is: IFEXISTS stops H2 from ever creating a replacement.
        this.url = existing ? base + ";IFEXISTS=TRUE" : base;
        Connection opened;
        try {
            opened = DriverManager.getConnection(url, "sa", "");
        } catch (SQLException e) {
            throw wrap(OPENING, e);
        }
        this.keeper = opened;
        try {
            if (existing && !hasSchemaVersionTable(keeper)) {
                // H2 opened something, but not our data: never build a fresh schema over it.
                throw corrupt("is corrupt or foreign: it holds no schema_version table (not a RankAdaptor workspace, or its contents were lost)",
                        null);
            }
            this.schemaVersion = Schema.migrate(keeper, targetVersion, databaseFile.toString());
            this.pool = JdbcConnectionPool.create(url, "sa", "");
            pool.setMaxConnections(32);
            this.interruptedOnOpen = schemaVersion >= 2 ? List.copyOf(recoverAbandonedRuns()) : List.of();
        } catch (SQLException e) {
            closeQuietly();
            throw wrap(OPENING, e);
        } catch (RuntimeException e) {
            closeQuietly();
            throw e;
        }
    }

    /** Opens the default workspace: {@code $RANKADAPTOR_WORKSPACE}, else {@code ~/.rankadaptor}. */
    public static Workspace open() {
        return open(defaultDirectory());
    }

    public static Workspace open(Path directory) {
        return open(directory, DEFAULT_STALE_HEARTBEAT);
    }

    /**
     * @param staleHeartbeat a RUNNING row whose heartbeat is older than this is taken to be abandoned
     */
    public static Workspace open(Path directory, Duration staleHeartbeat) {
        if (directory == null) {
            throw new StoreException("workspace folder must be given");
        }
        if (staleHeartbeat == null || staleHeartbeat.isNegative() || staleHeartbeat.isZero()) {
            throw new StoreException("stale heartbeat threshold must be positive, got " + staleHeartbeat);
        }
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new StoreException("cannot create workspace folder " + directory + ": " + e.getMessage(), e);
        }
        return new Workspace(directory, staleHeartbeat, Schema.CURRENT_VERSION);
    }

    /**
     * Opens a workspace that must already exist, for tools that only read (a typo in a path must not create
     * an empty workspace).
     */
    public static Workspace openExisting(Path directory) {
        if (directory == null) {
            throw new StoreException("workspace folder must be given");
        }
        Path file = directory.resolve(DATABASE_NAME + DATABASE_SUFFIX);
        if (!Files.exists(file)) {
            throw new StoreException("no workspace database at " + file.toAbsolutePath().normalize());
        }
        return open(directory);
    }

    /** Builds or opens a workspace only up to an older schema version; for upgrade tests. */
    static Workspace openAtSchemaVersion(Path directory, int version) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new StoreException("cannot create workspace folder " + directory + ": " + e.getMessage(), e);
        }
        return new Workspace(directory, DEFAULT_STALE_HEARTBEAT, version);
    }

    /** The folder to use when none is given explicitly: the env var, else {@code ~/.rankadaptor}. */
    public static Path defaultDirectory() {
        return resolveDirectory(null, System.getenv());
    }

    /** Explicit folder first, then {@code RANKADAPTOR_WORKSPACE}, then {@code ~/.rankadaptor}. */
    public static Path resolveDirectory(Path explicit, Map<String, String> environment) {
        if (explicit != null) {
            return explicit;
        }
        String fromEnv = environment.get(ENV_VAR);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Path.of(fromEnv.trim());
        }
        return Path.of(System.getProperty("user.home"), ".rankadaptor");
    }

    /** True when a database file exists; refuses files that are plainly damaged before H2 touches them. */
    private boolean checkDatabaseFile() {
        if (!Files.exists(databaseFile)) {
            return false;
        }
        if (!Files.isRegularFile(databaseFile)) {
            throw new StoreException("workspace database " + databaseFile + " is not a regular file");
        }
        try {
            java.util.Optional<String> problem = DatabaseFileCheck.problem(databaseFile);
            if (problem.isPresent()) {
                throw corrupt(problem.get(), null);
            }
        } catch (IOException e) {
            throw new StoreException("cannot read workspace database " + databaseFile + ": " + e.getMessage(), e);
        }
        return true;
    }

    private static boolean hasSchemaVersionTable(Connection connection) throws SQLException {
        try (var rs = connection.getMetaData().getTables(null, "PUBLIC", "SCHEMA_VERSION", null)) {
            return rs.next();
        }
    }

    private StoreException corrupt(String problem, Throwable cause) {
        return new StoreException("workspace database " + databaseFile + " " + problem
                + ". The file was left untouched; restore it from a backup or move it away to start a new workspace.",
                cause);
    }

    StoreException wrap(String what, SQLException e) {
        boolean opening = OPENING.equals(what);
        if (CORRUPTION_CODES.contains(e.getErrorCode()) || (opening && OPEN_FAILURE_CODES.contains(e.getErrorCode()))) {
            return corrupt("is corrupt or unreadable while " + what + " (H2 error " + e.getErrorCode() + ": "
                    + firstLine(e.getMessage()) + ")", e);
        }
        if (e.getErrorCode() == ErrorCode.DATABASE_NOT_FOUND_WITH_IF_EXISTS_1) {
            return new StoreException("workspace database " + databaseFile + " disappeared while " + what, e);
        }
        return new StoreException(what + " failed in workspace database " + databaseFile + ": "
                + firstLine(e.getMessage()), e);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /**
     * Marks RUNNING rows as INTERRUPTED when their heartbeat is older than the threshold or their owning
     * process is provably dead ({@link RunLifecycle#interruptAbandoned}). Runs on open; the GUI may call it again.
     *
     * @return the runs that were marked
     */
    public List<RunRef> recoverAbandonedRuns() {
        ensureOpen();
        return lifecycle().interruptAbandoned(staleHeartbeat);
    }

    /** A pooled autocommit connection; the caller closes it. */
    public Connection connection() throws SQLException {
        ensureOpen();
        Connection connection = pool.getConnection();
        connection.setAutoCommit(true);
        return connection;
    }

    private void ensureOpen() {
        if (closed) {
            throw new StoreException("workspace " + directory + " is closed");
        }
    }

    public Path directory() {
        return directory;
    }

    public Path databaseFile() {
        return databaseFile;
    }

    public String jdbcUrl() {
        return url;
    }

    public int schemaVersion() {
        return schemaVersion;
    }

    public Duration staleHeartbeat() {
        return staleHeartbeat;
    }

    /** Runs this open found abandoned and marked INTERRUPTED. */
    public List<RunRef> interruptedOnOpen() {
        return interruptedOnOpen;
    }

    public ModelRepository models() {
        return new ModelRepository(this);
    }

    public PruningRunRepository pruningRuns() {
        return new PruningRunRepository(this);
    }

    public RecoveryRunRepository recoveryRuns() {
        return new RecoveryRunRepository(this);
    }

    public EvaluationRepository evaluations() {
        return new EvaluationRepository(this);
    }

    public SearchRepository searches() {
        return new SearchRepository(this);
    }

    public ExportRepository exports() {
        return new ExportRepository(this);
    }

    public RunCatalog runs() {
        return new RunCatalog(this);
    }

    public RunLifecycle lifecycle() {
        return new RunLifecycle(this);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeQuietly();
    }

    private void closeQuietly() {
        if (pool != null) {
            pool.dispose();
        }
        try {
            keeper.close();
        } catch (SQLException e) {
            throw wrap("closing", e);
        }
    }
}
