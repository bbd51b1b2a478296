package io.backupsuite.worker.download;

import io.backupsuite.worker.limits.LimitException;
import io.backupsuite.worker.limits.Permit;
import io.backupsuite.worker.limits.TransferLimits;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A chunked transfer: the missing chunks of a staged object fetched by byte range over
 * {@code connections} connections at once (one for objects under the parallel threshold), each
 * chunk verified on arrival ({@link ChunkFetch}) and written at its offset, from whichever replica
 * the {@link ChunkSchedule} assigns; the whole-file SHA-256 runs alongside on its own thread
 * ({@link OrderedHasher}). The first chunk is fetched alone: it tells whether the source serves
 * ranges and which version it has (its validator guards every later range with {@code If-Range}).
 * Progress is reported from the calling thread only. When the whole-file SHA-256 is wrong although
 * every chunk passed, the chunks are fetched again from another replica one by one, in order, until
 * the hash is right ({@link ChunkRepair}).
 */
final class RangedTransfer {

    /** How the transfer ended, short of a failure of every replica (which is thrown). */
    sealed interface Outcome {}

    /** Every chunk is staged and the whole-file SHA-256 is right. */
    record Verified() implements Outcome {}

    /** A source answered the whole file to a range request: stream it from byte 0 instead. */
    record Whole(SourceClient.Body body, String source) implements Outcome {}

    /** A source sent a range of another version: the staging must start over. */
    record Changed(String source, String validator) implements Outcome {}

    /** Failures that trying the same source again cannot cure. */
    static final Set<ErrorKind> GIVE_UP = Set.of(ErrorKind.SOURCE_NOT_ALLOWED, ErrorKind.SIZE_MISMATCH, ErrorKind.CHECKSUM_MISMATCH);

    private final ChunkFetch chunks;
    private final ExecutorService threads;
    private final ReplicaHealth health;
    private final DownloadMetrics metrics;
    private final TransferLimits limits;
    private final int bufferSize;

    RangedTransfer(ChunkFetch chunks, ExecutorService threads, ReplicaHealth health, DownloadMetrics metrics,
            TransferLimits limits, int bufferSize) {
        this.chunks = chunks;
        this.threads = threads;
        this.health = health;
        this.metrics = metrics;
        this.limits = limits;
        this.bufferSize = bufferSize;
    }

    Outcome run(DownloadRequest request, StagedObject staged, List<String> order, int triesPerSource, int connections,
            Failover failover, ProgressListener progress) throws DownloadException {
        Run run = new Run(request, staged, new ChunkSchedule(order, triesPerSource, staged), failover);
        OrderedHasher hasher = OrderedHasher.start(staged, staged.verified(), staged.prefixDigest(), bufferSize, threads);
        try {
            Slot first = new Slot(run);
            while (run.stop.get() == null && staged.verifiedChunks() == 0 && first.step()) {
                // the first chunk alone: ranges supported? which version?
            }
            int parallel = (int) Math.min(connections, Math.max(1, run.schedule.remaining()));
            metrics.ranged(parallel);
            CountDownLatch ended = new CountDownLatch(parallel);
            for (int i = 0; i < parallel; i++) {
                Slot slot = i == 0 ? first : new Slot(run);
                threads.execute(() -> {
                    try {
                        slot.drain();
                    } catch (RuntimeException e) {
                        run.stop.compareAndSet(null, DownloadException.of(ErrorKind.INTERNAL, "chunk transfer failed: " + e, 0));
                    } finally {
                        ended.countDown();
                    }
                });
            }
            while (!ended.await(250, TimeUnit.MILLISECONDS)) {
                report(run, first.preferred, progress);
            }
            report(run, first.preferred, progress);
            Object stop = run.stop.get();
            if (stop instanceof DownloadException e) {
                throw e;
            } else if (stop instanceof Outcome outcome) {
                return outcome;
            } else if (!run.schedule.done()) {
                throw failover.summary(staged.verified(), request.size());
            }
            String actual = hasher.await();
            if (actual.equals(request.sha256())) {
                return new Verified();
            }
            return new ChunkRepair(chunks, metrics, bufferSize).repair(request, staged, run.schedule, failover, actual, run.received);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            run.stop.compareAndSet(null, DownloadException.of(ErrorKind.INTERNAL, "worker is shutting down", 0));
            throw DownloadException.of(ErrorKind.INTERNAL, "worker is shutting down", 0);
        } finally {
            hasher.stop();
            run.permits.values().forEach(Permit::close);
        }
    }

