package io.backupsuite.console.roles;

import org.jspecify.annotations.Nullable;

/**
 * What the console made of a member's heartbeat or replication report.
 *
 * @param version version of the role table after it
 * @param changed whether it changed the table
 * @param stale whether the member announced an epoch behind the group's (or a claim it was refused)
 * @param quasiPrimary the group's quasi-primary after it, {@code null} when none
 * @param epoch the group's epoch after it
 * @param authorisedAt when the epoch the member now leads was authorised, 0 when it was not adopted now
 * @param authorisedFor {@code failover} or {@code switchover} when {@code authorisedAt} is set, else empty
 */
public record ReportOutcome(
        long version,
        boolean changed,
        boolean stale,
        @Nullable String quasiPrimary,
        long epoch,
        long authorisedAt,
        String authorisedFor) {}
