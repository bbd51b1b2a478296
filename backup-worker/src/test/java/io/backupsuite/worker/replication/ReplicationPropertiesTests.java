package io.backupsuite.worker.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupsuite.worker.replication.ReplicationProperties.Member;
import jakarta.validation.Validation;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/** Replication addresses: required in a group, read and checked with clear errors. */
class ReplicationPropertiesTests {

    private static ReplicationProperties group(List<Member> members) {
        return new ReplicationProperties(members, 1, ReplicationProperties.InitialRole.STANDBY, Duration.ofSeconds(2), Duration.ofSeconds(5),
                Duration.ofSeconds(1), 3, Duration.ofMillis(20), 2048, 4, DataSize.ofMegabytes(64), 100_000, Duration.ofSeconds(30), DataSize.ofMegabytes(64), null);
    }

    private static Member member(String id, String replication) {
        return new Member(id, URI.create("http://127.0.0.1:8091"), replication);
    }

    @Test
    void aGroupWhoseMembersAllNameAReplicationAddressReplicates() {
        assertThat(group(List.of(member("a", "127.0.0.1:8191"), member("b", "backup-2.internal:8192"))).replicates()).isTrue();
        assertThat(member("b", "backup-2.internal:8192").replicationAddress().getHostString()).isEqualTo("backup-2.internal");
        assertThat(member("b", "backup-2.internal:8192").replicationAddress().getPort()).isEqualTo(8192);
    }

    @Test
    void aGroupMemberWithoutAReplicationAddressIsAConfigurationError() {
        assertThatThrownBy(() -> group(List.of(member("a", "127.0.0.1:8191"), member("b", null))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("member b has no replication address");
        assertThat(group(List.of(member("a", null))).replicates()).as("a group of one needs none and replicates nothing").isFalse();
        assertThatThrownBy(() -> member("b", null).replicationAddress()).hasMessageContaining("member b has no replication address");
    }

    @Test
    void aMalformedReplicationAddressIsRefusedWithItsField() {
        try (var factory = Validation.buildDefaultValidatorFactory()) {
            var validator = factory.getValidator();
            for (String bad : List.of("127.0.0.1", "host:port", "tcp://h:1", "h :1", "h:123456")) {
                assertThat(validator.validate(member("a", bad)))
                        .as(bad)
                        .anySatisfy(v -> assertThat(v.getMessage()).isEqualTo("must be host:port"));
            }
            assertThat(validator.validate(member("a", "127.0.0.1:8191"))).isEmpty();
        }
        assertThatThrownBy(() -> member("a", "h:99999").replicationAddress()).hasMessageContaining("out of range");
    }
}
