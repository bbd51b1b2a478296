package io.backupsuite.dispatcher.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WakeSignalTests {

    @Test
    void aSignalBeforeTheWaitIsNotLostAndIsConsumedOnce() {
        WakeSignal signal = new WakeSignal();
        signal.signal();
        signal.signal();
        assertThat(signal.await(10_000)).isTrue();
        assertThat(signal.await(1)).isFalse();
    }

    @Test
    void aSignalWakesAWaitingThread() throws Exception {
        WakeSignal signal = new WakeSignal();
        CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> signal.await(30_000));
        signal.signal(); // before or during the wait: either way the waiter returns woken
        assertThat(waiter.get(10, TimeUnit.SECONDS)).isTrue();
    }
}
