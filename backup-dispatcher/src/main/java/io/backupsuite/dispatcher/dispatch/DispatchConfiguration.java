package io.backupsuite.dispatcher.dispatch;

import io.backupsuite.dispatcher.DispatcherProperties;
import io.backupsuite.dispatcher.queue.TaskQueue;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.kafka.core.KafkaTemplate;

/** The dispatch loop, and its subscription to the queue's wake channel (intake on other instances). */
@Configuration(proxyBeanMethods = false)
class DispatchConfiguration {

    @Bean
    DispatchLoop dispatchLoop(
            TaskQueue queue, KafkaTemplate<String, byte[]> kafka, DispatcherProperties properties, MeterRegistry meters) {
        var settings = new DispatchLoop.Settings(
                properties.claimBatchSize(), properties.maxInFlight(), properties.minInFlight(), properties.leaseDuration(),
                properties.maxIdleWait(), properties.publishTimeout());
        return new DispatchLoop(queue, kafka, settings, meters);
    }

    @Bean
    RedisMessageListenerContainer wakeSubscription(RedisConnectionFactory redis, TaskQueue queue, DispatchLoop loop) {
        var container = new RedisMessageListenerContainer();
        container.setConnectionFactory(redis);
        container.addMessageListener((message, pattern) -> loop.wake(), new ChannelTopic(queue.wakeChannel()));
        return container;
    }
}
