package org.rankadaptor.cluster;

import java.util.List;

/** What the Search screen shows of the cluster: each worker with its load, and each candidate in flight. */
public record ClusterView(List<WorkerStatus> workers, List<InFlight> inFlight) {
    public ClusterView {
        workers = List.copyOf(workers);
        inFlight = List.copyOf(inFlight);
    }

    /** One worker: host:port, devices as advertised, slots, and how many of them this search keeps busy. */
    public record WorkerStatus(String member, String host, String devices, int slots, int busy) {
        public boolean idle() {
            return busy == 0;
        }
    }

    /** One candidate being measured: on which member (null while queued) and for how long. */
    public record InFlight(int proposalId, int[] ranks, double predicted, String member, double elapsedSeconds) {
        public InFlight {
            ranks = ranks.clone();
        }

        @Override
        public int[] ranks() {
            return ranks.clone();
        }
    }
}
