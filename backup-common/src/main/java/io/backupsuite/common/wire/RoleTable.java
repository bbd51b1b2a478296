package io.backupsuite.common.wire;

import java.util.List;

/**
 * The complete, versioned role table the management console sends to every node. A node applies a
 * table only when its version is newer than the one it holds; the table says who should try to be
 * primary, while the replication protocol's epochs decide who can commit.
 *
 * @param version increases with every change
 * @param nodes every storage-group member known to the console
 */
public record RoleTable(long version, List<RoleAssignment> nodes) {

    public RoleTable {
        nodes = List.copyOf(nodes);
    }
}
