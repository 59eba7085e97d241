package org.rankadaptor.cluster;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.cluster.Member;
import com.hazelcast.core.ExecutionCallback;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IExecutorService;
import com.hazelcast.core.MemberLeftException;
import com.hazelcast.map.IMap;
import com.hazelcast.spi.exception.TargetDisconnectedException;
import com.hazelcast.spi.exception.TargetNotMemberException;
import org.rankadaptor.job.MeasurementSetup;
import org.rankadaptor.search.MeasurementScheduler;
import org.rankadaptor.search.Proposal;
import org.rankadaptor.search.SearchException;
import org.rankadaptor.stage.StageContext;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;

/**
 * The coordinator's side of a parallel search: a Hazelcast client (it opens no port) that sends each proposal to a
 * worker with a free slot and hands back whichever report arrives first. Reports live in the cluster's results
 * map until {@link #acknowledge} (after the store has them), so a coordinator killed meanwhile finds them on resume;
 * a proposal a worker is still running when the coordinator resumes is waited for, not sent again. A worker that
 * leaves turns its proposals into {@link Lost} outcomes.
 */
public final class ClusterMeasurements implements MeasurementScheduler {
    private static final long POLL_MILLIS = 100;
    private static final String STEP = "cluster";

    private final HazelcastInstance client;
    private final int capacity;
    private final String searchKey;
    private final String setupJson;
    private final String fingerprint;
    private final IMap<String, MeasurementReport> results;
    private final IMap<String, RunningTask> running;
    private final IExecutorService executor;
    private final Map<Integer, Flight> inFlight = new LinkedHashMap<>();
    private final Deque<Proposal> queued = new ArrayDeque<>();
    private final ConcurrentLinkedQueue<Failure> failures = new ConcurrentLinkedQueue<>();
    private final AutoCloseable owned;
    private boolean reportedNoWorkers;
    /** Members seen to leave: the client's member list can lag a kill by a moment, so never send to them again. */
    private final Set<UUID> departed = new HashSet<>();
    private volatile boolean closed;

    /** A proposal out on a member (memberUuid null while it waits for a free slot). */
    private record Flight(Proposal proposal, UUID memberUuid, String member, long startedMillis) {
    }

    private record Failure(int proposalId, UUID memberUuid, Throwable cause) {
    }

    private ClusterMeasurements(HazelcastInstance client, int capacity, MeasurementSetup setup, String fingerprint,
                                String searchKey, AutoCloseable owned) {
        this.client = client;
        this.capacity = capacity;
        this.searchKey = searchKey;
        this.setupJson = setup.toJson();
        this.fingerprint = fingerprint;
        this.results = client.getMap(HazelcastSetup.RESULTS);
        this.running = client.getMap(HazelcastSetup.RUNNING);
        this.executor = client.getExecutorService(HazelcastSetup.EXECUTOR);
        this.owned = owned;
    }

    /**
     * Connects to the cluster as a client. {@code owned} (workers this process started, or null) is closed with
     * the scheduler.
     */
    public static ClusterMeasurements connect(ClusterSettings settings, int capacity, MeasurementSetup setup,
                                              String fingerprint, String searchKey, AutoCloseable owned) {
        if (capacity < 1) {
            throw new IllegalArgumentException("--parallel must be >= 1, got " + capacity);
        }
        HazelcastInstance client = HazelcastClient.newHazelcastClient(HazelcastSetup.client(settings));
        return new ClusterMeasurements(client, capacity, setup, fingerprint, searchKey, owned);
    }

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public synchronized void submit(Proposal proposal, StageContext ctx) {
        String key = key(proposal.id());
        if (Retry.transiently("looking up " + key, () -> results.containsKey(key))) {
            // Finished while no coordinator was listening: awaitNext picks it up without measuring again.
            inFlight.put(proposal.id(), new Flight(proposal, null, "finished earlier", System.currentTimeMillis()));
            return;
        }
        RunningTask task = Retry.transiently("looking up " + key, () -> running.get(key));
        if (task != null && liveMembers().containsKey(UUID.fromString(task.memberUuid()))) {
            inFlight.put(proposal.id(), new Flight(proposal, UUID.fromString(task.memberUuid()), task.member(),
                    task.startedMillis()));
            return;
        }
        if (task != null) {
            Retry.transiently("clearing " + key, () -> running.delete(key));
        }
        queued.add(proposal);
        inFlight.put(proposal.id(), new Flight(proposal, null, null, System.currentTimeMillis()));
        dispatchQueued(ctx);
    }

