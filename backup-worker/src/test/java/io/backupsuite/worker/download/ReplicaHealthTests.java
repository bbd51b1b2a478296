package io.backupsuite.worker.download;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Source order: healthy first, then faster first, ties in the task's order; failures are forgotten. */
class ReplicaHealthTests {

    private static final String A = "http://a.test/f";
    private static final String B = "http://b.test/f";
    private static final String C = "http://c.test:8080/f";

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final ReplicaHealth health = new ReplicaHealth(Duration.ofSeconds(60), now::get);

    @Test
    void keepsTheTasksOrderWithoutHistory() {
        assertThat(health.order(List.of(B, A, C))).containsExactly(B, A, C);
    }

    @Test
    void putsRecentlyFailedHostsLastAndFasterHostsFirst() {
        health.succeeded(C, 10_000_000, 1_000_000_000L);
        health.succeeded(B, 10_000_000, 100_000_000L);
        health.failed(A);
        assertThat(health.order(List.of(A, C, B))).containsExactly(B, C, A);

        now.addAndGet(Duration.ofSeconds(61).toNanos());
        assertThat(health.order(List.of(C, A))).as("the failure is forgotten").containsExactly(C, A);
    }

    @Test
    void aHostIsItsHostAndPort() {
        health.failed("http://c.test:9090/other");
        assertThat(health.order(List.of("http://c.test:9090/f", C))).containsExactly(C, "http://c.test:9090/f");
    }
}
