package org.rankadaptor.model;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * Makes glibc hand large freed blocks back to the system. By default glibc raises its mmap threshold to the size of
 * the largest block freed so far (up to 32 MiB), so once libtorch has freed one layer's buffers the next layer's
 * buffers of a few MiB come from the heap, and freed heap blocks below the top are kept: a layer-by-layer pass
 * (activation-checkpointed training, Taylor scoring) then creeps up by hundreds of MB of freed memory. With a fixed
 * threshold of 1 MiB every tensor buffer from 1 MiB up is its own mapping, returned when libtorch frees it; the small
 * blocks of the JVM and of libtorch's bookkeeping stay on the heap. This is what MALLOC_MMAP_THRESHOLD_=1048576 does
 * in the environment, set from inside the process so that the installed app, the CLI, workers and benchmarks all
 * run with it.
 *
 * <p>Measured on the 1.1B preset (docs/BENCHMARKS.md, "Real size"): without it `ppl` peaks at 1.21x the float32
 * weights and a checkpointed `finetune` at 1.22-1.26x, with it at 1.16x and 1.18x. The price is a fresh page fault for
 * every large buffer: about 5% on a 4 x 128-token forward pass, more on a LoRA step that keeps every activation.
 */
public final class NativeHeap {
    /** Blocks from this size up are mmapped and unmapped on free. */
    public static final int MMAP_THRESHOLD_BYTES = 1 << 20;
    private static final int M_MMAP_THRESHOLD = -3;   // from glibc's malloc.h
    private static final String ENVIRONMENT_OVERRIDE = "MALLOC_MMAP_THRESHOLD_";

    private interface C extends Library {
        int mallopt(int param, int value);
    }

    private NativeHeap() {
    }

    /**
     * Sets the fixed mmap threshold unless the environment already sets one (glibc read it at start-up and it wins).
     * Returns whether the threshold is now fixed; false on systems without glibc's mallopt, where nothing changes.
     */
    public static boolean returnFreedBuffers() {
        if (System.getenv(ENVIRONMENT_OVERRIDE) != null) {
            return true;
        }
        if (!Platform.isLinux()) {
            return false;
        }
        try {
            C c = Native.load("c", C.class);
            return c.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES) == 1;
        } catch (LinkageError e) {
            return false;   // no glibc (musl has no mallopt): the default allocator behaviour stays
        }
    }
}
