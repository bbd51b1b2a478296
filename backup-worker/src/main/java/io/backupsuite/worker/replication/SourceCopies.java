package io.backupsuite.worker.replication;

import io.backupsuite.catalog.net.ServiceHandler;
import io.backupsuite.catalog.net.SocketTransport;
import io.backupsuite.worker.download.DownloadException;
import io.backupsuite.worker.download.DownloadRequest;
import io.backupsuite.worker.download.Downloader;
import io.backupsuite.worker.download.ProgressListener;
import io.backupsuite.worker.store.BlobStore;
import io.backupsuite.worker.store.StagedBlob;
import io.backupsuite.worker.store.StorageException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Second copies of large blobs taken from the upload service while the first is still downloading. A worker that
 * starts a large transfer tells the member that will have to hold the blob before the write commits (the primary,
 * or a standby when the worker is the primary); that member downloads the same object from the same sources with
 * its own verified, resuming downloader, and its blob fetch waits for that copy instead of streaming the blob from
 * the worker after the download. The two copies are then written at the same time instead of one after the other.
 *
 * <p>Only an offer travels between the members (request type {@link #REQUEST_TYPE} on the replication sockets):
 * key, size, SHA-256 and the source URLs; the answer says whether the copy started. The member's own allow-list,
 * transfer limits and disk guard apply. A copy that fails costs nothing but the bytes: the blob is then fetched
 * from its holder as before, so no write depends on an offer.
 */
final class SourceCopies {

    private static final Logger log = LoggerFactory.getLogger(SourceCopies.class);

    /** The request type on the replication sockets. */
    static final byte REQUEST_TYPE = ServiceHandler.FIRST_TYPE + 2;
    /** Most copies one member runs at once; further offers are declined ({@link Answer#BUSY}). */
    static final int MAX_RUNNING = 2;
    static final int MAX_SOURCES = 16;
    static final int MAX_KEY_BYTES = 4096;
    static final int MAX_URL_BYTES = 4096;

    /** An offer: the object a member is downloading. */
    record Offer(String objectKey, long size, String sha256, List<String> sources) {

        Offer {
            sources = List.copyOf(sources);
            if (!BlobStore.isName(sha256)) {
                throw new IllegalArgumentException("not a SHA-256: " + sha256);
            }
            if (size < 0) {
                throw new IllegalArgumentException("negative size: " + size);
            }
            if (objectKey.isEmpty() || sources.isEmpty() || sources.size() > MAX_SOURCES) {
                throw new IllegalArgumentException("an offer names a key and 1.." + MAX_SOURCES + " sources");
            }
        }
    }

    /** What the offered member does. */
    enum Answer {
        /** The copy runs now. */
        STARTED,
        /** The blob is held here already. */
        HELD,
        /** A copy of it runs already. */
        RUNNING,
        /** {@link #MAX_RUNNING} copies run already. */
        BUSY
    }

    private final Downloader downloader;
    private final BlobStore store;
    private final Executor copiers;
    private final long minSize;
    private final SocketTransport sockets;
    private final String selfId;
    private final List<String> members;
    private final Duration offerTimeout;
    private final Semaphore slots = new Semaphore(MAX_RUNNING);
    private final Map<String, CompletableFuture<Boolean>> running = new ConcurrentHashMap<>();
    private final MeterRegistry registry;
    private final Timer copyTime;

    /**
     * @param minSize smallest object whose copy is offered; 0 offers none
     * @param offerTimeout how long an offer may wait for its answer
     */
    SourceCopies(Downloader downloader, BlobStore store, Executor copiers, long minSize, SocketTransport sockets, String selfId,
            List<String> members, Duration offerTimeout, MeterRegistry registry) {
        this.downloader = downloader;
        this.store = store;
        this.copiers = copiers;
        this.minSize = minSize;
        this.sockets = sockets;
        this.selfId = selfId;
        this.members = List.copyOf(members);
        this.offerTimeout = offerTimeout;
        this.registry = registry;
        this.copyTime = Timer.builder("backup.worker.replication.source.copy")
                .description("Time of a second copy taken from the upload service while another member downloads the object")
                .publishPercentileHistogram()
                .register(registry);
    }

    /**
     * The downloading member's side: offers the copy to the member whose copy the write will wait for (the primary;
     * or, on the primary, the first standby that takes it). Returns at once; the answer, or its absence, changes
     * nothing but who copies. Small objects, and a group of one, offer nothing.
     *
     * @param primaryId the primary this member knows, or {@code null}
     * @return the member's answer (for tests); {@code null} when nothing was offered or nobody took it
     */
    CompletableFuture<Answer> offer(Offer offer, String primaryId) {
        if (minSize <= 0 || offer.size() < minSize || members.size() < 2) {
            return CompletableFuture.completedFuture(null);
        }
        List<String> targets = selfId.equals(primaryId)
                ? members.stream().filter(m -> !m.equals(selfId)).toList()
                : primaryId == null ? List.of() : List.of(primaryId);
        return offerTo(targets, 0, encode(offer), offer);
    }

    private CompletableFuture<Answer> offerTo(List<String> targets, int next, byte[] body, Offer offer) {
        if (next >= targets.size()) {
            return CompletableFuture.completedFuture(null);
        }
        String target = targets.get(next);
        return sockets.request(target, REQUEST_TYPE, body, offerTimeout)
                .thenApply(SourceCopies::answer)
                .exceptionally(e -> {
                    log.debug("Offer of a copy of {} to {} failed: {}", offer.objectKey(), target, e.toString());
                    return Answer.BUSY;
                })
                .thenCompose(answer -> answer == Answer.BUSY ? offerTo(targets, next + 1, body, offer) : CompletableFuture.completedFuture(answer));
    }

    /** The offered member's side: starts the copy and answers at once (it never waits for the transfer). */
    ServiceHandler handler() {
        return body -> CompletableFuture.completedFuture(new byte[] {(byte) accept(decode(body)).ordinal()});
    }

    Answer accept(Offer offer) {
        if (store.contains(offer.sha256())) {
            return counted(Answer.HELD);
        }
        if (running.containsKey(offer.sha256())) {
            return counted(Answer.RUNNING);
        }
        if (!slots.tryAcquire()) {
            return counted(Answer.BUSY);
        }
        CompletableFuture<Boolean> copy = new CompletableFuture<>();
        if (running.putIfAbsent(offer.sha256(), copy) != null) {
            slots.release();
            return counted(Answer.RUNNING);
        }
        try {
            copiers.execute(() -> run(offer, copy));
        } catch (RuntimeException e) { // the executor is shutting down
            finish(offer, copy, false);
            throw e;
        }
        return counted(Answer.STARTED);
    }

    private void run(Offer offer, CompletableFuture<Boolean> copy) {
        long started = System.nanoTime();
        boolean stored = false;
        try (StagedBlob staged = downloader.download(new DownloadRequest(offer.objectKey(), offer.size(), offer.sha256(), offer.sources()),
                ProgressListener.NONE)) {
            staged.commit();
            stored = true;
            long nanos = System.nanoTime() - started;
            copyTime.record(nanos, TimeUnit.NANOSECONDS);
            log.info("Copied {} ({} bytes, blob {}) from its sources in {} ms", offer.objectKey(), offer.size(), offer.sha256(), nanos / 1_000_000);
        } catch (DownloadException | StorageException e) {
            log.info("Copy of {} ({}) from its sources failed, its holder will be asked instead: {}", offer.objectKey(), offer.sha256(),
                    e.getMessage());
        } catch (RuntimeException e) {
            log.warn("Copy of {} ({}) from its sources failed unexpectedly", offer.objectKey(), offer.sha256(), e);
        } finally {
            finish(offer, copy, stored);
        }
    }

    private void finish(Offer offer, CompletableFuture<Boolean> copy, boolean stored) {
        running.remove(offer.sha256(), copy);
        slots.release();
        outcome(stored ? "stored" : "failed").increment();
        copy.complete(stored);
    }

    /**
     * Waits for a copy of the blob that runs here, if one does, for at most {@code within}; true when the blob is
     * held here afterwards. No copy running: answers at once whether the blob is held.
     */
    boolean awaitCopy(String sha256, Duration within) throws InterruptedException {
        CompletableFuture<Boolean> copy = running.get(sha256);
        if (copy != null) {
            try {
                copy.get(within.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                log.debug("Copy of blob {} from its sources not done in {}: {}", sha256, within, e.toString());
            }
        }
        return store.contains(sha256);
    }

    /** Copies running now; for tests and the gauge. */
    int running() {
        return running.size();
    }

    private Answer counted(Answer answer) {
        if (answer != Answer.STARTED) {
            outcome(answer.name().toLowerCase(java.util.Locale.ROOT)).increment();
        }
        return answer;
    }

    private Counter outcome(String outcome) {
        return Counter.builder("backup.worker.replication.source.copies")
                .description("Offers of a second copy from the upload service by what came of them: stored, failed, "
                        + "or declined because the blob was held, a copy of it ran, or enough copies ran")
                .tag("outcome", outcome)
                .register(registry);
    }

    static byte[] encode(Offer offer) {
        var bytes = new ByteArrayOutputStream(256);
        try (var out = new DataOutputStream(bytes)) {
            writeText(out, offer.objectKey());
            out.writeLong(offer.size());
            writeText(out, offer.sha256());
            out.writeByte(offer.sources().size());
            for (String source : offer.sources()) {
                writeText(out, source);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The offer in a request body; {@link IllegalArgumentException} when malformed, over a limit, or followed by more bytes. */
    static Offer decode(byte[] body) {
        try (var in = new DataInputStream(new ByteArrayInputStream(body))) {
            String key = readText(in, MAX_KEY_BYTES);
            long size = in.readLong();
            String sha256 = readText(in, 64);
            int count = in.readUnsignedByte();
            if (count == 0 || count > MAX_SOURCES) {
                throw new IllegalArgumentException("an offer names 1.." + MAX_SOURCES + " sources, not " + count);
            }
            List<String> sources = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                sources.add(readText(in, MAX_URL_BYTES));
            }
            if (in.available() > 0) {
                throw new IllegalArgumentException("bytes after the offer");
            }
            return new Offer(key, size, sha256, sources);
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated offer", e);
        }
    }

    static Answer answer(byte[] body) {
        if (body.length != 1 || body[0] < 0 || body[0] >= Answer.values().length) {
            throw new IllegalArgumentException("not an answer to an offer");
        }
        return Answer.values()[body[0]];
    }

    private static void writeText(DataOutputStream out, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        out.writeShort(bytes.length);
        out.write(bytes);
    }

    private static String readText(DataInputStream in, int max) throws IOException {
        int length = in.readUnsignedShort();
        if (length > max) {
            throw new IllegalArgumentException("text of " + length + " bytes, at most " + max);
        }
        byte[] bytes = in.readNBytes(length);
        if (bytes.length != length) {
            throw new IOException("truncated");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
