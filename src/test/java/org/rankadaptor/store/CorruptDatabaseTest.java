package org.rankadaptor.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.RandomAccessFile;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A damaged database must be reported by name and left byte-for-byte as it was, never replaced. */
class CorruptDatabaseTest {
    @TempDir
    Path dir;

    private Path file;

    @BeforeEach
    void createRealWorkspace() {
        try (Workspace workspace = Workspace.open(dir)) {
            long searchId = StoreFixtures.search(workspace, StoreFixtures.model(workspace, "/m").id()).id();
            for (int i = 0; i < 30; i++) {
                workspace.searches().recordIteration(searchId, StoreFixtures.iteration(i));
            }
            file = workspace.databaseFile();
        }
    }

    @Test
    void truncatedToHalfIsReported() throws Exception {
        long size = Files.size(file);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(size / 2 / 4096 * 4096);
        }
        assertRefusedAndUntouched("truncated");
    }

    @Test
    void truncatedMidBlockIsReported() throws Exception {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(Files.size(file) - 100);
        }
        assertRefusedAndUntouched("truncated");
    }

    @Test
    void truncatedToJustTheHeadersIsReported() throws Exception {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(8192);
        }
        assertRefusedAndUntouched("truncated");
    }

    @Test
    void emptyFileIsReported() throws Exception {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(0);
        }
        assertRefusedAndUntouched("empty");
    }

    @Test
    void garbageFileIsReported() throws Exception {
        byte[] garbage = new byte[(int) Files.size(file)];
        new Random(7).nextBytes(garbage);
        Files.write(file, garbage);
        assertRefusedAndUntouched("header");
    }

    @Test
    void garbageAfterValidHeadersIsReported() throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        byte[] garbage = new byte[bytes.length - 8192];
        new Random(11).nextBytes(garbage);
        System.arraycopy(garbage, 0, bytes, 8192, garbage.length);
        Files.write(file, bytes);
        assertRefusedAndUntouched("corrupt");
    }

    @Test
    void foreignH2DatabaseIsRefusedNotOverwritten() throws Exception {
        Path other = dir.resolve("other");
        Files.createDirectories(other);
        String url = "jdbc:h2:file:" + other.resolve("workspace").toAbsolutePath();
        try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE invoices(id INT PRIMARY KEY)");
            st.execute("INSERT INTO invoices VALUES (7)");
        }
        StoreException e = assertThrows(StoreException.class, () -> Workspace.open(other).close());
        assertTrue(e.getMessage().contains("no schema_version table"), e.getMessage());
        try (Connection c = DriverManager.getConnection(url + ";IFEXISTS=TRUE", "sa", "");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM invoices")) {
            rs.next();
            assertEquals(1, rs.getInt(1));
            try (ResultSet tables = c.getMetaData().getTables(null, "PUBLIC", "MODELS", null)) {
                assertFalse(tables.next(), "no workspace tables may be created in a foreign database");
            }
        }
    }

    private void assertRefusedAndUntouched(String expectedWord) throws Exception {
        byte[] before = Files.readAllBytes(file);
        StoreException e = assertThrows(StoreException.class, () -> Workspace.open(dir).close());
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(expectedWord), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file), "database file must be left untouched");
        // A second attempt fails the same way: nothing was silently replaced.
        assertThrows(StoreException.class, () -> Workspace.open(dir).close());
        assertArrayEquals(before, Files.readAllBytes(file), "database file must be left untouched");
    }
}
