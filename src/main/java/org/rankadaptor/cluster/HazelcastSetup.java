package org.rankadaptor.cluster;

import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.JavaSerializationFilterConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.SerializationConfig;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one place Hazelcast is configured, for workers (members) and coordinators (clients): cluster name = secret,
 * TCP/IP join only (no multicast, no cloud discovery), listening on loopback unless told otherwise, no phone-home,
 * and a Java serialization filter that accepts only this package's task and report classes.
 */
final class HazelcastSetup {
    /** Executor the measurement tasks run on; its pool is the worker's slot count. */
    static final String EXECUTOR = "rankadaptor-measurements";
    /** Finished reports keyed by {@code searchKey/proposalId}, kept until the coordinator acknowledges them. */
    static final String RESULTS = "rankadaptor-results";
    /** Tasks a worker is running, keyed like {@link #RESULTS}: lets a resumed coordinator adopt them. */
    static final String RUNNING = "rankadaptor-running";
    /** Member attributes a worker advertises. */
    static final String ATTR_DEVICES = "rankadaptor.devices";
    static final String ATTR_SLOTS = "rankadaptor.slots";
    static final String ATTR_HOST = "rankadaptor.host";
    /** Where a worker keeps its {@link Worker} for tasks to find ({@link com.hazelcast.core.HazelcastInstance#getUserContext()}). */
    static final String WORKER_CONTEXT = "rankadaptor.worker";

    private HazelcastSetup() {
    }

    static Config member(ClusterSettings settings, WorkerDevices devices, Worker worker) {
        Config config = new Config();
        useRedactingLogs(settings.secret());
        config.setClusterName(settings.secret().value());
        common(config.getProperties());
        NetworkConfig network = config.getNetworkConfig();
        network.setPort(settings.port()).setPortAutoIncrement(true).setPortCount(20);
        network.getInterfaces().setEnabled(true).addInterface(settings.bindAddress());
        // Listen on the named interface only, never on 0.0.0.0.
        config.setProperty("hazelcast.socket.bind.any", "false");
        config.setProperty("hazelcast.local.localAddress", settings.bindAddress());
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setMembers(settings.membersOrSelf());
        config.getMemberAttributeConfig().setAttribute(ATTR_DEVICES, devices.spec());
        config.getMemberAttributeConfig().setAttribute(ATTR_SLOTS, Integer.toString(devices.slots()));
        config.getMemberAttributeConfig().setAttribute(ATTR_HOST, hostName());
        config.getExecutorConfig(EXECUTOR).setPoolSize(devices.slots()).setStatisticsEnabled(false);
        config.getMapConfig(RESULTS).setBackupCount(1);
        config.getMapConfig(RUNNING).setBackupCount(1);
        filter(config.getSerializationConfig());
        Map<String, Object> context = new ConcurrentHashMap<>();
        context.put(WORKER_CONTEXT, worker);
        config.setUserContext(new ConcurrentHashMap<>(context));
        return config;
    }

    static ClientConfig client(ClusterSettings settings) {
        ClientConfig config = new ClientConfig();
        useRedactingLogs(settings.secret());
        config.setClusterName(settings.secret().value());
        common(config.getProperties());
        config.getNetworkConfig().setAddresses(settings.membersOrSelf());
        config.getNetworkConfig().getAutoDetectionConfig().setEnabled(false);
        config.getConnectionStrategyConfig().getConnectionRetryConfig().setClusterConnectTimeoutMillis(120_000);
        filter(config.getSerializationConfig());
        return config;
    }

    /** Before any Hazelcast logger exists: every Hazelcast log line goes through the redacting factory. */
    private static void useRedactingLogs(ClusterSecret secret) {
        RedactingLoggerFactory.redact(secret.value());
        System.setProperty("hazelcast.logging.class", RedactingLoggerFactory.class.getName());
    }

    private static void common(java.util.Properties properties) {
        properties.setProperty("hazelcast.phone.home.enabled", "false");
        // Log lines would otherwise start with [address] [cluster name] [version]: the name is the secret.
        properties.setProperty("hazelcast.logging.details.enabled", "false");
        properties.setProperty("hazelcast.shutdownhook.policy", "GRACEFUL");
    }

    /**
     * Java deserialization accepts our task, report and marker classes (and the arrays they hold), and the
     * exceptions Hazelcast sends back in failed responses (its own and a few JDK ones with what a Throwable
     * carries); nothing else, so no foreign class ever runs its readObject here.
     */
    private static void filter(SerializationConfig serialization) {
        JavaSerializationFilterConfig filter = new JavaSerializationFilterConfig().setDefaultsDisabled(true);
        filter.getWhitelist().addClasses(MeasurementTask.class.getName(), MeasurementReport.class.getName(),
                RunningTask.class.getName(), "[I", "[D",
                "java.lang.Throwable", "java.lang.Exception", "java.lang.RuntimeException", "java.lang.Error",
                "java.lang.IllegalStateException", "java.lang.IllegalArgumentException",
                "java.lang.NullPointerException", "java.lang.SecurityException", "java.lang.InterruptedException",
                "java.lang.StackTraceElement", "[Ljava.lang.StackTraceElement;", "java.io.IOException",
                "java.util.concurrent.ExecutionException", "java.util.concurrent.CancellationException",
                "java.util.concurrent.TimeoutException", "java.util.concurrent.RejectedExecutionException",
                "java.util.Collections$EmptyList", "java.util.Collections$UnmodifiableRandomAccessList",
                "java.util.Collections$UnmodifiableList", "java.util.Collections$UnmodifiableCollection",
                "java.util.ArrayList")
                .addPrefixes("com.hazelcast.");
        serialization.setJavaSerializationFilterConfig(filter);
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "unknown-host";
        }
    }
}
