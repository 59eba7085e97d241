package org.rankadaptor.store;

import java.time.Instant;

/** A model checkpoint the workspace knows about. {@code fingerprint} is SHA-256 over its safetensors files. */
public record ModelRecord(long id, String path, String name, String configJson, String fingerprint,
                          long paramCount, Instant created) {
}
