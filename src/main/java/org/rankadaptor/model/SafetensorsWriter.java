package org.rankadaptor.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes tensors to a .safetensors file in one dtype, header padded to 8 bytes as the reference writer does.
 * Tensors are pulled from their {@link TensorSource} one bounded chunk at a time while the file is written, so a
 * writer of sources never holds a second copy of the model.
 */
public final class SafetensorsWriter {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Float32 elements per chunk (4 MiB). */
    private static final int CHUNK_ELEMENTS = 1 << 20;

    /** A tensor's shape and its values as float32, delivered chunk by chunk in order. */
    public interface TensorSource {
        long[] shape();

        /** Puts elements [first, first + dst.remaining()) of the row-major tensor into {@code dst}. */
        void read(long first, FloatBuffer dst);

        static TensorSource of(TensorData data) {
            return new TensorSource() {
                @Override
                public long[] shape() {
                    return data.shape();
                }

                @Override
                public void read(long first, FloatBuffer dst) {
                    dst.put(data.values(), (int) first, dst.remaining());
                }
            };
        }
    }

    private final Map<String, TensorSource> tensors = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    public SafetensorsWriter put(String name, TensorData tensor) {
        return put(name, TensorSource.of(tensor));
    }

    public SafetensorsWriter put(String name, TensorSource tensor) {
        tensors.put(name, tensor);
        return this;
    }

    public SafetensorsWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    public void write(Path file, TensorDType dtype) throws IOException {
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, TensorSource> e : tensors.entrySet()) {
            ObjectNode entry = header.putObject(e.getKey());
            entry.put("dtype", dtype.name());
            var shape = entry.putArray("shape");
            for (long d : e.getValue().shape()) {
                shape.add(d);
            }
            long bytes = elementCount(e.getValue().shape()) * dtype.bytes();
            entry.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] headerBytes = JSON.writeValueAsBytes(header);
        int padded = (headerBytes.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(headerBytes);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            writeFully(out, head.flip());
            ByteBuffer floats = ByteBuffer.allocateDirect(CHUNK_ELEMENTS * 4).order(ByteOrder.LITTLE_ENDIAN);
            ByteBuffer halves = dtype == TensorDType.F32 ? null
                    : ByteBuffer.allocateDirect(CHUNK_ELEMENTS * 2).order(ByteOrder.LITTLE_ENDIAN);
            for (TensorSource t : tensors.values()) {
                long count = elementCount(t.shape());
                for (long first = 0; first < count; first += CHUNK_ELEMENTS) {
                    int n = (int) Math.min(CHUNK_ELEMENTS, count - first);
                    FloatBuffer chunk = floats.clear().limit(n * 4).asFloatBuffer();
                    t.read(first, chunk);
                    if (halves == null) {
                        writeFully(out, floats.position(0).limit(n * 4));
                    } else {
                        ShortBuffer narrow = halves.clear().limit(n * 2).asShortBuffer();
                        dtype.encode(chunk.flip(), narrow);
                        writeFully(out, halves.position(0).limit(n * 2));
                    }
                }
            }
        }
    }

    private static void writeFully(FileChannel out, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            out.write(buf);
        }
    }
}
