package org.rankadaptor.cluster;

import java.io.Serializable;

/** A worker's note that it is measuring a proposal: lets a resumed coordinator wait for it instead of re-sending. */
record RunningTask(String memberUuid, String member, String device, long startedMillis) implements Serializable {
    private static final long serialVersionUID = 1L;
}
