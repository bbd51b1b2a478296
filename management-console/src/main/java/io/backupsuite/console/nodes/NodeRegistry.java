package io.backupsuite.console.nodes;

import io.backupsuite.common.wire.NodeStatus;
import io.backupsuite.console.ConsoleProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Keeps the last heartbeat of every node in Redis and versions the role table. Keys:
 * {@code <prefix>:nodes} (node id → last heartbeat JSON), {@code <prefix>:nodes:identity} (node id →
 * what the role table shows of it) and {@code <prefix>:nodes:version}. Each heartbeat is one Lua
 * script, so two consoles receiving beats at once never lose a version bump.
 */
@Component
class NodeRegistry {

    private static final Logger log = LoggerFactory.getLogger(NodeRegistry.class);

    /** Stores the beat; bumps the version when the node is new or its identity changed; returns the version. */
    private static final RedisScript<Long> RECORD = RedisScript.of(
            """
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
            if redis.call('HGET', KEYS[2], ARGV[1]) ~= ARGV[3] then
              redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
              return redis.call('INCR', KEYS[3])
            end
            return tonumber(redis.call('GET', KEYS[3]) or '0')
            """,
            Long.class);

    /** Version and all beats read at one instant: {version, id1, beat1, id2, beat2, ...}. */
    @SuppressWarnings("rawtypes")
    private static final RedisScript<List> READ = RedisScript.of(
            """
            local out = redis.call('HGETALL', KEYS[1])
            table.insert(out, 1, redis.call('GET', KEYS[2]) or '0')
            return out
            """,
            List.class);

    private final StringRedisTemplate redis;
    private final JsonMapper json;
    private final Clock clock;
    private final Duration heartbeatTimeout;
    private final List<String> recordKeys;
    private final List<String> readKeys;
    private final Counter heartbeats;

    NodeRegistry(
            StringRedisTemplate redis, JsonMapper json, Clock clock, ConsoleProperties properties, MeterRegistry meters) {
        this.redis = redis;
        this.json = json;
        this.clock = clock;
        this.heartbeatTimeout = properties.heartbeatTimeout();
        String prefix = properties.keyPrefix();
        this.recordKeys = List.of(prefix + ":nodes", prefix + ":nodes:identity", prefix + ":nodes:version");
        this.readKeys = List.of(prefix + ":nodes", prefix + ":nodes:version");
        this.heartbeats = Counter.builder("backup.console.heartbeats")
                .description("Heartbeats received from nodes")
                .register(meters);
    }

    /** Stores a validated heartbeat and returns the role-table version after it. */
    long record(NodeStatus status) {
        StoredHeartbeat stored = new StoredHeartbeat(status, clock.millis());
        Long version = redis.execute(
                RECORD, recordKeys, status.nodeId(), json.writeValueAsString(stored), stored.identity());
        heartbeats.increment();
        return version == null ? 0 : version;
    }

    /** The node table as of now, sorted by node id. */
    NodeTable table() {
        List<?> raw = redis.execute(READ, readKeys);
        if (raw == null || raw.isEmpty()) {
            return new NodeTable(0, List.of());
        }
        long version = Long.parseLong(raw.get(0).toString());
        var now = clock.instant();
        List<NodeView> nodes = new ArrayList<>();
        for (int i = 2; i < raw.size(); i += 2) {
            try {
                StoredHeartbeat stored = json.readValue(raw.get(i).toString(), StoredHeartbeat.class);
                nodes.add(NodeView.of(stored, now, heartbeatTimeout));
            } catch (JacksonException e) {
                // one unreadable entry (say, written by a newer console) must not hide the others
                log.warn("Skipping unreadable heartbeat of node {}: {}", raw.get(i - 1), e.getOriginalMessage());
            }
        }
        nodes.sort(Comparator.comparing(NodeView::nodeId));
        return new NodeTable(version, nodes);
    }
}