    private void report(Run run, String source, ProgressListener progress) {
        StagedObject staged = run.staged;
        progress.onProgress(staged.verifiedBytes() + run.received.get(), source, new ProgressListener.Detail() {
            @Override
            public int chunksVerified() {
                return staged.verifiedChunks();
            }

            @Override
            public List<ProgressListener.Served> ranges() {
                return run.failover.ranges();
            }
        });
    }

    /** What the connections of one transfer share. */
    private static final class Run {
        final DownloadRequest request;
        final StagedObject staged;
        final ChunkSchedule schedule;
        final Failover failover;
        final AtomicLong received = new AtomicLong();
        /** Why the connections stop early: a local failure, or an outcome that ends the ranged transfer. */
        final AtomicReference<Object> stop = new AtomicReference<>();
        final Map<String, Permit> permits = new HashMap<>();

        Run(DownloadRequest request, StagedObject staged, ChunkSchedule schedule, Failover failover) {
            this.request = request;
            this.staged = staged;
            this.schedule = schedule;
            this.failover = failover;
        }
    }

    /** One connection: fetches chunk after chunk until none is left, a stop, or no replica for its chunk. */
    private final class Slot {
        private final Run run;
        private final byte[] buffer = new byte[bufferSize];
        volatile String preferred;

        Slot(Run run) {
            this.run = run;
        }

        void drain() {
            while (run.stop.get() == null && step()) {
                // next chunk
            }
        }

        /** Fetches one chunk; {@code false} when this connection should end. */
        boolean step() {
            Integer chunk = run.schedule.take();
            if (chunk == null) {
                return false;
            }
            String source = run.schedule.sourceFor(chunk, preferred);
            if (source == null) {
                run.schedule.giveBack(chunk);
                return false;
            }
            if (preferred == null || !run.schedule.usable(preferred)) {
                preferred = source; // a replica excluded only for this chunk stays this connection's replica
            }
            long from = chunk * run.staged.chunkSize();
            long prior = run.staged.partial(chunk);
            try {
                enterHost(source);
                ChunkFetch.Result result = chunks.fetch(source, run.request, run.staged, chunk, buffer, run.received);
                if (result instanceof ChunkFetch.Sealed sealed) {
                    run.schedule.served(chunk, source);
                    run.failover.served(source, sealed.from(), sealed.to());
                    return true;
                } else if (result instanceof ChunkFetch.BadChunk bad) {
                    run.schedule.giveBack(chunk);
                    run.failover.record(bad.failure());
                    run.failover.note("chunk " + chunk + " from " + source + " failed its Content-Digest, fetched again elsewhere");
                    run.schedule.badChunk(source, chunk);
                    health.failed(source);
                    return true;
                } else if (result instanceof ChunkFetch.Whole whole) {
                    run.schedule.giveBack(chunk);
                    if (!run.stop.compareAndSet(null, new Whole(whole.body(), source))) {
                        whole.body().abort();
                        whole.body().close();
                    }
                    return false;
                } else {
                    ChunkFetch.Changed changed = (ChunkFetch.Changed) result;
                    run.schedule.giveBack(chunk);
                    run.stop.compareAndSet(null, new Changed(source, changed.validator()));
                    return false;
                }
            } catch (DownloadException e) {
                run.schedule.giveBack(chunk);
                run.failover.served(source, from + prior, from + run.staged.partial(chunk)); // kept of a broken chunk, if any
                if (e.kind() == ErrorKind.STORAGE || e.kind() == ErrorKind.INTERNAL || e.kind() == ErrorKind.DISK_FULL) {
                    run.stop.compareAndSet(null, e); // a local problem: another source cannot help
                    return false;
                }
                run.failover.record(e);
                run.schedule.broke(source, GIVE_UP.contains(e.kind()));
                health.failed(source);
                metrics.failover();
                preferred = run.schedule.after(source);
                return true;
            }
        }

        /** One slot at each source host per transfer, however many connections it opens there. */
        private void enterHost(String source) throws DownloadException {
            synchronized (run.permits) {
                if (run.permits.containsKey(source)) {
                    return;
                }
                try {
                    run.permits.put(source, limits.enterHost(source));
                } catch (LimitException e) {
                    throw DownloadException.of(ErrorKind.SOURCE_BUSY, "source " + source + ": " + e.getMessage(), 0);
                }
            }
        }
    }
}