    @Override
    public Outcome awaitNext(StageContext ctx) {
        while (true) {
            ctx.checkCancelled(STEP);
            Outcome outcome = poll(ctx);
            if (outcome != null) {
                return outcome;
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SearchException("interrupted while waiting for cluster workers", e);
            }
        }
    }

    private synchronized Outcome poll(StageContext ctx) {
        if (inFlight.isEmpty()) {
            throw new SearchException("cluster measurements: nothing was submitted");
        }
        Failure failure;
        while ((failure = failures.poll()) != null) {
            boolean gone = isMemberGone(failure.cause());
            if (gone) {
                departed.add(failure.memberUuid());
            }
            Flight f = inFlight.get(failure.proposalId());
            if (f == null || !failure.memberUuid().equals(f.memberUuid())) {
                continue;   // already handled (e.g. the member's departure was seen first)
            }
            if (gone) {
                return lost(f, "worker " + f.member() + " left while measuring it");
            }
            inFlight.remove(failure.proposalId());
            throw new SearchException("worker " + f.member() + " could not run proposal " + f.proposal().id() + ": "
                    + failure.cause().getMessage(), failure.cause());
        }
        Map<String, Flight> byKey = new HashMap<>();
        for (Flight f : inFlight.values()) {
            byKey.put(key(f.proposal().id()), f);
        }
        Map<String, MeasurementReport> reports = Retry.transiently("reading reports", () -> results.getAll(byKey.keySet()));
        for (Flight f : inFlight.values()) {
            MeasurementReport report = reports.get(key(f.proposal().id()));
            if (report == null) {
                continue;
            }
            inFlight.remove(f.proposal().id());
            if (report.isFailure()) {
                Retry.transiently("clearing a refusal", () -> results.delete(key(f.proposal().id())));
                throw new SearchException(report.error());
            }
            return new Measured(f.proposal(), report.score(), report.seconds(), report.member());
        }
        Map<UUID, Member> members = liveMembers();
        for (Flight f : inFlight.values()) {
            if (f.memberUuid() != null && !members.containsKey(f.memberUuid())) {
                departed.add(f.memberUuid());
                Retry.transiently("clearing a lost task", () -> running.delete(key(f.proposal().id())));
                return lost(f, "worker " + f.member() + " left the cluster");
            }
        }
        dispatchQueued(ctx);
        return null;
    }

    private Outcome lost(Flight f, String reason) {
        inFlight.remove(f.proposal().id());
        return new Lost(f.proposal(), reason);
    }

