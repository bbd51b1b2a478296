package io.backupsuite.console.roles;

import org.jspecify.annotations.Nullable;

/**
 * One entry of the role-change history, newest first.
 *
 * @param at when it happened (epoch millis, console clock)
 * @param event {@code primary}, {@code quasi-primary}, {@code failover-authorised}, {@code switchover-authorised},
 *     {@code unavailable} or {@code available}
 * @param nodeId the member the change is about
 * @param detail what it replaced or who did it
 */
public record RoleChange(long at, String group, String event, @Nullable String nodeId, long epoch, @Nullable String detail) {}
