package io.backupsuite.worker.replication;

import io.backupsuite.catalog.replication.StandbyHook;
import io.backupsuite.catalog.state.CatalogOp;
import io.backupsuite.worker.store.BlobStore;
import io.backupsuite.worker.store.StagedBlob;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standby's side of "each committed backup exists on quorum + 1 nodes": before it answers
 * ready for an entry, it holds the entry's blob, fetched from the holder (or any other member) and
 * verified against the SHA-256 and size in the entry.
 *
 * <p>An append of many small entries is the common case under load: their blobs are asked from each
 * holder in batches ({@link BlobBatch}, one request instead of one per blob) and committed on the
 * commit threads concurrently, so the kernel merges their fsyncs into few journal commits instead of
 * one after the other; the append is answered ready only when every blob is committed, as before.
 * Blobs a batch did not bring (too large, or not held there) are fetched one by one from any member.
 */
final class BlobFetcher implements StandbyHook {

    private static final Logger log = LoggerFactory.getLogger(BlobFetcher.class);

    private final BlobStore store;
    private final NodeHttp http;
    private final String selfId;
    private final List<String> members;
    private final Duration timeout;
    private final Executor committers;

    BlobFetcher(BlobStore store, NodeHttp http, String selfId, List<String> members, Duration timeout, Executor committers) {
        this.store = store;
        this.http = http;
        this.selfId = selfId;
        this.members = List.copyOf(members);
        this.timeout = timeout;
        this.committers = committers;
    }

    /** Only a blob this member does not hold yet takes time: it is fetched from its holder. */
    @Override
    public boolean hasWork(List<CatalogOp> ops) {
        return ops.stream().anyMatch(op -> op.sha256() != null && !store.contains(op.sha256()));
    }

    @Override
    public void beforeReady(List<CatalogOp> ops) throws Exception {
        Map<String, CatalogOp> missing = new LinkedHashMap<>();
        for (CatalogOp op : ops) {
            if (!missing.containsKey(op.sha256()) && !store.contains(op.sha256())) {
                missing.put(op.sha256(), op);
            }
        }
        if (missing.size() > 1) {
            fetchBatched(missing);
        }
        for (CatalogOp op : missing.values()) {
            fetch(op);
        }
    }

    /** Fetches the small blobs of {@code missing} from their holders in batches; removes those it committed. */
    private void fetchBatched(Map<String, CatalogOp> missing) throws InterruptedException {
        Map<String, List<CatalogOp>> byHolder = new LinkedHashMap<>();
        for (CatalogOp op : missing.values()) {
            if (op.size() <= BlobBatch.MAX_BLOB_BYTES && !selfId.equals(op.holder()) && members.contains(op.holder())) {
                byHolder.computeIfAbsent(op.holder(), h -> new ArrayList<>()).add(op);
            }
        }
        List<Future<CatalogOp>> commits = new ArrayList<>();
        for (Map.Entry<String, List<CatalogOp>> holder : byHolder.entrySet()) {
            List<CatalogOp> batch = new ArrayList<>();
            long bytes = 0;
            for (CatalogOp op : holder.getValue()) {
                if (!batch.isEmpty() && (batch.size() == BlobBatch.MAX_NAMES || bytes + op.size() > BlobBatch.MAX_BYTES)) {
                    fetchBatch(holder.getKey(), batch, commits);
                    batch = new ArrayList<>();
                    bytes = 0;
                }
                batch.add(op);
                bytes += op.size();
            }
            fetchBatch(holder.getKey(), batch, commits);
        }
        for (Future<CatalogOp> commit : commits) {
            try {
                missing.remove(commit.get().sha256());
            } catch (java.util.concurrent.ExecutionException e) {
                log.debug("Committing a fetched blob failed, fetching it again: {}", e.getCause().toString());
            }
        }
    }

    /** One batch request; each verified blob is handed to a commit thread. A failed batch leaves its blobs to the one-by-one path. */
    private void fetchBatch(String source, List<CatalogOp> batch, List<Future<CatalogOp>> commits) {
        StringBuilder names = new StringBuilder();
        batch.forEach(op -> names.append(op.sha256()).append('\n'));
        HttpRequest request = http.request(source, "/internal/v1/blobs/batch").timeout(timeout)
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(names.toString()))
                .build();
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (DataInputStream body = new DataInputStream(response.body())) {
                if (response.statusCode() != 200) {
                    log.debug("Blob batch from {} answered {}", source, response.statusCode());
                    return;
                }
                for (CatalogOp op : batch) {
                    long size = body.readLong();
                    if (size == BlobBatch.NOT_HELD) {
                        continue;
                    }
                    if (size != op.size()) {
                        throw new IOException(source + " sent " + size + " bytes for blob " + op.sha256() + " of " + op.size());
                    }
                    StagedBlob staged = store.stage();
                    try {
                        byte[] content = body.readNBytes((int) size);
                        if (content.length != size) {
                            throw new IOException("the batch from " + source + " ended early");
                        }
                        staged.write(content, 0, content.length);
                    } catch (IOException | RuntimeException | io.backupsuite.worker.store.StorageException e) {
                        staged.close();
                        throw e;
                    }
                    if (!staged.sha256().equals(op.sha256())) {
                        staged.close(); // a wrong blob is never committed; the one-by-one path tries the other members
                        continue;
                    }
                    FutureTask<CatalogOp> commit = new FutureTask<>(() -> {
                        staged.commit();
                        return op;
                    });
                    try {
                        committers.execute(commit);
                    } catch (RuntimeException e) {
                        staged.close(); // shutting down
                        throw e;
                    }
                    commits.add(commit);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.debug("Blob batch from {} failed: {}", source, e.toString());
        }
    }

    private void fetch(CatalogOp op) throws IOException {
        List<String> sources = new ArrayList<>();
        sources.add(op.holder());
        members.stream().filter(m -> !sources.contains(m)).forEach(sources::add);
        sources.remove(selfId);
        List<String> failures = new ArrayList<>();
        for (String source : sources) {
            try {
                if (fetchFrom(source, op)) {
                    return;
                }
                failures.add(source + ": not held");
            } catch (IllegalArgumentException e) {
                failures.add(source + ": not a member");
            } catch (Exception e) {
                failures.add(source + ": " + e.getMessage());
            }
        }
        throw new IOException("blob " + op.sha256() + " of " + op.key() + " is not available: " + failures);
    }

    private boolean fetchFrom(String source, CatalogOp op) throws Exception {
        HttpRequest request = http.request(source, "/internal/v1/blobs/" + op.sha256()).timeout(timeout).GET().build();
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                return false;
            }
            try (StagedBlob staged = store.stage()) {
                byte[] buffer = new byte[64 * 1024];
                long total = 0;
                for (int n; (n = body.read(buffer)) > 0; ) {
                    total += n;
                    if (total > op.size()) {
                        throw new IOException("more bytes than the entry's size");
                    }
                    staged.write(buffer, 0, n);
                }
                if (total != op.size() || !staged.sha256().equals(op.sha256())) {
                    throw new IOException("content from " + source + " does not match the entry's size and SHA-256");
                }
                staged.commit();
                log.debug("Fetched blob {} ({} bytes) from {}", op.sha256(), total, source);
                return true;
            }
        }
    }
}
