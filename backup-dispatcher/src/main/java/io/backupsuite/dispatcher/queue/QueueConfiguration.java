package io.backupsuite.dispatcher.queue;

import io.backupsuite.dispatcher.DispatcherProperties;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.StringRedisTemplate;

/** Wires the queue facade to Boot's Redis connection ({@code spring.data.redis.*}). */
@Configuration(proxyBeanMethods = false)
class QueueConfiguration {

    @Bean
    TaskQueue taskQueue(StringRedisTemplate redis, DispatcherProperties properties, MeterRegistry meters) {
        return new TaskQueue(redis, properties.queueSettings(), meters);
    }

    @Bean
    QueueGauges queueGauges(TaskQueue queue) {
        return new QueueGauges(queue);
    }
}
