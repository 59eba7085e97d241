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
        }
        if (newest == null) {
            return Optional.of("has no readable H2 header (not an H2 database, or its first blocks are damaged)");
        }
        long chunkStart = newest.block() * BLOCK_SIZE;
        if (chunkStart >= size) {
            return Optional.of("is truncated (" + size + " bytes, but its header points to data at byte " + chunkStart
                    + ")");
        }
        return Optional.empty();
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
