package io.backupsuite.dispatcher;

import io.backupsuite.common.wire.Topics;
import io.backupsuite.infra.RedisServer;
import java.nio.file.Path;
import java.util.Map;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The one test fixture: a real redis-server (AOF, appendfsync always) and an embedded KRaft Kafka
 * broker, each started once per JVM on first use and stopped when the JVM exits.
 */
public final class TestInfra {

    private static RedisServer redis;
    private static EmbeddedKafkaKraftBroker kafka;
    private static LettuceConnectionFactory connections;

    private TestInfra() {}

    public static synchronized RedisServer redis() {
        if (redis == null) {
            redis = RedisServer.start(Path.of("target", "test-redis-" + ProcessHandle.current().pid()));
            Runtime.getRuntime().addShutdownHook(new Thread(redis::close));
        }
        return redis;
    }

    public static synchronized String kafka() {
        if (kafka == null) {
            kafka = new EmbeddedKafkaKraftBroker(
                    1, 6, Topics.INTAKE, Topics.INTAKE_REJECTED, Topics.TASKS, Topics.RESULTS, Topics.PROGRESS);
            kafka.brokerProperties(Map.of("group.initial.rebalance.delay.ms", "0"));
            kafka.afterPropertiesSet();
            Runtime.getRuntime().addShutdownHook(new Thread(kafka::destroy));
        }
        return kafka.getBrokersAsString();
    }

    /** A connection factory of the tests' own, outside any Spring context. */
    public static synchronized LettuceConnectionFactory connections() {
        if (connections == null) {
            connections = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", redis().port()));
            connections.afterPropertiesSet();
            connections.start();
        }
        return connections;
    }

    public static StringRedisTemplate template() {
        return new StringRedisTemplate(connections());
    }
}
