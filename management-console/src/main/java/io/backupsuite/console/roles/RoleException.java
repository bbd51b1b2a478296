package io.backupsuite.console.roles;

import io.backupsuite.common.web.ApiException;
import io.backupsuite.common.wire.RoleTable;
import java.util.Map;
import org.springframework.http.HttpStatus;

/** Refusals of the role, failover and switchover API; each carries what the caller needs to act. */
public final class RoleException extends ApiException {

    private RoleException(HttpStatus status, String slug, String title, String detail, Map<String, Object> properties) {
        super(status, slug, title, detail, properties);
    }

    /** The caller's epoch is behind the group's: here is the current table; nothing was done. */
    public static RoleException staleEpoch(long observed, long current, RoleTable table) {
        return new RoleException(HttpStatus.CONFLICT, "stale-epoch", "Stale epoch",
                "Epoch " + observed + " is behind the group's epoch " + current + "; apply the current role table.",
                Map.of("epoch", current, "table", table));
    }

    /** Another authorisation (failover or switchover) for the group is running. */
    public static RoleException busy(String group, long epoch) {
        return new RoleException(HttpStatus.CONFLICT, "role-change-running", "Role change running",
                "A failover or switchover of group " + group + " to epoch " + epoch + " is running.",
                Map.of("epoch", epoch));
    }

    public static RoleException switchoverRunning(String group) {
        return new RoleException(HttpStatus.CONFLICT, "switchover-running", "Switchover running",
                "A switchover of group " + group + " is already running.", Map.of());
    }

    public static RoleException notCandidate(String nodeId, String reason) {
        return new RoleException(HttpStatus.CONFLICT, "not-candidate", "Not a candidate",
                nodeId + " cannot take over: " + reason + ".", Map.of());
    }

    public static RoleException unknownMember(String group, String nodeId) {
        return new RoleException(HttpStatus.NOT_FOUND, "unknown-member", "Not found",
                "Group " + group + " has no member " + nodeId + ".", Map.of());
    }

    public static RoleException noPrimary(String group) {
        return new RoleException(HttpStatus.CONFLICT, "no-primary", "No primary",
                "Group " + group + " has no primary to ask.", Map.of());
    }

    /** The primary refused or could not be reached; nothing in the table changed. */
    public static RoleException primaryFailed(String nodeId, String reason) {
        return new RoleException(HttpStatus.BAD_GATEWAY, "primary-failed", "Primary failed",
                "The primary " + nodeId + " did not complete the request: " + reason + ".", Map.of());
    }

    public static RoleException invalid(String detail) {
        return new RoleException(HttpStatus.BAD_REQUEST, "validation", "Invalid request", detail, Map.of());
    }

    /** A path or body names a node or group in a way that cannot be right. */
    public static RoleException mismatch(String detail) {
        return new RoleException(HttpStatus.BAD_REQUEST, "mismatch", "Bad request", detail, Map.of());
    }
}
