package io.backupsuite.console.web;

import io.backupsuite.common.security.Secrets;
import io.backupsuite.console.ConsoleProperties;
import java.time.Duration;
import java.util.Optional;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Admin-page sessions in Redis, so any console instance serves any session and a restart logs nobody out.
 * Only a hash of the session id is stored as the key; each use extends the session by the timeout.
 */
@Component
class SessionStore {

    private final StringRedisTemplate redis;
    private final JsonMapper json;
    private final String prefix;
    private final Duration timeout;

    SessionStore(StringRedisTemplate redis, JsonMapper json, ConsoleProperties properties) {
        this.redis = redis;
        this.json = json;
        this.prefix = properties.keyPrefix() + ":session:";
        this.timeout = properties.sessionTimeout();
    }

    /** Stores a new session and returns its id (the cookie value). */
    String create(Session session) {
        String id = Secrets.newToken();
        redis.opsForValue().set(key(id), json.writeValueAsString(session), timeout);
        return id;
    }

    Optional<Session> find(String id) {
        if (id.isEmpty() || id.length() > 128) {
            return Optional.empty();
        }
        // one command: read and extend together
        String raw = redis.opsForValue().getAndExpire(key(id), timeout);
        return Optional.ofNullable(raw).map(s -> json.readValue(s, Session.class));
    }

    void delete(String id) {
        redis.delete(key(id));
    }

    Duration timeout() {
        return timeout;
    }

    private String key(String id) {
        return prefix + Secrets.tokenHash(id);
    }
}
