package io.backupsuite.worker.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/** Host slots, the disk guard and the bandwidth bucket, without a network or a full disk. */
class TransferLimitsTests {

    private final AtomicLong free = new AtomicLong(10_000);

    private TransferLimits limits(int perHost, Duration hostWait, long minFree) {
        var properties = new LimitsProperties(DataSize.ofBytes(0), perHost, hostWait, DataSize.ofBytes(minFree));
        return new TransferLimits(properties, free::get, new SimpleMeterRegistry());
    }

    @Test
    void aBusyHostRefusesAfterTheWaitButOtherHostsStillPass() throws Exception {
        TransferLimits limits = limits(1, Duration.ofMillis(50), 0);
        try (Permit first = limits.enterHost("http://src.example:8070/files/a")) {
            assertThatThrownBy(() -> limits.enterHost("http://SRC.example:8070/files/b"))
                    .isInstanceOfSatisfying(LimitException.class, e -> {
                        assertThat(e.kind()).isEqualTo(LimitException.Kind.SOURCE_BUSY);
                        assertThat(e.getMessage()).contains("src.example:8070");
                    });
            limits.enterHost("http://src.example:8071/files/a").close(); // another port is another host
            limits.enterHost("http://other.example/files/a").close();
        }
        limits.enterHost("http://src.example:8070/files/b").close(); // released
    }

    @Test
    void closingAPermitTwiceReleasesOneSlot() throws Exception {
        TransferLimits limits = limits(2, Duration.ZERO, 0);
        Permit a = limits.enterHost("http://h/x");
        Permit b = limits.enterHost("http://h/x");
        a.close();
        a.close();
        Permit c = limits.enterHost("http://h/x");
        assertThatThrownBy(() -> limits.enterHost("http://h/x")).isInstanceOf(LimitException.class);
        b.close();
        c.close();
    }

    @Test
    void raisingTheLimitAtRuntimeWakesAWaitingTransfer() throws Exception {
        TransferLimits limits = limits(1, Duration.ofMinutes(5), 0);
        Permit held = limits.enterHost("http://h/x");
        CompletableFuture<Permit> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return limits.enterHost("http://h/y");
            } catch (LimitException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(waiting).isNotDone();
        limits.update(new LimitsUpdate(null, 2, null));
        await().atMost(Duration.ofSeconds(30)).until(waiting::isDone);
        assertThat(limits.view().perHostConcurrency()).isEqualTo(2);
        waiting.join().close();
        held.close();
    }

    @Test
    void theDiskGuardCountsReservationsOfRunningTransfersAndTheThreshold() throws Exception {
        TransferLimits limits = limits(8, Duration.ZERO, 1_000); // 10,000 free, 1,000 must stay free
        Permit big = limits.reserveDisk(8_000);
        assertThat(limits.view().reservedBytes()).isEqualTo(8_000);
        assertThatThrownBy(() -> limits.reserveDisk(1_001))
                .isInstanceOfSatisfying(LimitException.class, e -> {
                    assertThat(e.kind()).isEqualTo(LimitException.Kind.DISK_FULL);
                    assertThat(e.getMessage()).contains("1001", "10000", "8000", "1000");
                });
        limits.reserveDisk(1_000).close(); // exactly down to the threshold is allowed
        big.close();
        limits.reserveDisk(9_000).close();
        assertThat(limits.view().reservedBytes()).isZero();
    }

    @Test
    void belowTheThresholdNoWorkIsAcceptedUntilSpaceReturnsOrTheThresholdIsLowered() throws Exception {
        TransferLimits limits = limits(8, Duration.ZERO, 1_000);
        free.set(999);
        assertThat(limits.acceptingWork()).isFalse();
        assertThatThrownBy(() -> limits.reserveDisk(0)).isInstanceOf(LimitException.class);
        limits.update(new LimitsUpdate(null, null, 500L));
        assertThat(limits.acceptingWork()).isTrue();
        limits.reserveDisk(499).close();
        free.set(5_000);
        limits.reserveDisk(4_500).close();
    }

    @Test
    void withoutABandwidthLimitThrottlingNeverWaits() throws Exception {
        BandwidthLimit unlimited = new BandwidthLimit(0);
        assertThat(unlimited.limited()).isFalse();
        unlimited.take(Long.MAX_VALUE); // would block for ages with any limit
    }

    @Test
    void theBandwidthCanBeSetChangedAndRemovedAtRuntime() throws Exception {
        TransferLimits limits = limits(8, Duration.ZERO, 0);
        assertThat(limits.update(new LimitsUpdate(1_048_576L, null, null)).bandwidthBytesPerSecond()).isEqualTo(1_048_576);
        limits.throttle(65_536); // within the first second's burst
        assertThat(limits.update(new LimitsUpdate(65_536L, null, null)).bandwidthBytesPerSecond()).isEqualTo(65_536);
        assertThat(limits.update(new LimitsUpdate(0L, null, null)).bandwidthBytesPerSecond()).isZero();
        limits.throttle(Long.MAX_VALUE);
    }

    @Test
    void settingsRefuseABandwidthTooLowToBeUseful() {
        assertThatThrownBy(() -> new LimitsProperties(DataSize.ofKilobytes(1), 8, Duration.ZERO, DataSize.ofBytes(0)))
                .hasMessageContaining("at least 64KB");
    }

    @Test
    void hostsAreComparedByHostAndEffectivePort() {
        assertThat(HostSlots.hostPort("http://Example.COM/a")).isEqualTo("example.com:80");
        assertThat(HostSlots.hostPort("https://example.com/a")).isEqualTo("example.com:443");
        assertThat(HostSlots.hostPort("http://10.0.0.5:8070/a?b")).isEqualTo("10.0.0.5:8070");
        assertThat(HostSlots.hostPort("not a url")).isEqualTo("not a url");
    }
}
