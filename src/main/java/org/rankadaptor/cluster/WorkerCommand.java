package org.rankadaptor.cluster;

import org.rankadaptor.model.NativeHeap;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code rankadaptor worker}: joins a cluster and measures search candidates. Also the entry point of the worker
 * JVMs {@link LocalWorkers} starts, so both parse the same options.
 */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = {"Join a RankAdaptor cluster and measure search candidates (fine-tune + evaluate) for coordinators.",
            "Models and data are read by the path the coordinator sends: keep them on a shared file system.",
            "Hazelcast Community has no TLS: run a cluster on a trusted network only."})
public class WorkerCommand implements Callable<Integer> {
    @Option(names = "--cluster", paramLabel = "file:PATH|env:VAR",
            description = "where to read the cluster name, a shared secret (default env:" + ClusterSecret.DEFAULT_ENV + ")")
    String cluster;

    @Option(names = "--members", split = ",", paramLabel = "HOST[:PORT]",
            description = "other workers to join (default: only this one, on the --bind address and --port)")
    List<String> members = new ArrayList<>();

    @Option(names = "--bind", paramLabel = "ADDRESS",
            description = "interface to listen on (default 127.0.0.1: reachable from this machine only)")
    String bind;

    @Option(names = "--port", defaultValue = "5701", description = "port to listen on; the next free one if taken (default ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--gpus", paramLabel = "0,1", description = "GPUs to measure on, one slot each")
    String gpus;

    @Option(names = "--device", paramLabel = "cpu", description = "cpu: measure on the CPU, --slots at a time")
    String device;

    @Option(names = "--slots", defaultValue = "1", description = "CPU measurements at a time with --device cpu (default ${DEFAULT-VALUE})")
    int slots;

    @Option(names = "--threads", defaultValue = "0", description = "PyTorch intra-op threads per worker (default 0: PyTorch's choice)")
    int threads;

    @Override
    public Integer call() throws InterruptedException {
        WorkerDevices devices = devices();
        if (threads > 0) {
            // Read by DJL when the PyTorch engine first loads, which happens with the first model.
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
        ClusterSettings settings = new ClusterSettings(ClusterSecret.read(cluster, System.getenv()), members, bind, port);
        if (devices.slots() > 1) {
            return runOneJvmPerSlot(settings, devices);
        }
        Worker worker = Worker.start(settings, devices, System.out);
        Runtime.getRuntime().addShutdownHook(new Thread(worker::close, "worker-shutdown"));
        worker.awaitShutdown();
        return 0;
    }

    /**
     * DJL trains one adapter at a time per JVM, so each slot gets its own worker JVM (ports PORT, PORT+1, ...);
     * this process supervises them and stops them when it is stopped.
     */
    private int runOneJvmPerSlot(ClusterSettings settings, WorkerDevices devices) throws InterruptedException {
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < devices.slots(); i++) {
            ports.add(settings.port() + i);
        }
        System.out.println("worker: starting " + devices.slots() + " worker JVMs (" + devices.spec() + ") on "
                + settings.bindAddress() + " ports " + ports);
        LocalWorkers children = LocalWorkers.spawn(devices.devices(), threads, settings.secret(),
                settings.bindAddress(), ports, settings.members(), null);
        Runtime.getRuntime().addShutdownHook(new Thread(children::close, "worker-children-shutdown"));
        return children.waitForAll();
    }

    private WorkerDevices devices() {
        if (gpus != null && device != null) {
            throw new IllegalArgumentException("give either --gpus or --device cpu, not both");
        }
        if (gpus != null) {
            return WorkerDevices.gpus(gpus);
        }
        if (device == null || device.equals("cpu")) {
            return WorkerDevices.cpu(slots);
        }
        throw new IllegalArgumentException("--device takes cpu (use --gpus 0,1 for GPUs), not '" + device + "'");
    }

    /** Entry point of worker JVMs started by {@link LocalWorkers}. */
    public static void main(String[] args) {
        NativeHeap.returnFreedBuffers();
        CommandLine cli = new CommandLine(new WorkerCommand());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return 1;
        });
        System.exit(cli.execute(args));
    }
}
