package org.rankadaptor.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Child JVM for {@link NativeHeapTest}: frees libtorch buffers of a few MiB in the pattern of a layer-by-layer pass
 * (each big buffer followed by a small long-lived one, so freed blocks are never at the top of the heap) and prints
 * "grown BYTES": resident memory after the frees minus before. Argument "tuned" calls
 * {@link NativeHeap#returnFreedBuffers} first; "default" leaves glibc's defaults.
 */
public final class NativeHeapProbe {
    public static void main(String[] args) throws Exception {
        if (args[0].equals("tuned") && !NativeHeap.returnFreedBuffers()) {
            throw new IllegalStateException("mallopt was not applied");
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            manager.ones(new Shape(1024), DataType.FLOAT32).close();   // engine loaded before the baseline
            long before = rss();
            List<NDArray> pins = new ArrayList<>();
            for (int round = 0; round < 8; round++) {
                List<NDArray> big = new ArrayList<>();
                for (int i = 0; i < 32; i++) {
                    big.add(manager.ones(new Shape((2 + i % 4) << 18), DataType.FLOAT32));   // 2-5 MiB, touched
                    pins.add(manager.ones(new Shape(4096), DataType.FLOAT32));               // 16 KiB, kept
                }
                big.forEach(NDArray::close);
            }
            System.out.println("grown " + (rss() - before));
            pins.forEach(NDArray::close);
        }
    }

    private static long rss() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
