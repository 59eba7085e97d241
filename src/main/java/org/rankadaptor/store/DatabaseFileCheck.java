package org.rankadaptor.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Reads an H2 MVStore file's header before H2 does. H2 itself opens a file cut short before its newest chunk
 * by falling back to an older (possibly empty) state and rewriting the file; this check refuses such a file
 * instead, so a damaged workspace is reported and left as it was.
 */
final class DatabaseFileCheck {
    static final int BLOCK_SIZE = 4096;
    private static final int FOOTER_LENGTH = 128;
    private static final byte[] CHUNK_MARKER = "chunk:".getBytes(StandardCharsets.ISO_8859_1);

    private DatabaseFileCheck() {
    }

    /**
     * Checks the file. While H2's lock file exists another process may be writing a header or appending a
     * chunk at the moment it is read, so a problem is only reported if it is still there after a few looks.
     *
     * @return a description of what is wrong, or empty when the file looks whole
     */
    static Optional<String> problem(Path file) throws IOException {
        Optional<String> problem = problemNow(file);
        String name = file.getFileName().toString();
        Path lock = file.resolveSibling(name.substring(0, name.length() - ".mv.db".length()) + ".lock.db");
        int retries = Files.exists(lock) ? 3 : 0;
        for (int attempt = 0; attempt < retries && problem.isPresent(); attempt++) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return problem;
            }
            problem = problemNow(file);
        }
        return problem;
    }

    private static Optional<String> problemNow(Path file) throws IOException {
        long size = Files.size(file);
        if (size == 0) {
            return Optional.of("is empty (0 bytes; truncated?)");
        }
        if (size % BLOCK_SIZE != 0) {
            return Optional.of("is truncated (" + size + " bytes is not a whole number of " + BLOCK_SIZE
                    + "-byte blocks)");
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            Header newest = null;
            // MVStore keeps two copies of the header, in blocks 0 and 1; the higher version is current.
            for (int block = 0; block < 2 && (long) (block + 1) * BLOCK_SIZE <= size; block++) {
                Header header = readHeader(channel, block);
                if (header != null && (newest == null || header.version() > newest.version())) {
                    newest = header;
                }
            }
            size = channel.size();
            if (newest == null) {
                return Optional.of("has no readable H2 header (not an H2 database, or its first blocks are damaged)");
            }
            // A cleanly closed file's header names the block of its newest chunk; an open or crashed one's
            // does not, and H2 then finds the newest chunk by the footer that ends the file. Both chunk header
            // and footer start with a plain-text "chunk:" marker.
            boolean footerAtEnd = size >= 3L * BLOCK_SIZE && startsWithMarker(channel, size - FOOTER_LENGTH);
            if (newest.block() >= 0) {
                long chunkStart = newest.block() * BLOCK_SIZE;
                if (chunkStart >= size) {
                    return Optional.of("is truncated (" + size + " bytes, but its header points to data at byte "
                            + chunkStart + ")");
                }
                if (!footerAtEnd && !startsWithMarker(channel, chunkStart)) {
                    return Optional.of("is corrupt (no chunk at byte " + chunkStart
                            + " where its header points, and no chunk footer at the end of the file)");
                }
            } else if (!footerAtEnd) {
                return Optional.of("is truncated or corrupt (it was not closed cleanly and no chunk footer ends the"
                        + " file at byte " + (size - FOOTER_LENGTH) + ")");
            }
        }
        return Optional.empty();
    }

    private static boolean startsWithMarker(FileChannel channel, long position) throws IOException {
        ByteBuffer start = ByteBuffer.allocate(CHUNK_MARKER.length);
        channel.read(start, position);
        return java.util.Arrays.equals(start.array(), CHUNK_MARKER);
    }

    private static Header readHeader(FileChannel channel, int block) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(BLOCK_SIZE);
        channel.read(buffer, (long) block * BLOCK_SIZE);
        String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.ISO_8859_1);
        if (!text.startsWith("H:")) {
            return null;
        }
        int end = 0;
        while (end < text.length() && text.charAt(end) >= ' ' && text.charAt(end) < 127) {
            end++;
        }
        Map<String, String> fields = new HashMap<>();
        for (String part : text.substring(0, end).split(",")) {
            int colon = part.indexOf(':');
            if (colon > 0) {
                fields.put(part.substring(0, colon), part.substring(colon + 1));
            }
        }
        if (!fields.containsKey("format")) {
            return null;
        }
        try {
            long chunkBlock = fields.containsKey("block") ? Long.parseLong(fields.get("block"), 16) : -1;
            long version = Long.parseLong(fields.getOrDefault("version", "0"), 16);
            return new Header(chunkBlock, version);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** {@code block} is -1 when the header does not name the newest chunk (file not closed cleanly). */
    private record Header(long block, long version) {
    }
}
