package io.backupsuite.dispatcher;

import io.backupsuite.common.wire.Topics;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;

/** The topics the dispatcher reads and writes, and what a listener does when Redis is unreachable. */
@Configuration(proxyBeanMethods = false)
class KafkaConfiguration {

    @Bean
    KafkaAdmin.NewTopics topics(DispatcherProperties p) {
        return new KafkaAdmin.NewTopics(Stream.of(Topics.INTAKE, Topics.INTAKE_REJECTED, Topics.TASKS, Topics.RESULTS, Topics.PROGRESS)
                .map(name -> TopicBuilder.name(name).partitions(p.topicPartitions()).replicas(p.topicReplication()).build())
                .toArray(NewTopic[]::new));
    }

    /**
     * Listeners skip unreadable messages themselves, so an exception reaching the container means
     * Redis could not be reached. The poll is then retried, without end and without committing:
     * a result or notification is never dropped because Redis was down for a while.
     */
    @Bean
    CommonErrorHandler kafkaErrorHandler() {
        ExponentialBackOff backOff = new ExponentialBackOff(200, 2.0);
        backOff.setMaxInterval(5_000);
        backOff.setMaxElapsedTime(Long.MAX_VALUE);
        return new DefaultErrorHandler(backOff);
    }
}
