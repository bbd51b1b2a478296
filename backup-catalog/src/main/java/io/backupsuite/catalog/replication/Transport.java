package io.backupsuite.catalog.replication;

import io.backupsuite.catalog.replication.Messages.AppendReply;
import io.backupsuite.catalog.replication.Messages.AppendRequest;
import io.backupsuite.catalog.replication.Messages.FetchReply;
import io.backupsuite.catalog.replication.Messages.FetchRequest;
import io.backupsuite.catalog.replication.Messages.PromiseReply;
import io.backupsuite.catalog.replication.Messages.PromiseRequest;
import java.util.concurrent.CompletableFuture;

/**
 * How a replica reaches the other members. Implementations may lose, delay or reorder messages
 * (the protocol copes); a failed future means "no answer". Calls must not block the caller.
 */
public interface Transport {

    CompletableFuture<AppendReply> append(String to, AppendRequest request);

    /**
     * An append whose answer may take up to {@code within}: longer than the transport's usual timeout for one whose
     * blobs the standby streams first ({@link StandbyHook#mayStream}). Transports without a timeout of their own need
     * not override it.
     */
    default CompletableFuture<AppendReply> append(String to, AppendRequest request, java.time.Duration within) {
        return append(to, request);
    }

    CompletableFuture<PromiseReply> promise(String to, PromiseRequest request);

    CompletableFuture<FetchReply> fetch(String to, FetchRequest request);

    /** Sends one chunk of a snapshot to a standby that is behind the primary's compacted log. */
    default CompletableFuture<AppendReply> installSnapshot(String to, Messages.SnapshotChunk chunk) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("this transport cannot send snapshots"));
    }

    /** Asks {@code to} to promote itself in {@code epoch} (planned switchover); completes when it accepts writes. */
    CompletableFuture<Void> promote(String to, long epoch);
}
