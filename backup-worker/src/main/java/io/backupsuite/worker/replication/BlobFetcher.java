package io.backupsuite.worker.replication;

import io.backupsuite.catalog.replication.StandbyHook;
import io.backupsuite.catalog.state.CatalogOp;
import io.backupsuite.worker.store.BlobStore;
import io.backupsuite.worker.store.StagedBlob;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standby's side of "each committed backup exists on quorum + 1 nodes": before it answers
 * ready for an entry, it holds the entry's blob, fetched from the holder (or any other member) and
 * verified against the SHA-256 and size in the entry.
 */
final class BlobFetcher implements StandbyHook {

    private static final Logger log = LoggerFactory.getLogger(BlobFetcher.class);

    private final BlobStore store;
    private final HttpTransport transport;
    private final String selfId;
    private final List<String> members;
    private final Duration timeout;

    BlobFetcher(BlobStore store, HttpTransport transport, String selfId, List<String> members, Duration timeout) {
        this.store = store;
        this.transport = transport;
        this.selfId = selfId;
        this.members = List.copyOf(members);
        this.timeout = timeout;
    }

    @Override
    public void beforeReady(List<CatalogOp> ops) throws Exception {
        Set<String> done = new LinkedHashSet<>();
        for (CatalogOp op : ops) {
            if (done.add(op.sha256()) && !store.contains(op.sha256())) {
                fetch(op);
            }
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
        HttpRequest request = transport.request(source, "/internal/v1/blobs/" + op.sha256()).timeout(timeout).GET().build();
        HttpResponse<InputStream> response = transport.send(request, HttpResponse.BodyHandlers.ofInputStream());
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
