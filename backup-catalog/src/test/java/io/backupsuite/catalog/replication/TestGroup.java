package io.backupsuite.catalog.replication;

import io.backupsuite.catalog.state.CatalogOp;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Three replicas on an in-process network, each with its own directory on disk. */
final class TestGroup implements AutoCloseable {

    static final List<String> MEMBERS = List.of("w1", "w2", "w3");
    static final String SHA = "ab".repeat(32);

    final InProcessNetwork network;
    private final Path root;
    private final Map<String, Replica> running = new ConcurrentHashMap<>();
    private final ReplicaListener listener;
    /** Operations each member's blob hook was asked about (the hook itself accepts everything). */
    final Map<String, java.util.List<CatalogOp>> hooked = new ConcurrentHashMap<>();

    TestGroup(Path root, long seed, ReplicaListener listener) throws IOException {
        this.root = root;
        this.network = new InProcessNetwork(seed);
        this.listener = listener;
        for (String id : MEMBERS) {
            start(id);
        }
    }

    TestGroup(Path root) throws IOException {
        this(root, 1, ReplicaListener.NONE);
    }

    static ReplicaConfig config(String id, Path dir) {
        return new ReplicaConfig(id, MEMBERS, 1, dir, Duration.ofMillis(1500), Duration.ofMillis(250), 3,
                Duration.ofMillis(20), 512, 4, 1 << 20, 2_000);
    }

    Replica start(String id) throws IOException {
        var seen = hooked.computeIfAbsent(id, k -> java.util.Collections.synchronizedList(new java.util.ArrayList<>()));
        Replica replica = new Replica(config(id, root.resolve(id)), network.transportFor(id), seen::addAll, listenerFor(id));
        running.put(id, replica);
        network.register(replica);
        return replica;
    }

    private ReplicaListener listenerFor(String id) {
        return listener instanceof PerNode p ? p.forNode(id) : listener;
    }

    /** A listener that knows which node it observes. */
    interface PerNode extends ReplicaListener {
        ReplicaListener forNode(String id);
    }

    /** Stops a replica abruptly (its disk stays as it is). */
    void crash(String id) throws IOException {
        network.unregister(id);
        Replica r = running.remove(id);
        if (r != null) {
            r.close();
        }
    }

    Replica get(String id) {
        return running.get(id);
    }

    boolean isRunning(String id) {
        return running.containsKey(id);
    }

    static CatalogOp put(String key) {
        return CatalogOp.put(key, SHA, key.length(), "w1", 0);
    }

    @Override
    public void close() {
        network.close();
    }
}
