package org.rankadaptor.cluster;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Worker JVMs on this machine, one per GPU or CPU slot, all bound to loopback with a fresh random secret:
 * {@code search --parallel K --local-workers N} needs no setup. Each worker's output goes to its own log file.
 */
public final class LocalWorkers implements AutoCloseable {
    private final List<Process> processes;
    private final List<String> members;
    private final List<Path> logs;
    private final ClusterSecret secret;

    private LocalWorkers(List<Process> processes, List<String> members, List<Path> logs, ClusterSecret secret) {
        this.processes = processes;
        this.members = members;
        this.logs = logs;
        this.secret = secret;
    }

    /**
     * Starts one worker per entry of {@code devices} ("cpu" or "gpuN") on loopback with a fresh random secret,
     * each logging to {@code logDir}/worker-I.log.
     *
     * @param threads intra-op threads per worker, or 0 for PyTorch's default
     */
    public static LocalWorkers start(List<String> devices, int threads, Path logDir) {
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < devices.size(); i++) {
            ports.add(freeLoopbackPort());
        }
        return spawn(devices, threads, ClusterSecret.random(), ClusterSettings.LOOPBACK, ports, List.of(), logDir);
    }

    /**
     * One single-slot worker JVM per device, listening on {@code bind} at {@code ports}, joining each other and
     * {@code otherMembers}. Output goes to {@code logDir} (one file each) or, when null, to this process's output.
     */
    static LocalWorkers spawn(List<String> devices, int threads, ClusterSecret secret, String bind, List<Integer> ports,
                              List<String> otherMembers, Path logDir) {
        List<String> members = new ArrayList<>();
        for (int port : ports) {
            members.add(bind + ":" + port);
        }
        List<String> joined = new ArrayList<>(otherMembers);
        joined.addAll(members);
        List<Process> processes = new ArrayList<>();
        List<Path> logs = new ArrayList<>();
        try {
            if (logDir != null) {
                Files.createDirectories(logDir);
            }
            long heap = Math.max(1L << 30, Runtime.getRuntime().maxMemory() / Math.max(1, devices.size()));
            for (int i = 0; i < devices.size(); i++) {
                String device = devices.get(i);
                List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx" + (heap >> 20) + "m", "-Dai.djl.offline=true",
                        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                        "-Dorg.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils=error",
                        // what Hazelcast asks for on Java 9+ (else it warns and runs slower paths)
                        "--add-modules", "java.se", "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
                        "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
                        "--add-opens", "java.management/sun.management=ALL-UNNAMED",
                        "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
                        "-cp", System.getProperty("java.class.path"), WorkerCommand.class.getName(),
                        "--cluster", "env:" + ClusterSecret.DEFAULT_ENV, "--bind", bind,
                        "--port", Integer.toString(ports.get(i)), "--members", String.join(",", joined)));
                if (device.startsWith("gpu")) {
                    command.addAll(List.of("--gpus", device.substring(3)));
                } else {
                    command.addAll(List.of("--device", "cpu", "--slots", "1"));
                }
                if (threads > 0) {
                    command.addAll(List.of("--threads", Integer.toString(threads)));
                }
                ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
                if (logDir != null) {
                    Path log = logDir.resolve("worker-" + i + ".log");
                    builder.redirectOutput(log.toFile());
                    logs.add(log);
                } else {
                    builder.inheritIO();
                }
                Map<String, String> env = builder.environment();
                secret.exportTo(env);
                env.put("DJL_OFFLINE", "true");
                env.put("OPT_OUT_TRACKING", "true");
                if (threads > 0) {
                    env.put("OMP_NUM_THREADS", Integer.toString(threads));
                }
                processes.add(builder.start());
            }
        } catch (IOException e) {
            processes.forEach(Process::destroyForcibly);
            throw new IllegalStateException("cannot start worker JVMs: " + e.getMessage(), e);
        }
        return new LocalWorkers(processes, members, logs, secret);
    }

    /** Waits until every worker JVM has exited; the exit code of the first that failed, else 0. */
    int waitForAll() throws InterruptedException {
        int code = 0;
        for (Process p : processes) {
            int c = p.waitFor();
            code = code == 0 ? c : code;
        }
        return code;
    }

    /** How a client reaches these workers. */
    public ClusterSettings settings() {
        return ClusterSettings.loopback(secret, members);
    }

    public List<String> members() {
        return List.copyOf(members);
    }

    public List<Process> processes() {
        return List.copyOf(processes);
    }

    public List<Path> logs() {
        return List.copyOf(logs);
    }

    /** Puts this cluster's secret in a child environment (a coordinator started for these workers). */
    public void exportSecret(Map<String, String> childEnvironment) {
        secret.exportTo(childEnvironment);
    }

    private static int freeLoopbackPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(ClusterSettings.LOOPBACK))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free loopback port for a local worker: " + e.getMessage(), e);
        }
    }

    /** Asks each worker to stop (SIGTERM), then kills the ones still running after 10 s. */
    @Override
    public void close() {
        processes.forEach(Process::destroy);
        for (Process p : processes) {
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
    }
}
