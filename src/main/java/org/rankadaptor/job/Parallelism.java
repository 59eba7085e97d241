package org.rankadaptor.job;

import java.util.List;

/**
 * How many of a search's candidates are measured at once, and by whom.
 *
 * @param parallel     K: candidates in flight (1 = the plain sequential search)
 * @param localWorkers worker JVMs to start on this machine for the search (one per GPU or CPU slot), bound to
 *                     loopback; 0 with no {@code members} and K &gt; 1 means K of them
 * @param members      HOST:PORT of running workers to use instead (needs the cluster secret)
 * @param clusterSecret where the secret of {@code members}' cluster is read: file:PATH or env:VAR (null = default)
 * @param threadsPerWorker PyTorch intra-op threads of each local worker, 0 = PyTorch's choice
 */
public record Parallelism(int parallel, int localWorkers, List<String> members, String clusterSecret,
                          int threadsPerWorker) {
    public Parallelism {
        members = List.copyOf(members);
        if (parallel < 1) {
            throw new IllegalArgumentException("--parallel must be >= 1, got " + parallel);
        }
        if (localWorkers < 0 || threadsPerWorker < 0) {
            throw new IllegalArgumentException("--local-workers and worker threads must be >= 0");
        }
        if (localWorkers > 0 && !members.isEmpty()) {
            throw new IllegalArgumentException("give either --local-workers or --members, not both");
        }
        if (localWorkers == 0 && members.isEmpty() && parallel > 1) {
            localWorkers = parallel;
        }
    }

    public static Parallelism sequential() {
        return new Parallelism(1, 0, List.of(), null, 0);
    }

    /** True when candidates are measured here, one at a time, with no cluster at all. */
    public boolean inProcess() {
        return parallel == 1 && localWorkers == 0 && members.isEmpty();
    }
}
