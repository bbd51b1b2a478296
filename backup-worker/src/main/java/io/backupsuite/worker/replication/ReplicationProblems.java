package io.backupsuite.worker.replication;

import io.backupsuite.catalog.replication.ReplicationException;
import io.backupsuite.common.web.ApiException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.http.HttpStatus;

/** Maps replication outcomes to RFC 9457 problems ({@code urn:backup-suite:problem:<slug>}). */
final class ReplicationProblems {

    private ReplicationProblems() {}

    static ApiException of(ReplicationException e) {
        return switch (e.reason()) {
            case NOT_PRIMARY -> new ApiException(HttpStatus.CONFLICT, "not-primary", "Not the primary", e.getMessage(),
                    e.primaryId() == null ? Map.of() : Map.of("primaryId", e.primaryId()));
            case STALE_EPOCH -> ApiException.conflict("stale-epoch", e.getMessage());
            case NO_PROMISES -> ApiException.conflict("no-promises", e.getMessage());
            case INVALID -> ApiException.badRequest("invalid-replication-request", e.getMessage());
            case QUORUM_UNAVAILABLE -> ApiException.unavailable("quorum-unavailable", e.getMessage());
            case ROLLED_BACK -> ApiException.unavailable("rolled-back", e.getMessage());
            case DEPOSED -> ApiException.conflict("not-primary", e.getMessage());
            case IO -> ApiException.unavailable("catalog-log-failed", "The catalog log of this member failed; it refuses writes until restarted.");
        };
    }

    /** Waits for a protocol future, turning its failure into a problem. */
    static <T> T await(CompletableFuture<T> future, long millis) {
        try {
            return future.get(millis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ReplicationException r) {
                throw of(r);
            }
            throw ApiException.unavailable("replication-failed", "The replication step failed: " + e.getCause().getClass().getSimpleName());
        } catch (TimeoutException e) {
            throw ApiException.unavailable("replication-timeout", "The replication step did not finish in time.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("interrupted", "Interrupted.");
        }
    }

    static ApiException malformed(IllegalArgumentException e) {
        return ApiException.badRequest("malformed-replication-message", "The replication message is malformed: " + e.getMessage());
    }
}
