package io.backupsuite.catalog.replication;

import io.backupsuite.catalog.log.EntryType;
import io.backupsuite.catalog.log.LogEntry;
import io.backupsuite.catalog.log.SegmentedLog;
import io.backupsuite.catalog.replication.Messages.AppendReply;
import io.backupsuite.catalog.replication.Messages.AppendRequest;
import io.backupsuite.catalog.replication.Messages.FetchReply;
import io.backupsuite.catalog.replication.Messages.FetchRequest;
import io.backupsuite.catalog.replication.Messages.Outcome;
import io.backupsuite.catalog.replication.Messages.PromiseReply;
import io.backupsuite.catalog.replication.Messages.PromiseRequest;
import io.backupsuite.catalog.state.CatalogOp;
import io.backupsuite.catalog.state.CatalogRecord;
import io.backupsuite.catalog.state.CatalogState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member of a storage group running the M1 protocol: the primary sequences catalog writes,
 * logs them, replicates them to standbys and commits on the quorum; standbys log, answer ready and
 * apply what is committed. See docs/architecture.md for the protocol and why it is safe.
 *
 * <p>This class is longer than the house style's 150 lines on purpose: the protocol's invariants
 * live in the fields guarded by this object's monitor, and splitting them across classes would
 * spread one critical section over several files. Disk and network work happens outside the
 * monitor (the log's group commit, the transport's futures, the applier thread).
 */
