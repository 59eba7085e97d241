package org.rankadaptor.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;

import java.io.Serializable;

/**
 * One candidate to measure, sent from the coordinator to a worker's executor. It carries only strings and
 * numbers (the setup as JSON), so the serialization filter can stay this narrow. The report goes into the
 * results map before the task ends, so it outlives both the coordinator and this worker.
 */
final class MeasurementTask implements Runnable, Serializable, HazelcastInstanceAware {
    private static final long serialVersionUID = 1L;

    final String key;
    final int proposalId;
    final int[] ranks;
    final String setupJson;
    final String fingerprint;
    private transient HazelcastInstance hazelcast;

    MeasurementTask(String key, int proposalId, int[] ranks, String setupJson, String fingerprint) {
        this.key = key;
        this.proposalId = proposalId;
        this.ranks = ranks.clone();
        this.setupJson = setupJson;
        this.fingerprint = fingerprint;
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance hazelcastInstance) {
        this.hazelcast = hazelcastInstance;
    }

    @Override
    public void run() {
        Object worker = hazelcast.getUserContext().get(HazelcastSetup.WORKER_CONTEXT);
        if (!(worker instanceof Worker w)) {
            throw new IllegalStateException("measurement task " + key + " reached a member that is not a worker");
        }
        w.run(this);
    }
}
