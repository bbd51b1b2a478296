package io.backupsuite.console.nodes;

import java.util.List;

/** The node table: its version and every node known, sorted by node id. */
record NodeTable(long version, List<NodeView> nodes) {

    NodeTable {
        nodes = List.copyOf(nodes);
    }
}
