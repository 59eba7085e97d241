package org.rankadaptor.cluster;

import com.hazelcast.logging.AbstractLogger;
import com.hazelcast.logging.ILogger;
import com.hazelcast.logging.LogEvent;
import com.hazelcast.logging.LoggerFactorySupport;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.logging.Level;

/**
 * Hazelcast's logging through slf4j with every cluster secret replaced by "***": Hazelcast prints the cluster name
 * ("Cluster name: ...", "Trying to connect to cluster ..."), and here that name is the secret. Installed through
 * the {@code hazelcast.logging.class} system property by {@link HazelcastSetup}.
 */
public final class RedactingLoggerFactory extends LoggerFactorySupport {
    private static final Set<String> SECRETS = new CopyOnWriteArraySet<>();

    static void redact(String secret) {
        SECRETS.add(secret);
    }

    static String scrub(String text) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String s : SECRETS) {
            out = out.replace(s, "***");
        }
        return out;
    }

    @Override
    protected ILogger createLogger(String name) {
        return new Redacting(LoggerFactory.getLogger(name));
    }

    private static final class Redacting extends AbstractLogger {
        private final org.slf4j.Logger delegate;

        Redacting(org.slf4j.Logger delegate) {
            this.delegate = delegate;
        }

        @Override
        public void log(Level level, String message) {
            log(level, message, null);
        }

        @Override
        public void log(Level level, String message, Throwable thrown) {
            if (!isLoggable(level)) {
                return;
            }
            // Exception messages can hold the name too, so only their scrubbed text is logged, not the trace.
            String text = scrub(message) + (thrown == null ? "" : " (" + scrub(thrown.toString()) + ")");
            if (level.intValue() >= Level.SEVERE.intValue()) {
                delegate.error(text);
            } else if (level.intValue() >= Level.WARNING.intValue()) {
                delegate.warn(text);
            } else if (level.intValue() >= Level.INFO.intValue()) {
                delegate.info(text);
            } else {
                delegate.debug(text);
            }
        }

        /** Still abstract in ILogger, so it must be implemented although Hazelcast deprecates it. */
        @Override
        @SuppressWarnings("removal")
        public void log(LogEvent event) {
            log(event.getLogRecord().getLevel(), event.getLogRecord().getMessage(), event.getLogRecord().getThrown());
        }

        @Override
        public Level getLevel() {
            if (delegate.isDebugEnabled()) {
                return Level.FINE;
            }
            if (delegate.isInfoEnabled()) {
                return Level.INFO;
            }
            return delegate.isWarnEnabled() ? Level.WARNING : Level.SEVERE;
        }

        @Override
        public boolean isLoggable(Level level) {
            return level != Level.OFF && level.intValue() >= getLevel().intValue();
        }
    }
}
