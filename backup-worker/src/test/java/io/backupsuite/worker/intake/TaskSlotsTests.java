package io.backupsuite.worker.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Pausing the listener when every slot is taken, resuming when one frees up. */
class TaskSlotsTests {

    @Test
    void pausesWhenFullAndResumesWhenASlotFrees() throws Exception {
        AtomicInteger pauses = new AtomicInteger();
        AtomicInteger resumes = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger maxConcurrent = new AtomicInteger();
        try (TaskSlots slots = new TaskSlots(2, 0, pauses::incrementAndGet, resumes::incrementAndGet)) {
            Runnable job = () -> {
                maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                concurrent.decrementAndGet();
            };
            slots.submit(job);
            assertThat(slots.paused()).isFalse();
            slots.submit(job);
            slots.submit(job); // one poll may bring more than the free slots; it waits, the listener does not
            assertThat(slots.paused()).isTrue();
            assertThat(slots.inFlight()).isEqualTo(3);
            assertThat(pauses).hasValue(1);
            await().until(() -> concurrent.get() == 2); // both slots busy, the third job queued
            release.countDown();
            await().until(() -> slots.inFlight() == 0);
            assertThat(slots.paused()).isFalse();
            assertThat(resumes).hasValue(1);
            assertThat(maxConcurrent).hasValue(2);
        }
    }

    @Test
    void aBacklogKeepsTheListenerRunningUntilItIsFullAndResumesAtHalf() throws Exception {
        AtomicInteger pauses = new AtomicInteger();
        AtomicInteger resumes = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        try (TaskSlots slots = new TaskSlots(1, 4, pauses::incrementAndGet, resumes::incrementAndGet)) {
            Runnable job = () -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            };
            for (int i = 0; i < 4; i++) {
                slots.submit(job);
            }
            assertThat(slots.paused()).as("1 running + 3 waiting of a backlog of 4").isFalse();
            slots.submit(job);
            assertThat(slots.paused()).isTrue();
            assertThat(pauses).hasValue(1);
            release.countDown();
            await().until(() -> slots.inFlight() == 0);
            assertThat(slots.paused()).isFalse();
            assertThat(resumes).hasValue(1);
        }
    }
}
