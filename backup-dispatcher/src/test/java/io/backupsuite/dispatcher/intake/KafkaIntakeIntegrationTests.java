package io.backupsuite.dispatcher.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.backupsuite.common.wire.Topics;
import io.backupsuite.dispatcher.DispatcherIntegrationTest;
import io.backupsuite.dispatcher.TestInfra;
import io.backupsuite.dispatcher.TopicTap;
import io.backupsuite.dispatcher.queue.TaskIds;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The Kafka intake: valid notifications become tasks, invalid ones go to the rejected topic with the reason. */
class KafkaIntakeIntegrationTests extends DispatcherIntegrationTest {

    @Test
    void enqueuesValidNotificationsAndRejectsTheRest() throws Exception {
        String good = "kafka/" + UUID.randomUUID();
        String sha = "12".repeat(32);
        String valid = "{\"objectKey\":\"" + good + "\",\"size\":4,\"sha256\":\"" + sha
                + "\",\"sources\":[\"https://files.example.com/x\"]}";
        String invalid = valid.replace(good, "kafka/bad-" + UUID.randomUUID()).replace("https://files.example.com", "file://");
        try (TopicTap rejected = new TopicTap(Topics.INTAKE_REJECTED);
                var producer = new KafkaProducer<String, byte[]>(
                        Map.of("bootstrap.servers", TestInfra.kafka()), new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.INTAKE, "bad-json", "{not json".getBytes(StandardCharsets.UTF_8))).get();
            producer.send(new ProducerRecord<>(Topics.INTAKE, "bad-url", invalid.getBytes(StandardCharsets.UTF_8))).get();
            producer.send(new ProducerRecord<>(Topics.INTAKE, good, valid.getBytes(StandardCharsets.UTF_8))).get();

            await().atMost(Duration.ofSeconds(30)).until(() -> queue.find(TaskIds.of(good, sha)).isPresent());
            await().atMost(Duration.ofSeconds(10)).until(() -> rejected.records().stream()
                    .filter(r -> r.key().startsWith("bad-")).count() == 2);
            String reasons = rejected.records().stream()
                    .map(r -> new String(r.value(), StandardCharsets.UTF_8))
                    .reduce("", String::concat);
            assertThat(reasons).contains("malformed JSON").contains("sources[0]").contains("http or https");
        }
    }
}
