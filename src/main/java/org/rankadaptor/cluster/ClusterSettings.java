package org.rankadaptor.cluster;

import java.util.List;

/**
 * How a process reaches the cluster.
 *
 * @param members     HOST[:PORT] of members to join or connect to (workers list each other; a coordinator lists any)
 * @param bindAddress interface the member listens on; 127.0.0.1 unless {@code --bind} names another
 * @param port        port the member listens on (5701 by default; the next free one if taken)
 */
public record ClusterSettings(ClusterSecret secret, List<String> members, String bindAddress, int port) {
    public static final String LOOPBACK = "127.0.0.1";
    public static final int DEFAULT_PORT = 5701;

    public ClusterSettings {
        if (secret == null) {
            throw new IllegalArgumentException("cluster settings need a cluster secret");
        }
        members = List.copyOf(members);
        if (bindAddress == null || bindAddress.isBlank()) {
            bindAddress = LOOPBACK;
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("cluster port must be 1..65535, got " + port);
        }
    }

    public static ClusterSettings loopback(ClusterSecret secret, List<String> members) {
        return new ClusterSettings(secret, members, LOOPBACK, DEFAULT_PORT);
    }

    /** Members to contact; the local default port when none are named. */
    List<String> membersOrSelf() {
        return members.isEmpty() ? List.of(bindAddress + ":" + port) : members;
    }
}
