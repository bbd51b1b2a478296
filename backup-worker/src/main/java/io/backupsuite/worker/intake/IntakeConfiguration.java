package io.backupsuite.worker.intake;

import io.backupsuite.common.wire.WireCodec;
import io.backupsuite.worker.WorkerNode;
import io.backupsuite.worker.WorkerProperties;
import io.backupsuite.worker.catalog.Catalog;
import io.backupsuite.worker.download.Downloader;
import io.backupsuite.worker.report.ProgressPublisher;
import io.backupsuite.worker.report.ResultPublisher;
import io.backupsuite.worker.store.BlobStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Consumer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;

/** The Kafka task listener, its bounded slots and the attempt pipeline. */
@Configuration(proxyBeanMethods = false)
class IntakeConfiguration {

    @Bean
    TaskSlots taskSlots(WorkerProperties properties, KafkaListenerEndpointRegistry listeners, MeterRegistry registry) {
        TaskSlots slots = new TaskSlots(
                properties.concurrency(),
                properties.backlog(),
                () -> withContainer(listeners, MessageListenerContainer::pause),
                () -> withContainer(listeners, MessageListenerContainer::resume));
        Gauge.builder("backup.worker.in.flight", slots, TaskSlots::inFlight)
                .description("Task attempts running or waiting for a slot")
                .register(registry);
        return slots;
    }

    private static void withContainer(
            KafkaListenerEndpointRegistry listeners, Consumer<MessageListenerContainer> action) {
        MessageListenerContainer container = listeners.getListenerContainer(TaskListener.ID);
        if (container != null) {
            action.accept(container);
        }
    }

    @Bean
    TaskProcessor taskProcessor(
            Downloader downloader,
            BlobStore store,
            Catalog catalog,
            ResultPublisher results,
            ProgressPublisher progress,
            WorkerNode node,
            MeterRegistry registry) {
        return new TaskProcessor(downloader, store, catalog, results, progress, node, registry);
    }

    @Bean
    TaskListener taskListener(TaskSlots slots, TaskProcessor processor, WireCodec codec, MeterRegistry registry) {
        return new TaskListener(slots, processor, codec, registry);
    }
}