    private static boolean isMemberGone(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof MemberLeftException || c instanceof TargetDisconnectedException
                    || c instanceof TargetNotMemberException) {
                return true;
            }
        }
        return false;
    }

    /** Sends queued proposals to the workers with the most free slots (so K proposals spread over K workers). */
    private void dispatchQueued(StageContext ctx) {
        while (!queued.isEmpty()) {
            Map<UUID, Member> members = liveMembers();
            Map<UUID, Integer> busy = busyByMember();
            Member target = members.values().stream()
                    .filter(m -> slots(m) - busy.getOrDefault(m.getUuid(), 0) > 0)
                    .max(Comparator.<Member>comparingInt(m -> slots(m) - busy.getOrDefault(m.getUuid(), 0))
                            .thenComparing(m -> -busy.getOrDefault(m.getUuid(), 0))
                            .thenComparing(m -> m.getAddress().toString(), Comparator.reverseOrder()))
                    .orElse(null);
            if (target == null) {
                if (!reportedNoWorkers) {
                    ctx.report(STEP, 0, 0, members.isEmpty() ? "waiting for workers to join the cluster"
                            : "all worker slots are busy; " + queued.size() + " proposal(s) wait");
                    reportedNoWorkers = true;
                }
                return;
            }
            reportedNoWorkers = false;
            Proposal p = queued.poll();
            String member = address(target);
            inFlight.put(p.id(), new Flight(p, target.getUuid(), member, System.currentTimeMillis()));
            UUID uuid = target.getUuid();
            executor.submitToMember(new MeasurementTask(key(p.id()), p.id(), p.ranks(), setupJson, fingerprint), target,
                    new ExecutionCallback<Object>() {
                        @Override
                        public void onResponse(Object response) {
                            // The report is in the results map; poll() reads it there.
                        }

                        @Override
                        public void onFailure(Throwable t) {
                            failures.add(new Failure(p.id(), uuid, t));
                        }
                    });
            ctx.report(STEP, 0, 0, "proposal " + p.id() + " sent to " + member);
        }
    }

    private Map<UUID, Integer> busyByMember() {
        Map<UUID, Integer> busy = new HashMap<>();
        for (Flight f : inFlight.values()) {
            if (f.memberUuid() != null) {
                busy.merge(f.memberUuid(), 1, Integer::sum);
            }
        }
        return busy;
    }

    private Map<UUID, Member> liveMembers() {
        Map<UUID, Member> out = new LinkedHashMap<>();
        for (Member m : client.getCluster().getMembers()) {
            if (slots(m) > 0 && !departed.contains(m.getUuid())) {
                out.put(m.getUuid(), m);
            }
        }
        return out;
    }

    private static int slots(Member m) {
        String s = m.getAttribute(HazelcastSetup.ATTR_SLOTS);
        try {
            return s == null ? 0 : Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String address(Member m) {
        return m.getAddress().getHost() + ":" + m.getAddress().getPort();
    }

    @Override
    public void acknowledge(Proposal proposal) {
        Retry.transiently("acknowledging proposal " + proposal.id(), () -> results.delete(key(proposal.id())));
    }

    /** Workers and in-flight candidates right now, for the Search screen. */
    public synchronized ClusterView view() {
        if (closed) {
            return new ClusterView(List.of(), List.of());
        }
        Map<UUID, Integer> busy = busyByMember();
        List<ClusterView.WorkerStatus> workers = new ArrayList<>();
        for (Member m : liveMembers().values()) {
            workers.add(new ClusterView.WorkerStatus(address(m), m.getAttribute(HazelcastSetup.ATTR_HOST),
                    m.getAttribute(HazelcastSetup.ATTR_DEVICES), slots(m), busy.getOrDefault(m.getUuid(), 0)));
        }
        long now = System.currentTimeMillis();
        List<ClusterView.InFlight> flights = inFlight.values().stream()
                .map(f -> new ClusterView.InFlight(f.proposal().id(), f.proposal().ranks(), f.proposal().predicted(),
                        f.member(), (now - f.startedMillis()) / 1000.0))
                .collect(Collectors.toList());
        return new ClusterView(workers, flights);
    }

    /** Members with slots now in the cluster. */
    public int workerCount() {
        return liveMembers().size();
    }

    /** Waits until at least {@code count} workers have joined, up to {@code timeoutMillis}. */
    public void awaitWorkers(int count, long timeoutMillis, StageContext ctx) {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (workerCount() < count) {
            ctx.checkCancelled(STEP);
            if (System.currentTimeMillis() > deadline) {
                throw new SearchException("only " + workerCount() + " of " + count + " cluster workers joined within "
                        + timeoutMillis / 1000 + " s");
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SearchException("interrupted while waiting for workers", e);
            }
        }
    }

    private String key(int proposalId) {
        return searchKey + "/" + proposalId;
    }

    @Override
    public synchronized void close() {
        closed = true;
        try {
            client.shutdown();
        } finally {
            if (owned != null) {
                try {
                    owned.close();
                } catch (Exception e) {
                    throw new SearchException("stopping local workers: " + e.getMessage(), e);
                }
            }
        }
    }
}
