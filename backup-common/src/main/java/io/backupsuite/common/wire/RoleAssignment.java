package io.backupsuite.common.wire;

import org.jspecify.annotations.Nullable;

/**
 * One storage-group member's row of the role table.
 *
 * @param nodeId the member's id
 * @param group its storage group
 * @param role its role
 * @param epoch the epoch the role holds for (the primary's term)
 * @param address base URL of the member's API, for node-to-node calls
 * @param outOfService an operator took the member out of service: its primary sends it no entries until an operator
 *     returns it. A member the primary itself marked unavailable (it stopped answering) is {@code UNAVAILABLE} without
 *     this flag, and the primary takes it back on its own once it answers and has caught up; absent (a console
 *     older than this field) means not held out
 */
public record RoleAssignment(String nodeId, String group, GroupRole role, long epoch, String address,
        @Nullable Boolean outOfService) {

    /** Whether an operator holds this member out of service. */
    public boolean heldOut() {
        return Boolean.TRUE.equals(outOfService);
    }
}