public final class Replica implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Replica.class);
    private static final int APPLY_BATCH = 1024;
    private static final int MAX_BATCH_BYTES = 512 << 10; // well under the 1 MB body limit of HTTP transports

    private enum Role { PRIMARY, CANDIDATE, STANDBY }

    private record Pending(CompletableFuture<Committed> future, long startNanos, long deadlineNanos) {}

    private record Send(Follower follower, long generation, AppendRequest request) {}

    private final ReplicaConfig config;
    private final SegmentedLog wal;
    private final CatalogState state;
    private final EpochFile epochFile;
    private final Transport transport;
    private final StandbyHook hook;
    private final ReplicaListener listener;
    private final ScheduledExecutorService timer;
    private final ExecutorService background;
    private final Thread applier;
    /** Annulled ranges: first seq → {last seq, seq of the rollback entry}. */
    private final ConcurrentSkipListMap<Long, long[]> annulled = new ConcurrentSkipListMap<>();
    /** Held while entries are applied, a snapshot is taken or one is installed: the state changes under one hand at a time. */
    private final Object applyLock = new Object();

    private Role role = Role.STANDBY;
    private long epoch;
    private String primaryId;
    private long commitSeq;
    private boolean handingOver;
    private boolean closed;
    private final Map<String, Follower> followers = new LinkedHashMap<>();
    private final java.util.Set<String> outOfService = new java.util.HashSet<>();
    private final TreeMap<Long, Pending> pending = new TreeMap<>();
    private volatile long appliedSeq;
    private volatile long lastPrimaryContactNanos = System.nanoTime();
    private volatile long lastCheckpoint;

    public Replica(ReplicaConfig config, Transport transport, StandbyHook hook, ReplicaListener listener) throws IOException {
        this.config = config;
        this.transport = transport;
        this.hook = hook;
        this.listener = listener;
        this.wal = new SegmentedLog(config.dataDir().resolve("log"), config.segmentBytes(), listener::fsync);
        this.state = new CatalogState(config.dataDir().resolve("state").resolve("catalog.mv"));
        this.epochFile = new EpochFile(config.dataDir().resolve("epoch"));
        this.epoch = Math.max(epochFile.read(), wal.lastEpoch());
        if (state.interruptedInstall()) {
            log.warn("Replica {}: a snapshot install was cut short; starting empty and catching up again", config.nodeId());
            state.reset();
            wal.resetTo(0, 0);
        }
        this.appliedSeq = state.appliedSeq();
        if (appliedSeq > wal.lastSeq()) {
            throw new IOException("catalog state is ahead of the log (" + appliedSeq + " > " + wal.lastSeq() + "): the log was lost");
        }
        this.commitSeq = appliedSeq;
        this.lastCheckpoint = appliedSeq;
        state.annulledRanges().forEach(annulled::put);
        scanRollbacks(appliedSeq + 1);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "catalog-timer-" + config.nodeId()));
        this.background = Executors.newCachedThreadPool(r -> daemon(r, "catalog-bg-" + config.nodeId()));
        this.applier = daemon(this::applyLoop, "catalog-applier-" + config.nodeId());
        this.applier.start();
        long tick = config.heartbeatInterval().toNanos();
        timer.scheduleWithFixedDelay(this::tick, tick, tick / 2 + 1, TimeUnit.NANOSECONDS);
        log.info("Replica {} opened: epoch {}, log ({}, {}), applied {}", config.nodeId(), epoch, wal.lastEpoch(), wal.lastSeq(), appliedSeq);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private void scanRollbacks(long from) throws IOException {
        for (long seq = Math.max(from, wal.baseSeq() + 1); seq <= wal.lastSeq(); ) {
            List<LogEntry> batch = wal.read(seq, APPLY_BATCH, MAX_BATCH_BYTES);
            batch.forEach(this::noteRollback);
            seq += batch.size();
        }
    }

    private void noteRollback(LogEntry entry) {
        if (entry.type() == EntryType.ROLLBACK) {
            ByteBuffer b = ByteBuffer.wrap(entry.payload());
            annulled.put(b.getLong(), new long[] {b.getLong(), entry.seq()});
        }
    }

    // ---------------------------------------------------------------- writes (primary)

    /** Submits a catalog write; completes once it is committed on the quorum and applied here. */
    public CompletableFuture<Committed> submit(CatalogOp op) {
        CompletableFuture<Committed> done = new CompletableFuture<>();
        if (op.kind() == CatalogOp.PUT) {
            try {
                hook.beforeReady(List.of(op)); // the primary holds the blob too: quorum + 1 copies, not quorum
            } catch (Exception e) {
                return CompletableFuture.failedFuture(ReplicationException.invalid("the blob of the write is not available: " + e.getMessage()));
            }
        }
        List<Send> sends;
        synchronized (this) {
            if (role != Role.PRIMARY || handingOver) {
                return CompletableFuture.failedFuture(ReplicationException.notPrimary(role == Role.PRIMARY ? null : primaryId));
            }
            int eligible = eligibleStandbys();
            if (eligible < config.quorum()) {
                return CompletableFuture.failedFuture(ReplicationException.quorumUnavailable(eligible, config.quorum()));
            }
            long now = System.nanoTime();
            long seq = wal.lastSeq() + 1;
            var entry = new LogEntry(epoch, seq, EntryType.OPERATION, op.at(System.currentTimeMillis()).encode());
            CompletableFuture<Long> durable = wal.append(List.of(entry));
            if (durable.isCompletedExceptionally()) {
                return durable.thenApply(x -> (Committed) null).exceptionallyCompose(e -> CompletableFuture.failedFuture(ReplicationException.io(e)));
            }
            pending.put(seq, new Pending(done, now, now + config.writeTimeout().toNanos()));
            durable.thenRun(this::advanceCommit);
            sends = pumpAll(false);
        }
        send(sends);
        return done;
    }

    private int eligibleStandbys() {
        return (int) followers.values().stream().filter(Follower::eligible).count();
    }

    private List<Send> pumpAll(boolean heartbeat) {
        List<Send> out = new ArrayList<>();
        long now = System.nanoTime();
        for (Follower f : followers.values()) {
            boolean due = heartbeat && now - f.lastSentNanos >= config.heartbeatInterval().toNanos();
            pump(f, due, out);
        }
        return out;
    }

    /** Builds the appends to send to one standby now (called holding the monitor). */
    private void pump(Follower f, boolean heartbeatDue, List<Send> out) {
        if (role != Role.PRIMARY) {
            return;
        }
        long last = wal.lastSeq();
        f.nextSeq = Math.min(f.nextSeq, last + 1);
        // unavailable or out-of-service members get heartbeats only: they learn who the primary is
        // (and can forward writes to it), but no entries until they are back
        boolean probing = Follower.UNAVAILABLE.equals(f.state) || f.outOfService;
        int window = probing ? 1 : config.window();
        try {
            while (f.inFlight < window) {
                boolean hasEntries = !probing && f.nextSeq <= last;
                if (!hasEntries && !(heartbeatDue && f.inFlight == 0)) {
                    return;
                }
                if (hasEntries && f.inFlight > 0 && last - f.nextSeq + 1 < pipelinedBatch()) {
                    // a short batch waits for the append in flight: its reply comes within a round trip,
                    // and the append sent then carries everything that arrived meanwhile. A request
                    // costs far more than an entry (HTTP, a standby fsync), so under many submitters
                    // this keeps requests per entry low; a backlog (catch-up) still goes pipelined.
                    return;
                }
                long prev = f.nextSeq - 1;
                long prevEpoch = wal.epochAt(prev);
                if (prevEpoch < 0) {
                    if (!f.snapshotting) {
                        f.snapshotting = true;
                        log.info("Standby {} needs entry {}, compacted here: sending a snapshot of the catalog", f.id, prev + 1);
                        long forEpoch = epoch;
                        background.execute(() -> sendSnapshot(f, forEpoch));
                    }
                    return;
                }
                List<LogEntry> entries = hasEntries ? wal.read(f.nextSeq, config.maxBatchEntries(), MAX_BATCH_BYTES) : List.of();
                long end = prev + entries.size();
                var request = new AppendRequest(epoch, config.nodeId(), prev, prevEpoch, safeCommit(Math.min(commitSeq, end)), entries);
                f.nextSeq = end + 1;
                f.inFlight++;
                f.lastSentNanos = System.nanoTime();
                out.add(new Send(f, f.generation, request));
                heartbeatDue = false;
            }
        } catch (IOException e) {
            log.error("Cannot read the log for standby {}", f.id, e);
        }
    }

    /** Entries an append needs to be sent while another one to the same standby is in flight. */
    private int pipelinedBatch() {
        return Math.max(1, config.maxBatchEntries() / 4);
    }

    private void send(List<Send> sends) {
        for (Send s : sends) {
            CompletableFuture<AppendReply> call;
            Duration within = appendTimeout(s);
            try {
                call = transport.append(s.follower().id, s.request(), within);
            } catch (RuntimeException e) {
                call = CompletableFuture.failedFuture(e);
            }
            call.orTimeout(within.toMillis(), TimeUnit.MILLISECONDS)
                    .whenComplete((reply, error) -> onAppendReply(s, reply, error));
        }
    }

    /** The standby timeout, or the write timeout for an append whose blobs the standby may have to stream first. */
    private Duration appendTimeout(Send s) {
        if (hook == StandbyHook.NONE) {
            return config.standbyTimeout();
        }
        List<CatalogOp> puts = new ArrayList<>();
        for (LogEntry entry : s.request().entries()) {
            if (entry.type() == EntryType.OPERATION) {
                CatalogOp op = CatalogOp.decode(entry.payload());
                if (op.kind() == CatalogOp.PUT) {
                    puts.add(op);
                }
            }
        }
        return !puts.isEmpty() && hook.mayStream(s.follower().id, puts) ? config.writeTimeout() : config.standbyTimeout();
    }

    private void onAppendReply(Send s, AppendReply reply, Throwable error) {
        List<Send> out = new ArrayList<>();
        synchronized (this) {
            Follower f = s.follower();
            if (role != Role.PRIMARY || s.request().epoch() != epoch || followers.get(f.id) != f) {
                return;
            }
            boolean current = s.generation() == f.generation;
            if (current) {
                f.inFlight = Math.max(0, f.inFlight - 1);
            }
            if (reply != null && reply.outcome() == Outcome.STALE) {
                stepDown(reply.epoch());
                return;
            }
            if (error != null || reply.outcome() == Outcome.REJECTED) {
                f.failures++;
                if (current) {
                    f.reset(f.matchSeq + 1);
                }
                if (f.failures > config.standbyRetries() && !Follower.UNAVAILABLE.equals(f.state)) {
                    f.state = Follower.UNAVAILABLE;
                    log.warn("Standby {} marked unavailable after {} failed appends ({})", f.id, f.failures,
                            error != null ? error.toString() : reply.reason());
                    listener.markedUnavailable(f.id);
                }
            } else {
                f.failures = 0;
                if (reply.outcome() == Outcome.MISMATCH) {
                    if (current) {
                        f.reset(reply.lastSeq() + 1);
                    }
                    f.matchSeq = Math.min(f.matchSeq, reply.lastSeq());
                } else {
                    f.matchSeq = Math.max(f.matchSeq, reply.matchSeq());
                }
                if (Follower.UNAVAILABLE.equals(f.state)) {
                    f.state = Follower.CATCHING_UP;
                    f.reset(f.matchSeq + 1);
                }
                if (Follower.CATCHING_UP.equals(f.state) && f.matchSeq >= commitSeq) {
                    f.state = Follower.READY;
                }
                advanceCommitLocked();
            }
            if (!Follower.UNAVAILABLE.equals(f.state)) {
                pump(f, false, out);
            }
        }
        send(out);
        applyCommittedHere();
    }

    /**
     * Applies what the reply just committed on this thread, so a submitter does not also wait for the applier
     * thread to wake up; the applier finds nothing left. Entries still apply once and in order, under the apply
     * lock; anything that fails here is left to the applier, which retries and reports.
     */
    private void applyCommittedHere() {
        long target;
        synchronized (this) {
            if (role != Role.PRIMARY || commitSeq <= appliedSeq) {
                return;
            }
            target = commitSeq;
        }
        try {
            applyUpTo(target);
        } catch (IOException | RuntimeException e) {
            log.debug("Replica {}: applying on the reply thread failed, the applier takes over: {}", config.nodeId(), e.toString());
        }
    }

    private synchronized void advanceCommit() {
        advanceCommitLocked();
    }

    private void advanceCommitLocked() {
        if (role != Role.PRIMARY || followers.size() < config.quorum()) {
            return;
        }
        long[] matched = followers.values().stream().mapToLong(f -> f.matchSeq).sorted().toArray();
        long n = config.quorum() == 0 ? wal.durableSeq() : Math.min(matched[matched.length - config.quorum()], wal.durableSeq());
        n = safeCommit(n);
        if (n <= commitSeq || wal.epochAt(n) != epoch) {
            return; // entries of earlier epochs commit only under one of this epoch
        }
        commitSeq = n;
        notifyAll();
    }

    /** The highest seq at or below {@code n} that does not stop inside an annulled range before its rollback entry. */
    private long safeCommit(long n) {
        while (true) {
            var range = annulled.floorEntry(n);
            if (range == null || n >= range.getValue()[1]) {
                return n;
            }
            n = range.getKey() - 1;
        }
    }

    private void tick() {
        try {
            tickOnce();
        } catch (RuntimeException e) {
            log.error("Replica {}: heartbeat round failed", config.nodeId(), e); // never let the timer die
        }
    }

    private void tickOnce() {
        List<Send> out;
        List<Pending> rolled = new ArrayList<>();
        CompletableFuture<Long> markerDurable = null;
        long from = 0;
        synchronized (this) {
            if (role != Role.PRIMARY || closed) {
                return;
            }
            long now = System.nanoTime();
            var expired = new ArrayList<Long>();
            for (var e : pending.tailMap(commitSeq, false).entrySet()) {
                if (e.getValue().deadlineNanos() > now) {
                    break;
                }
                expired.add(e.getKey());
            }
            if (!expired.isEmpty()) {
                from = expired.get(0);
                long to = expired.get(expired.size() - 1);
                long marker = wal.lastSeq() + 1;
                byte[] payload = ByteBuffer.allocate(16).putLong(from).putLong(to).array();
                markerDurable = wal.append(List.of(new LogEntry(epoch, marker, EntryType.ROLLBACK, payload)));
                annulled.put(from, new long[] {to, marker});
                expired.forEach(seq -> rolled.add(pending.remove(seq)));
                log.warn("Rolled back writes {}..{} (not confirmed by {} standbys within {})", from, to, config.quorum(), config.writeTimeout());
                listener.rolledBack(rolled.size());
            }
            out = pumpAll(true);
        }
        send(out);
        if (markerDurable != null) {
            long first = from;
            // the submitters hear "rolled back" once the rollback entry is on this disk
            markerDurable.whenComplete((x, e) -> rolled.forEach(p -> p.future().completeExceptionally(ReplicationException.rolledBack(first))));
        }
    }

    private void stepDown(long newEpoch) {
        if (newEpoch > epoch) {
            epoch = newEpoch;
            persistEpoch();
        }
        if (role == Role.PRIMARY) {
            log.warn("Replica {} steps down: epoch {} is newer", config.nodeId(), newEpoch);
        }
        role = Role.STANDBY;
        handingOver = false;
        primaryId = null;
        followers.clear();
        List<Pending> lost = new ArrayList<>(pending.tailMap(commitSeq, false).values());
        pending.tailMap(commitSeq, false).clear();
        long e = epoch;
        background.execute(() -> lost.forEach(p -> p.future().completeExceptionally(ReplicationException.deposed(e))));
    }

    private void persistEpoch() {
        try {
            epochFile.write(epoch);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---------------------------------------------------------------- standby side

    /** Handles a primary's append: fencing, log matching, the blob hook, fsync, then ready. */
    public CompletableFuture<AppendReply> onAppend(AppendRequest request) {
        return onAppend(request, false, Runnable::run);
    }

    /**
     * {@link #onAppend} for a caller that blocks until the answer anyway (an HTTP handler): the fsync
     * of the appended entries runs in the calling thread when no other round is running, instead of
     * waking the log's flusher and being woken by it — two thread switches less on the standby's
     * part of every commit, which on a busy machine cost more than the fsync.
     */
    public CompletableFuture<AppendReply> onAppendWaiting(AppendRequest request) {
        return onAppend(request, true, Runnable::run);
    }

    /**
     * {@link #onAppend} for a transport that reads many requests on one thread. With {@code flushHere} the
     * calling thread runs the fsync as in {@link #onAppendWaiting}. An append whose blobs must be fetched first
     * ({@link StandbyHook#hasWork}) continues on {@code blobWork}, which then also runs its fsync, so that the
     * requests read after it do not wait behind the fetch.
     */
    public CompletableFuture<AppendReply> onAppend(AppendRequest request, boolean flushHere, Executor blobWork) {
        String malformed = EntryChecks.malformed(request);
        if (malformed != null) {
            return CompletableFuture.completedFuture(reply(Outcome.REJECTED, 0, malformed));
        }
        List<CatalogOp> newOps;
        synchronized (this) {
            AppendReply refused = fence(request);
            if (refused != null) {
                return CompletableFuture.completedFuture(refused);
            }
            newOps = EntryChecks.operationsNotHeld(request, wal::epochAt);
        }
        if (newOps.isEmpty() || !hook.hasWork(newOps)) {
            return appendHeld(request, List.of(), flushHere); // this member holds every blob already
        }
        try {
            return CompletableFuture.supplyAsync(() -> appendHeld(request, newOps, true), blobWork).thenCompose(appended -> appended);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(reply(Outcome.REJECTED, 0, "not ready: this member is shutting down"));
        }
    }

    /** The rest of an append once its fencing passed: the blob hook for {@code newOps}, log matching, the log, ready. */
    private CompletableFuture<AppendReply> appendHeld(AppendRequest request, List<CatalogOp> newOps, boolean flushHere) {
        if (!newOps.isEmpty()) {
            try {
                hook.beforeReady(newOps); // may fetch blobs: never under the monitor
            } catch (Exception e) {
                return CompletableFuture.completedFuture(reply(Outcome.REJECTED, 0, "not ready: " + e.getMessage()));
            }
        }
        CompletableFuture<Long> durable;
        long matchUpTo = request.prevSeq() + request.entries().size();
        synchronized (this) {
            AppendReply refused = fence(request);
            if (refused != null) {
                return CompletableFuture.completedFuture(refused);
            }
            if (request.prevSeq() > wal.lastSeq()) {
                return CompletableFuture.completedFuture(reply(Outcome.MISMATCH, 0, "missing entries before " + request.prevSeq()));
            }
            if (request.prevSeq() >= wal.baseSeq() && wal.epochAt(request.prevSeq()) != request.prevEpoch()) {
                long hint = Math.max(commitSeq, wal.epochRunStart(request.prevSeq()) - 1);
                return CompletableFuture.completedFuture(new AppendReply(epoch, Outcome.MISMATCH, 0, hint, "epoch differs at " + request.prevSeq()));
            }
            try {
                durable = integrate(request.entries(), matchUpTo);
            } catch (ReplicationException e) {
                return CompletableFuture.completedFuture(reply(Outcome.REJECTED, 0, e.getMessage()));
            }
        }
        long leaderCommit = Math.min(request.commitSeq(), matchUpTo);
        CompletableFuture<AppendReply> reply = durable.handle((x, error) -> {
            if (error != null) {
                return reply(Outcome.REJECTED, 0, "log: " + error.getMessage());
            }
            synchronized (this) {
                if (epoch == request.epoch() && leaderCommit > commitSeq) {
                    commitSeq = leaderCommit;
                    notifyAll();
                }
                return new AppendReply(epoch, Outcome.READY, matchUpTo, wal.lastSeq(), "");
            }
        });
        if (flushHere && !reply.isDone()) {
            wal.flushNow();
        }
        return reply;
    }

    /** Refuses an append from an older epoch; adopts a newer one. Holding the monitor. */
    private AppendReply fence(AppendRequest request) {
        if (request.epoch() < epoch) {
            return reply(Outcome.STALE, 0, "epoch " + request.epoch() + " is older than " + epoch);
        }
        if (request.epoch() > epoch || role == Role.CANDIDATE) {
            stepDown(request.epoch());
        } else if (role == Role.PRIMARY) {
            return reply(Outcome.REJECTED, 0, "this member is the primary of epoch " + epoch);
        }
        primaryId = request.primaryId();
        lastPrimaryContactNanos = System.nanoTime();
        return null;
    }

    private AppendReply reply(Outcome outcome, long matchSeq, String reason) {
        return new AppendReply(epoch, outcome, matchSeq, wal.lastSeq(), reason);
    }

    /**
     * Adds entries to the log: those it already holds with the same epoch are skipped, the first one
     * whose epoch differs cuts the log there (never at or below the commit seq). Holding the monitor.
     */
    private CompletableFuture<Long> integrate(List<LogEntry> entries, long matchUpTo) {
        List<LogEntry> toAppend = new ArrayList<>();
        try {
            for (LogEntry entry : entries) {
                if (!toAppend.isEmpty()) {
                    toAppend.add(entry);
                } else if (entry.seq() <= wal.baseSeq()) {
                    continue; // compacted here, hence committed, hence the same entry
                } else if (entry.seq() <= wal.lastSeq()) {
                    if (wal.epochAt(entry.seq()) == entry.epoch()) {
                        continue;
                    }
                    if (entry.seq() <= commitSeq) {
                        throw ReplicationException.invalid("entry " + entry.seq() + " conflicts with a committed entry");
                    }
                    wal.truncateFrom(entry.seq());
                    annulled.tailMap(entry.seq(), true).clear();
                    annulled.entrySet().removeIf(r -> r.getValue()[1] >= entry.seq());
                    toAppend.add(entry);
                } else {
                    toAppend.add(entry);
                }
            }
        } catch (IOException e) {
            throw ReplicationException.io(e);
        }
        if (toAppend.isEmpty()) {
            return wal.whenDurable(matchUpTo); // ready only for what is on this disk
        }
        toAppend.forEach(this::noteRollback);
        return wal.append(toAppend);
    }

    /** A candidate asks for this member's promise of {@code request.epoch()}. */
    public synchronized PromiseReply onPromise(PromiseRequest request) {
        if (request.epoch() <= epoch) {
            return new PromiseReply(epoch, false, wal.lastEpoch(), wal.lastSeq(), commitSeq);
        }
        stepDown(request.epoch());
        log.info("Replica {} promised epoch {} to {}", config.nodeId(), epoch, request.candidateId());
        return new PromiseReply(epoch, true, wal.lastEpoch(), wal.lastSeq(), commitSeq);
    }

    /** A candidate that promised members gave it reads this member's entries. */
    public synchronized FetchReply onFetch(FetchRequest request) {
        if (request.epoch() < epoch) {
            return new FetchReply(epoch, false, wal.lastSeq(), List.of(), "stale epoch");
        }
        if (request.fromSeq() <= wal.baseSeq()) {
            return new FetchReply(epoch, false, wal.lastSeq(), List.of(), "entries before " + wal.baseSeq() + " are compacted");
        }
        try {
            int max = Math.max(1, Math.min(request.max(), 8192));
            return new FetchReply(epoch, true, wal.lastSeq(), wal.read(request.fromSeq(), max, MAX_BATCH_BYTES), "");
        } catch (IOException e) {
            return new FetchReply(epoch, false, wal.lastSeq(), List.of(), "log read failed");
        }
    }

    // ---------------------------------------------------------------- snapshots

    private static final int SNAPSHOT_CHUNK_RECORDS = 2000;

    /** Sends the state to a standby that needs entries this primary has compacted away. */
    private void sendSnapshot(Follower f, long forEpoch) {
        boolean ok = false;
        long seq = 0;
        try {
            CatalogState.Snapshot snapshot;
            synchronized (applyLock) {
                snapshot = state.snapshot();
            }
            seq = snapshot.seq();
            List<long[]> ranges = snapshot.annulled().entrySet().stream()
                    .map(e -> new long[] {e.getKey(), e.getValue()[0], e.getValue()[1]}).toList();
            boolean first = true;
            long sent = 0;
            do {
                List<String> keys = new ArrayList<>();
                List<byte[]> values = new ArrayList<>();
                int bytes = 0;
                while (snapshot.records().hasNext() && keys.size() < SNAPSHOT_CHUNK_RECORDS && bytes < MAX_BATCH_BYTES / 2) {
                    var record = snapshot.records().next();
                    keys.add(record.getKey());
                    values.add(record.getValue());
                    bytes += record.getKey().length() * 3 + record.getValue().length;
                }
                boolean last = !snapshot.records().hasNext();
                var chunk = new Messages.SnapshotChunk(forEpoch, config.nodeId(), seq, snapshot.epoch(), first, last, keys, values,
                        last ? ranges : List.of());
                AppendReply reply = transport.installSnapshot(f.id, chunk).get(config.standbyTimeout().toMillis() * 4, TimeUnit.MILLISECONDS);
                if (reply.outcome() != Outcome.READY) {
                    if (reply.outcome() == Outcome.STALE) {
                        synchronized (this) {
                            stepDown(reply.epoch());
                        }
                    }
                    throw new IllegalStateException("standby refused the snapshot: " + reply.outcome() + " " + reply.reason());
                }
                sent += keys.size();
                first = false;
                if (last) {
                    break;
                }
            } while (true);
            ok = true;
            log.info("Sent a snapshot of {} records at entry {} to {}", sent, seq, f.id);
        } catch (Exception e) {
            log.warn("Snapshot to {} failed: {}", f.id, e.toString());
        }
        List<Send> out = new ArrayList<>();
        synchronized (this) {
            f.snapshotting = false;
            if (role != Role.PRIMARY || epoch != forEpoch || followers.get(f.id) != f) {
                return;
            }
            if (ok) {
                f.matchSeq = Math.max(f.matchSeq, seq);
                f.failures = 0;
                f.state = Follower.CATCHING_UP;
                f.reset(seq + 1);
                advanceCommitLocked();
                pump(f, false, out);
            } else if (++f.failures > config.standbyRetries() && !Follower.UNAVAILABLE.equals(f.state)) {
                f.state = Follower.UNAVAILABLE;
                listener.markedUnavailable(f.id);
            }
        }
        send(out);
    }

    /** Replaces this standby's state and log with a primary's snapshot, chunk by chunk. */
    public AppendReply onInstallSnapshot(Messages.SnapshotChunk chunk) {
        synchronized (this) {
            if (chunk.epoch() < epoch) {
                return reply(Outcome.STALE, 0, "epoch " + chunk.epoch() + " is older than " + epoch);
            }
            if (chunk.epoch() > epoch || role != Role.STANDBY) {
                if (role == Role.PRIMARY && chunk.epoch() == epoch) {
                    return reply(Outcome.REJECTED, 0, "this member is the primary of epoch " + epoch);
                }
                stepDown(chunk.epoch());
            }
            primaryId = chunk.primaryId();
            lastPrimaryContactNanos = System.nanoTime();
            if (chunk.first() && commitSeq > chunk.snapshotSeq()) {
                return reply(Outcome.REJECTED, 0, "this member has committed beyond the snapshot");
            }
        }
        try {
            List<CatalogOp> blobs = new ArrayList<>();
            for (int i = 0; i < chunk.keys().size(); i++) {
                CatalogRecord r = CatalogRecord.decode(chunk.keys().get(i), chunk.values().get(i));
                if (!r.holders().isEmpty()) {
                    blobs.add(CatalogOp.put(r.key(), r.sha256(), r.size(), r.holders().get(0), r.storedAtMillis()));
                }
            }
            hook.beforeReady(blobs); // a snapshot's blobs are held before it counts, as for entries
        } catch (Exception e) {
            return reply(Outcome.REJECTED, 0, "not ready: " + e.getMessage());
        }
        try {
            synchronized (applyLock) {
                if (chunk.first()) {
                    state.beginInstall();
                }
                for (int i = 0; i < chunk.keys().size(); i++) {
                    state.putRaw(chunk.keys().get(i), chunk.values().get(i));
                }
                if (!chunk.last()) {
                    return reply(Outcome.READY, 0, "");
                }
                Map<Long, long[]> ranges = new java.util.HashMap<>();
                chunk.annulled().forEach(r -> ranges.put(r[0], new long[] {r[1], r[2]}));
                synchronized (this) {
                    state.finishInstall(chunk.snapshotSeq(), chunk.snapshotEpoch(), ranges);
                    wal.resetTo(chunk.snapshotSeq(), chunk.snapshotEpoch());
                    annulled.clear();
                    annulled.putAll(ranges);
                    appliedSeq = chunk.snapshotSeq();
                    commitSeq = chunk.snapshotSeq();
                    lastCheckpoint = appliedSeq;
                    log.info("Replica {} installed a snapshot at entry {} ({} keys)", config.nodeId(), appliedSeq, state.size());
                    return new AppendReply(epoch, Outcome.READY, chunk.snapshotSeq(), wal.lastSeq(), "");
                }
            }
        } catch (IOException | RuntimeException e) {
            return reply(Outcome.REJECTED, 0, "snapshot install failed: " + e.getMessage());
        }
    }

    // ---------------------------------------------------------------- roles

    /**
     * Becomes primary of exactly {@code newEpoch}: promises from {@link ReplicaConfig#promisesNeeded()}
     * members (itself included), the most advanced log among them adopted, an epoch-start entry
     * appended. Completes once it accepts writes.
     */
    public CompletableFuture<ReplicaStatus> promote(long newEpoch) {
        CompletableFuture<ReplicaStatus> done = new CompletableFuture<>();
        background.execute(() -> {
            try {
                runPromotion(newEpoch);
                done.complete(status());
            } catch (Throwable e) {
                synchronized (this) {
                    if (role == Role.CANDIDATE && epoch == newEpoch) {
                        role = Role.STANDBY;
                    }
                }
                done.completeExceptionally(e instanceof ReplicationException ? e : ReplicationException.noPromises("promotion failed: " + e));
            }
        });
        return done;
    }

    private void runPromotion(long newEpoch) throws Exception {
        long started = System.nanoTime();
        long myLastEpoch;
        long myLastSeq;
        synchronized (this) {
            if (newEpoch <= epoch) {
                throw ReplicationException.staleEpoch(newEpoch, epoch);
            }
            stepDown(newEpoch);
            role = Role.CANDIDATE;
            myLastEpoch = wal.lastEpoch();
            myLastSeq = wal.lastSeq();
        }
        Map<String, PromiseReply> replies = PromiseRound.collect(transport, config.others(),
                new PromiseRequest(newEpoch, config.nodeId()), config.promisesNeeded(), config.writeTimeout());
        String best = config.nodeId();
        long bestEpoch = myLastEpoch;
        long bestSeq = myLastSeq;
        int granted = 1;
        for (var ask : new TreeMap<>(replies).entrySet()) {
            PromiseReply reply = ask.getValue();
            if (!reply.granted()) {
                if (reply.epoch() > newEpoch) {
                    synchronized (this) {
                        stepDown(reply.epoch());
                    }
                    throw ReplicationException.staleEpoch(newEpoch, reply.epoch());
                }
                continue;
            }
            granted++;
            if (reply.lastEpoch() > bestEpoch || (reply.lastEpoch() == bestEpoch && reply.lastSeq() > bestSeq)) {
                best = ask.getKey();
                bestEpoch = reply.lastEpoch();
                bestSeq = reply.lastSeq();
            }
        }
        if (granted < config.promisesNeeded()) {
            throw ReplicationException.noPromises("only " + granted + " of the " + config.promisesNeeded() + " promises needed for epoch " + newEpoch);
        }
        if (!best.equals(config.nodeId())) {
            adoptLog(best, bestSeq, newEpoch);
        }
        List<Send> sends;
        synchronized (this) {
            if (epoch != newEpoch || role != Role.CANDIDATE) {
                throw ReplicationException.staleEpoch(newEpoch, epoch);
            }
            long start = wal.lastSeq() + 1;
            wal.append(List.of(new LogEntry(newEpoch, start, EntryType.EPOCH_START, new byte[0]))).thenRun(this::advanceCommit);
            role = Role.PRIMARY;
            primaryId = config.nodeId();
            followers.clear();
            for (String member : config.others()) {
                Follower f = new Follower(member, start);
                f.outOfService = outOfService.contains(member);
                followers.put(member, f);
            }
            log.info("Replica {} is primary of epoch {} ({} promises, log taken from {}, starts at {}) after {} ms", config.nodeId(),
                    newEpoch, granted, best, start, (System.nanoTime() - started) / 1_000_000);
            listener.becamePrimary(newEpoch);
            sends = pumpAll(true);
        }
        send(sends);
    }

    /** Takes the entries of the member with the most advanced log, from this member's commit seq on. */
    private void adoptLog(String source, long upTo, long newEpoch) throws Exception {
        long from;
        synchronized (this) {
            from = commitSeq + 1;
        }
        while (from <= upTo) {
            FetchReply reply = transport.fetch(source, new FetchRequest(newEpoch, config.nodeId(), from, 4096))
                    .get(config.writeTimeout().toMillis(), TimeUnit.MILLISECONDS);
            if (!reply.ok() || reply.entries().isEmpty()) {
                throw ReplicationException.noPromises("cannot take the log of " + source + ": " + reply.reason());
            }
            var fetched = new AppendRequest(newEpoch, source, reply.entries().get(0).seq() - 1, 0, 0, reply.entries());
            List<CatalogOp> missing;
            synchronized (this) {
                missing = EntryChecks.operationsNotHeld(fetched, wal::epochAt);
            }
            hook.beforeReady(missing); // a new primary holds the blobs of the entries it takes
            CompletableFuture<Long> durable;
            synchronized (this) {
                if (epoch != newEpoch || role != Role.CANDIDATE) {
                    throw ReplicationException.staleEpoch(newEpoch, epoch);
                }
                durable = integrate(reply.entries(), reply.entries().get(reply.entries().size() - 1).seq());
            }
            durable.get(config.writeTimeout().toMillis(), TimeUnit.MILLISECONDS);
            from = reply.entries().get(reply.entries().size() - 1).seq() + 1;
        }
    }

    /**
     * Planned switchover: stops taking writes, waits until {@code target} holds every entry, has it
     * promote in {@code newEpoch} (this member then steps down when asked for its promise).
     */
    public CompletableFuture<ReplicaStatus> handOver(String target, long newEpoch) {
        synchronized (this) {
            if (role != Role.PRIMARY || handingOver) {
                return CompletableFuture.failedFuture(ReplicationException.notPrimary(primaryId));
            }
            if (!followers.containsKey(target)) {
                return CompletableFuture.failedFuture(ReplicationException.invalid("unknown member " + target));
            }
            if (newEpoch <= epoch) {
                return CompletableFuture.failedFuture(ReplicationException.staleEpoch(newEpoch, epoch));
            }
            handingOver = true;
        }
        long started = System.nanoTime();
        long deadline = started + config.writeTimeout().toNanos();
        CompletableFuture<ReplicaStatus> done = new CompletableFuture<>();
        background.execute(() -> {
            try {
                while (!targetCaughtUp(target)) {
                    if (System.nanoTime() > deadline) {
                        throw ReplicationException.noPromises(target + " did not catch up within " + config.writeTimeout());
                    }
                    synchronized (this) {
                        wait(5);
                    }
                }
                long caughtUp = System.nanoTime();
                transport.promote(target, newEpoch).get(config.writeTimeout().toMillis() * 2, TimeUnit.MILLISECONDS);
                long promoted = System.nanoTime();
                log.info("Replica {} handed over to {} in epoch {}: target caught up after {} ms, promoted {} ms later",
                        config.nodeId(), target, newEpoch, (caughtUp - started) / 1_000_000, (promoted - caughtUp) / 1_000_000);
                done.complete(status());
            } catch (Throwable e) {
                synchronized (this) {
                    if (role == Role.PRIMARY && epoch < newEpoch) {
                        handingOver = false;
                    }
                }
                done.completeExceptionally(e instanceof ReplicationException ? e : ReplicationException.noPromises("handover failed: " + e));
            }
        });
        return done;
    }

    private synchronized boolean targetCaughtUp(String target) {
        if (role != Role.PRIMARY) {
            throw ReplicationException.notPrimary(primaryId);
        }
        Follower f = followers.get(target);
        return pending.tailMap(commitSeq, false).isEmpty() && f != null && f.matchSeq >= wal.lastSeq();
    }

    /** Takes a member out of service or back (it catches up before it counts toward the quorum again). */
    public synchronized void setAvailable(String nodeId, boolean available) {
        if (available) {
            outOfService.remove(nodeId);
        } else {
            outOfService.add(nodeId);
        }
        Follower f = followers.get(nodeId);
        if (f != null) {
            f.outOfService = !available;
            if (available) {
                f.state = Follower.CATCHING_UP;
                f.failures = 0;
                f.reset(f.matchSeq + 1);
            }
        }
    }

    // ---------------------------------------------------------------- apply and read

    private void applyLoop() {
        while (true) {
            long target;
            synchronized (this) {
                while (!closed && commitSeq <= appliedSeq) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) {
                    return;
                }
                target = commitSeq;
            }
            try {
                applyUpTo(target);
            } catch (IOException e) {
                log.warn("Replica {} could not read committed entries ({}); trying again", config.nodeId(), e.getMessage());
                synchronized (this) {
                    try {
                        wait(100);
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            } catch (RuntimeException e) {
                log.error("Replica {} cannot apply committed entries; stopping the applier", config.nodeId(), e);
                return;
            }
        }
    }

    private void applyUpTo(long target) throws IOException {
        while (appliedSeq < target) {
            List<LogEntry> batch;
            List<Optional<CatalogRecord>> results;
            synchronized (applyLock) {
                if (appliedSeq >= target) {
                    return; // a snapshot was installed meanwhile
                }
                batch = wal.read(appliedSeq + 1, (int) Math.min(APPLY_BATCH, target - appliedSeq), MAX_BATCH_BYTES);
                if (batch.isEmpty()) {
                    return;
                }
                results = new ArrayList<>(batch.size());
                for (LogEntry entry : batch) {
                    results.add(applyOne(entry));
                    listener.applied(entry.seq(), entry.epoch(), entry.checksum());
                }
                appliedSeq = batch.get(batch.size() - 1).seq();
            }
            long last = batch.get(batch.size() - 1).seq();
            List<Map.Entry<Pending, Committed>> done = new ArrayList<>();
            synchronized (this) {
                var head = pending.headMap(last, true);
                for (int i = 0; i < batch.size(); i++) {
                    Pending p = head.remove(batch.get(i).seq());
                    if (p != null) {
                        done.add(Map.entry(p, new Committed(batch.get(i).epoch(), batch.get(i).seq(), results.get(i))));
                    }
                }
                notifyAll();
            }
            long now = System.nanoTime();
            for (var d : done) {
                listener.committed(now - d.getKey().startNanos());
                d.getKey().future().complete(d.getValue());
            }
            if (appliedSeq - lastCheckpoint >= config.checkpointEntries()) {
                synchronized (applyLock) { // entries apply on the applier and on reply threads: one checkpoint at a time
                    if (appliedSeq - lastCheckpoint >= config.checkpointEntries()) {
                        checkpoint();
                    }
                }
            }
        }
    }

    private Optional<CatalogRecord> applyOne(LogEntry entry) {
        if (entry.type() == EntryType.ROLLBACK) {
            ByteBuffer b = ByteBuffer.wrap(entry.payload());
            state.annul(b.getLong(), b.getLong(), entry.seq());
        } else if (entry.type() == EntryType.OPERATION && !isAnnulled(entry.seq())) {
            return state.apply(entry.seq(), entry.epoch(), CatalogOp.decode(entry.payload()));
        }
        state.markApplied(entry.seq(), entry.epoch());
        return Optional.empty();
    }

    private boolean isAnnulled(long seq) {
        var range = annulled.floorEntry(seq);
        return range != null && seq <= range.getValue()[0];
    }

    /** Saves the state to disk and drops log segments nobody needs any more. */
    private void checkpoint() throws IOException {
        long saved = state.checkpoint();
        lastCheckpoint = saved;
        long keepFrom = saved;
        synchronized (this) {
            for (Follower f : followers.values()) {
                keepFrom = Math.min(keepFrom, f.matchSeq); // the primary keeps what standbys still need
            }
        }
        int removed = wal.compactTo(keepFrom);
        if (removed > 0) {
            log.info("Replica {} compacted {} log segments up to entry {}", config.nodeId(), removed, keepFrom);
        }
    }

    /** The applied record of a key on this member (tag it with {@link #appliedSeq()}). */
    public Optional<CatalogRecord> read(String key) {
        return state.get(key);
    }

    /**
     * A linearizable read on the primary: confirms with a quorum of standbys that it is still
     * primary, waits until everything committed before the read is applied, then reads.
     */
    public CompletableFuture<Optional<CatalogRecord>> readLinearizable(String key) {
        long readIndex;
        List<CompletableFuture<AppendReply>> probes = new ArrayList<>();
        synchronized (this) {
            if (role != Role.PRIMARY) {
                return CompletableFuture.failedFuture(ReplicationException.notPrimary(primaryId));
            }
            readIndex = commitSeq;
            for (Follower f : followers.values()) {
                probes.add(transport.append(f.id, new AppendRequest(epoch, config.nodeId(), 0, 0, 0, List.of()))
                        .orTimeout(config.standbyTimeout().toMillis(), TimeUnit.MILLISECONDS));
            }
        }
        long asked = epoch;
        return CompletableFuture.supplyAsync(() -> {
            int confirmed = 0;
            for (var probe : probes) {
                AppendReply r = probe.exceptionally(e -> null).join();
                if (r != null && r.epoch() == asked && r.outcome() != Outcome.STALE) {
                    confirmed++;
                }
            }
            if (confirmed < config.quorum()) {
                throw ReplicationException.notPrimary(null);
            }
            awaitApplied(readIndex);
            return state.get(key);
        }, background);
    }

    private synchronized void awaitApplied(long seq) {
        while (appliedSeq < seq && !closed) {
            try {
                wait(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    public long appliedSeq() {
        return appliedSeq;
    }

    public long size() {
        return state.size();
    }

    public synchronized ReplicaStatus status() {
        long last = wal.lastSeq();
        List<ReplicaStatus.StandbyView> views = followers.values().stream()
                .sorted(Comparator.comparing(f -> f.id))
                .map(f -> new ReplicaStatus.StandbyView(f.id, f.outOfService ? Follower.UNAVAILABLE : f.state, f.matchSeq, Math.max(0, last - f.matchSeq)))
                .toList();
        boolean accepting = role == Role.PRIMARY && !handingOver && eligibleStandbys() >= config.quorum();
        return new ReplicaStatus(config.nodeId(), role.name(), epoch, wal.lastEpoch(), last, commitSeq, appliedSeq, primaryId, accepting, views);
    }

    /** Milliseconds since this member last heard from its primary; 0 on the primary. */
    public long millisSincePrimaryContact() {
        synchronized (this) {
            if (role == Role.PRIMARY) {
                return 0;
            }
        }
        return (System.nanoTime() - lastPrimaryContactNanos) / 1_000_000;
    }

    public synchronized boolean isPrimary() {
        return role == Role.PRIMARY;
    }

    public synchronized String primaryId() {
        return primaryId;
    }

    public ReplicaConfig config() {
        return config;
    }

    /** Reads committed log entries (for tests and tools that compare logs). */
    public List<LogEntry> readLog(long from, int max) throws IOException {
        return wal.read(Math.max(from, wal.baseSeq() + 1), max, MAX_BATCH_BYTES);
    }

    @Override
    public void close() throws IOException {
        List<Pending> lost;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            role = Role.STANDBY;
            followers.clear();
            lost = new ArrayList<>(pending.values());
            pending.clear();
            notifyAll();
        }
        lost.forEach(p -> p.future().completeExceptionally(ReplicationException.notPrimary(null)));
        timer.shutdownNow();
        background.shutdownNow();
        applier.interrupt();
        try {
            applier.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        wal.close();
        state.close();
    }
}
