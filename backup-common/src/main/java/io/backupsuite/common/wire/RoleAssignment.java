package io.backupsuite.common.wire;

/**
 * One storage-group member's row of the role table.
 *
 * @param nodeId the member's id
 * @param group its storage group
 * @param role its role
 * @param epoch the epoch the role holds for (the primary's term)
 * @param address base URL of the member's API, for node-to-node calls
 */
public record RoleAssignment(String nodeId, String group, GroupRole role, long epoch, String address) {}
