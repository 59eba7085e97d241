package org.rankadaptor.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads one .safetensors file. The header is validated completely before any tensor is read, and tensors are read
 * with positional reads (no memory mapping), so a corrupt file can only raise {@link CheckpointException}. One reader
 * serves one thread at a time.
 */
public final class SafetensorsReader implements Closeable {
    /** Headers beyond this are not plausible and would only exhaust memory. */
    private static final long MAX_HEADER_BYTES = 100L << 20;
    private static final int CHUNK_BYTES = 4 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where one tensor lives in the file. Offsets are absolute file positions. */
    public record Entry(String name, TensorDType dtype, long[] shape, long start, long end) {
        public long elementCount() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }
    }

    private final Path file;
    private final FileChannel channel;
    private final Map<String, Entry> entries;
    private ByteBuffer chunk;   // reused by readInto for 16-bit tensors

    private SafetensorsReader(Path file, FileChannel channel, Map<String, Entry> entries) {
        this.file = file;
        this.channel = channel;
        this.entries = entries;
    }

    public static SafetensorsReader open(Path file) {
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new CheckpointException("missing safetensors file: " + file);
        } catch (IOException e) {
            throw new CheckpointException("cannot open " + file + ": " + e.getMessage(), e);
        }
        try {
            return new SafetensorsReader(file, channel, readHeader(file, channel));
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private static Map<String, Entry> readHeader(Path file, FileChannel channel) {
        try {
            long fileSize = channel.size();
            if (fileSize < 8) {
                throw new CheckpointException(file + ": file is " + fileSize + " bytes, too short for a safetensors header");
            }
            ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, lengthBytes, 0, file);
            long headerLength = lengthBytes.flip().getLong();
            if (headerLength < 2 || headerLength > fileSize - 8 || headerLength > MAX_HEADER_BYTES) {
                throw new CheckpointException(file + ": header length " + Long.toUnsignedString(headerLength)
                        + " is beyond the file (" + fileSize + " bytes)");
            }
            ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
            readFully(channel, headerBytes, 8, file);
            JsonNode header;
            try {
                header = JSON.readTree(headerBytes.array());
            } catch (IOException e) {
                throw new CheckpointException(file + ": malformed header JSON: " + e.getMessage().lines().findFirst().orElse(""));
            }
            if (header == null || !header.isObject()) {
                throw new CheckpointException(file + ": malformed header JSON: expected an object");
            }
            long dataStart = 8 + headerLength;
            long dataSize = fileSize - dataStart;
            Map<String, Entry> entries = new LinkedHashMap<>();
            Iterator<Map.Entry<String, JsonNode>> fields = header.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (field.getKey().equals("__metadata__")) {
                    continue;
                }
                Entry entry = parseEntry(file, field.getKey(), field.getValue(), dataStart, dataSize);
                entries.put(entry.name(), entry);
            }
            return Collections.unmodifiableMap(entries);
        } catch (IOException e) {
            throw new CheckpointException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static Entry parseEntry(Path file, String name, JsonNode node, long dataStart, long dataSize) {
        String where = file + ": tensor '" + name + "'";
        if (!node.isObject()) {
            throw new CheckpointException(where + ": header entry must be an object");
        }
        JsonNode dtype = node.get("dtype");
        JsonNode shapeNode = node.get("shape");
        JsonNode offsets = node.get("data_offsets");
        if (dtype == null || !dtype.isTextual()) {
            throw new CheckpointException(where + ": missing dtype");
        }
        TensorDType type = TensorDType.parse(dtype.asText(), where);
        if (shapeNode == null || !shapeNode.isArray()) {
            throw new CheckpointException(where + ": missing shape");
        }
        long[] shape = new long[shapeNode.size()];
        long elements = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToLong() || d.asLong() < 0 || d.asLong() > Integer.MAX_VALUE) {
                throw new CheckpointException(where + ": bad shape " + shapeNode);
            }
            shape[i] = d.asLong();
            elements = Math.multiplyHigh(elements, shape[i]) != 0 ? Long.MAX_VALUE : elements * shape[i];
            if (elements < 0 || elements > Integer.MAX_VALUE - 8) {
                throw new CheckpointException(where + ": shape " + shapeNode + " is too large for one tensor");
            }
        }
        if (offsets == null || !offsets.isArray() || offsets.size() != 2
                || !offsets.get(0).isIntegralNumber() || !offsets.get(1).isIntegralNumber()
                || !offsets.get(0).canConvertToLong() || !offsets.get(1).canConvertToLong()) {
            throw new CheckpointException(where + ": data_offsets must be two integers");
        }
        long begin = offsets.get(0).asLong();
        long end = offsets.get(1).asLong();
        if (begin < 0 || end < begin || end > dataSize) {
            throw new CheckpointException(where + ": data offsets [" + begin + ", " + end
                    + "] are outside the file's data section of " + dataSize + " bytes");
        }
        if (end - begin != elements * type.bytes()) {
            throw new CheckpointException(where + ": " + (end - begin) + " bytes do not hold shape "
                    + Arrays.toString(shape) + " of " + type);
        }
        return new Entry(name, type, shape, dataStart + begin, dataStart + end);
    }

    public Path file() {
        return file;
    }

    public Map<String, Entry> entries() {
        return entries;
    }

    public boolean contains(String name) {
        return entries.containsKey(name);
    }

    /** Reads a tensor into a Java array, widened to float32 (for small tensors: adapters, optimizer state). */
    public TensorData read(String name) {
        Entry entry = entry(name);
        float[] values = new float[(int) entry.elementCount()];
        ByteBuffer dst = ByteBuffer.allocateDirect(values.length * 4).order(ByteOrder.nativeOrder());
        readInto(name, dst);
        dst.flip().asFloatBuffer().get(values);
        return new TensorData(entry.shape().clone(), values);
    }

    /**
     * Reads a tensor widened to float32 into {@code dst} (native byte order, at least 4 bytes per element from its
     * position), which may be the memory of a libtorch tensor: float32 data is read straight into it, 16-bit data
     * through one reusable chunk of {@value #CHUNK_BYTES} bytes. Positional reads go through the page cache, so the
     * file never counts towards the process's resident memory as a memory map's touched pages would.
     */
    public void readInto(String name, ByteBuffer dst) {
        readRowsInto(name, 0, entry(name).elementCount(), dst);
    }

    /** Elements [first, first + count) of a tensor (row-major), as {@link #readInto} reads all of them. */
    public void readRowsInto(String name, long first, long count, ByteBuffer dst) {
        Entry entry = entry(name);
        if (first < 0 || count < 0 || first + count > entry.elementCount()) {
            throw new IllegalArgumentException("elements [" + first + ", " + (first + count) + ") are outside tensor '"
                    + name + "' of " + entry.elementCount());
        }
        long start = entry.start() + first * entry.dtype().bytes();
        if (dst.remaining() < count * 4) {
            throw new IllegalArgumentException("tensor '" + name + "' needs " + count * 4 + " bytes, buffer has " + dst.remaining());
        }
        if (dst.order() != ByteOrder.LITTLE_ENDIAN) {
            throw new IllegalArgumentException("safetensors data is little-endian; the buffer is " + dst.order());
        }
        try {
            if (entry.dtype() == TensorDType.F32) {
                ByteBuffer target = dst.slice().limit((int) (count * 4));
                readFully(channel, target, start, file);
                dst.position(dst.position() + (int) (count * 4));
                return;
            }
            if (chunk == null) {
                chunk = ByteBuffer.allocateDirect(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            }
            FloatBuffer out = dst.slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            long elementsPerChunk = CHUNK_BYTES / 2;
            for (long done = 0; done < count; done += elementsPerChunk) {
                int n = (int) Math.min(elementsPerChunk, count - done);
                chunk.clear().limit(n * 2);
                readFully(channel, chunk, start + done * 2, file);
                entry.dtype().decode(chunk.flip().asShortBuffer(), out);
            }
            dst.position(dst.position() + (int) (count * 4));
        } catch (IOException e) {
            throw new CheckpointException("cannot read tensor '" + name + "' from " + file + ": " + e.getMessage(), e);
        }
    }

    private Entry entry(String name) {
        Entry entry = entries.get(name);
        if (entry == null) {
            throw new CheckpointException(file + ": missing tensor '" + name + "'");
        }
        return entry;
    }

    private static void readFully(FileChannel channel, ByteBuffer buf, long position, Path file) throws IOException {
        long at = position;
        while (buf.hasRemaining()) {
            int n = channel.read(buf, at);
            if (n < 0) {
                throw new CheckpointException(file + ": unexpected end of file at byte " + at);
            }
            at += n;
        }
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing to recover on close of a read-only channel
        }
    }
}
