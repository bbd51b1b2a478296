package io.backupsuite.dispatcher.results;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupsuite.dispatcher.DispatcherProperties.Jitter;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTests {

    private static final Duration BASE = Duration.ofSeconds(1);
    private static final Duration MAX = Duration.ofMinutes(5);

    @Test
    void doublesFromTheBaseUpToTheMaximum() {
        Backoff backoff = new Backoff(BASE, MAX, Jitter.NONE);
        assertThat(backoff.after(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.after(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(backoff.after(5)).isEqualTo(Duration.ofSeconds(16));
        assertThat(backoff.after(9)).isEqualTo(Duration.ofSeconds(256));
        assertThat(backoff.after(10)).isEqualTo(MAX);
        assertThat(backoff.after(1000)).isEqualTo(MAX);
    }

    @Test
    void fullJitterSpansZeroToTheDelayAndEqualJitterKeepsAtLeastHalf() {
        assertThat(new Backoff(BASE, MAX, Jitter.FULL, bound -> 0).after(3)).isEqualTo(Duration.ZERO);
        assertThat(new Backoff(BASE, MAX, Jitter.FULL, bound -> bound).after(3)).isEqualTo(Duration.ofSeconds(4));
        assertThat(new Backoff(BASE, MAX, Jitter.EQUAL, bound -> 0).after(3)).isEqualTo(Duration.ofSeconds(2));
        assertThat(new Backoff(BASE, MAX, Jitter.EQUAL, bound -> bound).after(3)).isEqualTo(Duration.ofSeconds(4));
        Backoff real = new Backoff(BASE, MAX, Jitter.EQUAL);
        for (int i = 0; i < 100; i++) {
            assertThat(real.after(4)).isBetween(Duration.ofSeconds(4), Duration.ofSeconds(8));
        }
    }

    @Test
    void readsTheAttemptFromTheToken() {
        assertThat(Backoff.attemptOf("3-abcdef")).isEqualTo(3);
        assertThat(Backoff.attemptOf("garbage")).isEqualTo(1);
        assertThat(Backoff.attemptOf("x-1")).isEqualTo(1);
    }
}
