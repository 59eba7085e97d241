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
     * Starts one worker per entry of {@code devices} ("cpu" or "gpuN").
     *
     * @param threads intra-op threads per worker, or 0 for PyTorch's default
     */
    public static LocalWorkers start(List<String> devices, int threads, Path logDir) {
        ClusterSecret secret = ClusterSecret.random();
        List<String> members = new ArrayList<>();
        for (int i = 0; i < devices.size(); i++) {
            members.add(ClusterSettings.LOOPBACK + ":" + freeLoopbackPort());
        }
        List<Process> processes = new ArrayList<>();
        List<Path> logs = new ArrayList<>();
        try {
            Files.createDirectories(logDir);
            long heap = Math.max(1L << 30, Runtime.getRuntime().maxMemory() / Math.max(1, devices.size()));
            for (int i = 0; i < devices.size(); i++) {
                String device = devices.get(i);
                List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx" + (heap >> 20) + "m", "-Dai.djl.offline=true",
                        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                        "-Dorg.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils=error",
                        "-cp", System.getProperty("java.class.path"), WorkerCommand.class.getName(),
                        "--cluster", "env:" + ClusterSecret.DEFAULT_ENV,
                        "--port", members.get(i).substring(members.get(i).lastIndexOf(':') + 1),
                        "--members", String.join(",", members)));
                if (device.startsWith("gpu")) {
                    command.addAll(List.of("--gpus", device.substring(3)));
                } else {
                    command.addAll(List.of("--device", "cpu", "--slots", "1"));
                }
                if (threads > 0) {
                    command.addAll(List.of("--threads", Integer.toString(threads)));
                }
                Path log = logDir.resolve("worker-" + i + ".log");
                ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(log.toFile());
                Map<String, String> env = builder.environment();
                secret.exportTo(env);
                env.put("DJL_OFFLINE", "true");
                env.put("OPT_OUT_TRACKING", "true");
                if (threads > 0) {
                    env.put("OMP_NUM_THREADS", Integer.toString(threads));
                }
                processes.add(builder.start());
                logs.add(log);
            }
        } catch (IOException e) {
            processes.forEach(Process::destroyForcibly);
            throw new IllegalStateException("cannot start local workers: " + e.getMessage(), e);
        }
        return new LocalWorkers(processes, members, logs, secret);
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
