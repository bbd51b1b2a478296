package io.backupsuite.worker.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CommitBudgetTests {

    private final CommitBudget budget = new CommitBudget(30L << 20, 20); // 30 MiB, a step of 20 ms

    @Test
    void smallBlobsBarelyTouchTheBudgetAndGiveItBack() throws Exception {
        try (var share = budget.take(4096, () -> { })) {
            assertThat(budget.availableKib()).isEqualTo((30 << 10) - 4);
        }
        assertThat(budget.availableKib()).isEqualTo(30 << 10);
    }

    @Test
    void aWriteBeyondTheBudgetWaitsIsToldItWaitsAndGoesOnWhenRoomIsGiven() throws Exception {
        var first = budget.take(20L << 20, () -> { });
        AtomicInteger told = new AtomicInteger();
        var second = CompletableFuture.supplyAsync(() -> {
            try {
                return budget.take(20L << 20, told::incrementAndGet);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });

        await().atMost(Duration.ofSeconds(5)).until(() -> told.get() >= 3);
        assertThat(second).isNotDone();
        first.close();
        second.get(5, TimeUnit.SECONDS).close();
        assertThat(budget.availableKib()).isEqualTo(30 << 10);
    }

    @Test
    void aBlobLargerThanTheWholeBudgetTakesAllOfItInsteadOfWaitingForever() throws Exception {
        try (var share = budget.take(1L << 30, () -> { })) {
            assertThat(budget.availableKib()).isZero();
        }
        assertThat(budget.availableKib()).isEqualTo(30 << 10);
    }
}
