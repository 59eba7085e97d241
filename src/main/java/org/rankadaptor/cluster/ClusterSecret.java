package org.rankadaptor.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;

/**
 * The cluster name, used as a shared secret: only processes that know it join. It is read from a file or an
 * environment variable (never from the command line, where {@code ps} shows it), and it is never printed:
 * {@link #toString()} hides it and Hazelcast's log lines are configured without it.
 */
public final class ClusterSecret {
    /** The environment variable read when no source is named. */
    public static final String DEFAULT_ENV = "RANKADAPTOR_CLUSTER";
    static final int MIN_LENGTH = 12;

    private final String value;
    private final String source;

    private ClusterSecret(String value, String source) {
        if (value.length() < MIN_LENGTH) {
            throw new IllegalArgumentException("cluster secret from " + source + " is " + value.length()
                    + " characters; use at least " + MIN_LENGTH + " (e.g. `openssl rand -hex 16`)");
        }
        if (!value.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("cluster secret from " + source
                    + " may only hold letters, digits, '.', '_' and '-'");
        }
        this.value = value;
        this.source = source;
    }

    /**
     * Reads "file:PATH" (first line, trimmed) or "env:VAR"; null or blank means env:{@value #DEFAULT_ENV}.
     * Anything else is refused: a literal secret on the command line would be visible to every user.
     */
    public static ClusterSecret read(String spec, Map<String, String> environment) {
        String s = spec == null || spec.isBlank() ? "env:" + DEFAULT_ENV : spec.trim();
        if (s.startsWith("file:")) {
            Path file = Path.of(s.substring(5));
            try {
                String text = Files.readString(file).strip();
                int newline = text.indexOf('\n');
                return new ClusterSecret(newline < 0 ? text : text.substring(0, newline).strip(), "file " + file);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read the cluster secret file " + file + ": " + e.getMessage(), e);
            }
        }
        if (s.startsWith("env:")) {
            String var = s.substring(4);
            String value = environment.get(var);
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException("environment variable " + var + " holding the cluster secret is not set");
            }
            return new ClusterSecret(value.strip(), "environment variable " + var);
        }
        throw new IllegalArgumentException("--cluster takes file:PATH or env:VAR, not a literal name"
                + " (the cluster name is a secret and the command line is visible to other users)");
    }

    /** A fresh random secret, for workers this process starts itself. */
    public static ClusterSecret random() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return new ClusterSecret("ra-" + HexFormat.of().formatHex(bytes), "a random secret");
    }

    String value() {
        return value;
    }

    /** Puts the secret into a child process's environment under {@link #DEFAULT_ENV}. */
    public void exportTo(Map<String, String> childEnvironment) {
        childEnvironment.put(DEFAULT_ENV, value);
    }

    @Override
    public String toString() {
        return "cluster secret (from " + source + ")";
    }
}
