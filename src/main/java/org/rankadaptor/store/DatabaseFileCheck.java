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

    /** @return a description of what is wrong, or empty when the file looks whole */
    static Optional<String> problem(Path file) throws IOException {
        long size = Files.size(file);
        if (size == 0) {
            return Optional.of("is empty (0 bytes; truncated?)");
        }
        if (size % BLOCK_SIZE != 0) {
            return Optional.of("is truncated (" + size + " bytes is not a whole number of " + BLOCK_SIZE
                    + "-byte blocks)");
        }
        Header newest = null;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
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
            long chunkStart = newest.block() * BLOCK_SIZE;
            if (chunkStart >= size) {
                return Optional.of("is truncated (" + size + " bytes, but its header points to data at byte "
                        + chunkStart + ")");
            }
            // H2 finds its newest chunk either where the header points or by the footer that ends the file;
            // both start with a plain-text "chunk:" marker. Neither present means the data is gone.
            boolean chunkAtHeader = startsWithMarker(channel, chunkStart);
            boolean footerAtEnd = size >= 3L * BLOCK_SIZE && startsWithMarker(channel, size - FOOTER_LENGTH);
            if (!chunkAtHeader && !footerAtEnd) {
                return Optional.of("is corrupt (no chunk at byte " + chunkStart
                        + " where its header points, and no chunk footer at the end of the file)");
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
        try {
            long chunkBlock = Long.parseLong(fields.get("block"), 16);
            long version = Long.parseLong(fields.getOrDefault("version", "0"), 16);
            return chunkBlock < 0 ? null : new Header(chunkBlock, version);
        } catch (NumberFormatException | NullPointerException e) {
            return null;
        }
    }

    private record Header(long block, long version) {
    }
}
