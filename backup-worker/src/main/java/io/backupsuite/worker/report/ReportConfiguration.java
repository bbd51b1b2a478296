package io.backupsuite.worker.report;

import io.backupsuite.common.wire.WireCodec;
import io.backupsuite.worker.WorkerNode;
import io.backupsuite.worker.WorkerProperties;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;

/** Result and progress publishing over the Kafka template that Boot configures (byte[] values, acks=all). */
@Configuration(proxyBeanMethods = false)
class ReportConfiguration {

    @Bean
    WireCodec wireCodec() {
        return new WireCodec();
    }

    @Bean
    ResultPublisher resultPublisher(KafkaTemplate<String, byte[]> kafka, WireCodec codec, WorkerProperties properties) {
        return new ResultPublisher(kafka, codec, properties.resultTimeout());
    }

    @Bean
    ProgressPublisher progressPublisher(
            KafkaTemplate<String, byte[]> kafka, WireCodec codec, WorkerNode node, WorkerProperties properties, MeterRegistry registry) {
        return new ProgressPublisher(kafka, codec, node.nodeId(), properties.progressInterval(), registry);
    }
}
