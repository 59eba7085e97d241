package org.rankadaptor.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes tensors to a .safetensors file in one dtype, header padded to 8 bytes as the reference writer does. */
public final class SafetensorsWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, TensorData> tensors = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    public SafetensorsWriter put(String name, TensorData tensor) {
        tensors.put(name, tensor);
        return this;
    }

    public SafetensorsWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    public void write(Path file, TensorDType dtype) throws IOException {
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, TensorData> e : tensors.entrySet()) {
            ObjectNode entry = header.putObject(e.getKey());
            entry.put("dtype", dtype.name());
            var shape = entry.putArray("shape");
            for (long d : e.getValue().shape()) {
                shape.add(d);
            }
            long bytes = (long) e.getValue().values().length * dtype.bytes();
            entry.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] headerBytes = JSON.writeValueAsBytes(header);
        int padded = (headerBytes.length + 7) / 8 * 8;
        byte[] headerPadded = new byte[padded];
        System.arraycopy(headerBytes, 0, headerPadded, 0, headerBytes.length);
        for (int i = headerBytes.length; i < padded; i++) {
            headerPadded[i] = ' ';
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            byte[] length = new byte[8];
            for (int i = 0; i < 8; i++) {
                length[i] = (byte) ((long) padded >> (8 * i));
            }
            out.write(length);
            out.write(headerPadded);
            byte[] buf = new byte[1 << 16];
            for (TensorData t : tensors.values()) {
                float[] values = t.values();
                int perBuf = buf.length / dtype.bytes();
                for (int first = 0; first < values.length; first += perBuf) {
                    int n = Math.min(perBuf, values.length - first);
                    for (int i = 0; i < n; i++) {
                        dtype.encode(values[first + i], buf, i * dtype.bytes());
                    }
                    out.write(buf, 0, n * dtype.bytes());
                }
            }
        }
    }
}
