package io.backupsuite.console.audit;

import io.backupsuite.console.ConsoleProperties;
import java.time.Clock;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The audit log of operator actions: a Redis list ({@code <prefix>:audit}, newest first, capped) shared by
 * every console instance, and a log line on the logger {@code audit} of the instance that did it.
 */
@Component
public class AuditLog {

    private static final Logger log = LoggerFactory.getLogger("audit");
    private static final RedisScript<Long> APPEND = RedisScript.of(
            """
            redis.call('LPUSH', KEYS[1], ARGV[1])
            redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[2]) - 1)
            return 1
            """,
            Long.class);

    private final StringRedisTemplate redis;
    private final JsonMapper json;
    private final Clock clock;
    private final String key;
    private final int size;

    AuditLog(StringRedisTemplate redis, JsonMapper json, Clock clock, ConsoleProperties properties) {
        this.redis = redis;
        this.json = json;
        this.clock = clock;
        this.key = properties.keyPrefix() + ":audit";
        this.size = properties.historySize();
    }

    public void record(String who, String action, String target, String outcome, @Nullable String detail) {
        AuditEntry entry = new AuditEntry(clock.millis(), who, action, target, outcome, detail);
        log.info("who={} action={} target={} outcome={} detail={}", who, action, target, outcome, detail);
        try {
            redis.execute(APPEND, List.of(key), json.writeValueAsString(entry), Integer.toString(size));
        } catch (RuntimeException e) {
            // the log line above stays; the action itself has already happened
            log.error("Cannot store audit entry {}: {}", entry, e.toString());
        }
    }

    /** The newest entries first. */
    public List<AuditEntry> recent(int limit) {
        List<String> raw = redis.opsForList().range(key, 0, limit - 1L);
        return raw == null ? List.of() : raw.stream().map(s -> json.readValue(s, AuditEntry.class)).toList();
    }
}
