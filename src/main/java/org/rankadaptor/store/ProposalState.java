package org.rankadaptor.store;

/** Where one search proposal stands: in flight, measured (with its iteration), or lost with its worker. */
public enum ProposalState {
    PENDING, DONE, LOST
}
