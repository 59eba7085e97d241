package org.rankadaptor.cli;

/** DJL must never download at run time: set its offline switches before the engine first loads. */
public final class OfflineEngine {
    private OfflineEngine() {
    }

    public static void configure() {
        setIfAbsent("DJL_OFFLINE", "true");
        setIfAbsent("ai.djl.offline", "true");
        setIfAbsent("OPT_OUT_TRACKING", "true");
        // DJL logs a CUDA probe warning on CPU-only machines; it is noise for users.
        setIfAbsent("org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils", "error");
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
