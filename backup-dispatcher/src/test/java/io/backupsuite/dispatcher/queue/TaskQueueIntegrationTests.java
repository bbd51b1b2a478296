package io.backupsuite.dispatcher.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.backupsuite.common.wire.TaskProgress;
import io.backupsuite.dispatcher.TestInfra;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.core.StringRedisTemplate;

/** The queue engine's scripts against a real Redis; each test has a namespace of its own. */
class TaskQueueIntegrationTests {

    private final StringRedisTemplate redis = TestInfra.template();
    private String namespace;
    private TaskQueue queue;

    @BeforeEach
    void setUp() {
        namespace = "t-" + UUID.randomUUID();
        queue = new TaskQueue(redis, QueueSettings.defaults(namespace).withMaxAttempts(3));
    }

    static NewTask task(String key) {
        String sha = "%064x".formatted(Math.abs((long) key.hashCode()));
        String json = "{\"objectKey\":\"" + key + "\",\"size\":4,\"sha256\":\"" + sha + "\",\"sources\":[\"http://h/x\"]}";
        return new NewTask(key, sha, 4, json);
    }

    private ClaimedTask claimOne() {
        List<ClaimedTask> tasks = queue.claim(1).tasks();
        assertThat(tasks).hasSize(1);
        return tasks.get(0);
    }

    private TaskView view(String id) {
        return queue.find(id).orElseThrow();
    }

    @Test
    void fullLifecycleEndsDoneAndExpiresAfterTheRetention() {
        EnqueueResult enqueued = queue.enqueue(List.of(task("a/1"))).get(0);
        assertThat(enqueued.created()).isTrue();
        assertThat(enqueued.status()).isEqualTo(TaskStatus.PENDING);
        assertThat(enqueued.taskId()).isEqualTo(TaskIds.of("a/1", task("a/1").sha256()));

        ClaimedTask claimed = claimOne();
        assertThat(claimed.attempt()).isEqualTo(1);
        assertThat(claimed.attemptToken()).startsWith("1-");
        assertThat(claimed.notificationJson()).contains("a/1");
        assertThat(view(claimed.taskId()).status()).isEqualTo(TaskStatus.WORKING);
        assertThat(queue.stats().working()).isEqualTo(1);

        var result = queue.complete(List.of(Completion.succeeded(claimed.taskId(), claimed.attemptToken()))).get(0);
        assertThat(result.outcome()).isEqualTo(CompletionResult.Outcome.DONE);
        TaskView done = view(claimed.taskId());
        assertThat(done.status()).isEqualTo(TaskStatus.DONE);
        // read from the stored notification, not from fields of their own
        assertThat(done).extracting(TaskView::objectKey, TaskView::sha256, TaskView::size)
                .containsExactly("a/1", task("a/1").sha256(), 4L);
        assertThat(done.doneAtMillis()).isEqualTo(result.serverTimeMillis());
        assertThat(done.updatedAtMillis()).isEqualTo(done.doneAtMillis());
        assertThat(done.createdAtMillis()).isLessThanOrEqualTo(done.doneAtMillis());
        assertThat(queue.stats()).isEqualTo(new QueueStats(0, 0, 0, 0, 0));
        assertThat(redis.getExpire("{" + namespace + "}:task:" + claimed.taskId())).isBetween(6L * 86400, 7L * 86400);
    }

    @Test
    void enqueueIsIdempotentAcrossCallsAndWithinABatch() {
        List<EnqueueResult> first = queue.enqueue(List.of(task("k1"), task("k2"), task("k1")));
        assertThat(first).extracting(EnqueueResult::created).containsExactly(true, true, false);
        assertThat(first.get(2).taskId()).isEqualTo(first.get(0).taskId());

        ClaimedTask claimed = claimOne();
        EnqueueResult again = queue.enqueue(List.of(task("k1"))).get(0);
        assertThat(again.created()).isFalse();
        assertThat(again.taskId()).isEqualTo(claimed.taskId());
        assertThat(again.status()).isEqualTo(TaskStatus.WORKING);
        assertThat(queue.stats().pending()).isEqualTo(1);
    }

    /** Reports progress for the attempt, as a worker does when it starts it. */
    private void start(ClaimedTask attempt) {
        assertThat(queue.renew(List.of(new Renewal(attempt.taskId(), attempt.attemptToken(), 0, 4, "s", "w")))).containsExactly(true);
    }

    private void expire() {
        await().atMost(Duration.ofSeconds(5)).until(() -> queue.promoteDue().requeued() == 1);
    }

    @Test
    void aStaleTokenCannotCloseAReleasedTask() {
        queue = new TaskQueue(redis, QueueSettings.defaults(namespace).withLease(Duration.ofMillis(100)));
        String id = queue.enqueue(List.of(task("slow"))).get(0).taskId();
        ClaimedTask first = claimOne();
        expire(); // never started: the same attempt number comes again, under a new token
        ClaimedTask second = claimOne();
        assertThat(second.attempt()).isEqualTo(1);
        assertThat(second.attemptToken()).isNotEqualTo(first.attemptToken());
        start(second);
        expire();
        ClaimedTask third = claimOne();
        assertThat(third.attempt()).isEqualTo(2);

        for (ClaimedTask stale : List.of(first, second)) {
            var late = queue.complete(List.of(Completion.succeeded(id, stale.attemptToken()))).get(0);
            assertThat(late.outcome()).isEqualTo(CompletionResult.Outcome.STALE);
            assertThat(queue.renew(List.of(new Renewal(id, stale.attemptToken(), 1, 4, "s", "w")))).containsExactly(false);
        }
        assertThat(view(id).status()).isEqualTo(TaskStatus.WORKING);

        var current = queue.complete(List.of(Completion.succeeded(id, third.attemptToken()))).get(0);
        assertThat(current.outcome()).isEqualTo(CompletionResult.Outcome.DONE);
    }

    @Test
    void anExpiredLeaseOfAStartedAttemptIsRedeliveredAndCountsAsAnAttempt() {
        queue = new TaskQueue(redis, QueueSettings.defaults(namespace).withLease(Duration.ofMillis(200)));
        String id = queue.enqueue(List.of(task("expire"))).get(0).taskId();
        start(claimOne());
        assertThat(queue.promoteDue().requeued()).isZero();
        await().atMost(Duration.ofSeconds(5)).until(() -> queue.promoteDue().requeued() == 1);
        TaskView view = view(id);
        assertThat(view.status()).isEqualTo(TaskStatus.PENDING);
        assertThat(view.attempts()).isEqualTo(1);
        assertThat(view.errors()).containsExactly("attempt 1: lease expired");
        assertThat(claimOne().attempt()).isEqualTo(2);
    }

    @Test
    void startedAttemptsWhoseLeasesExpireUseUpTheBudget() {
        queue = new TaskQueue(redis, QueueSettings.defaults(namespace).withLease(Duration.ofMillis(100)).withMaxAttempts(2));
        String id = queue.enqueue(List.of(task("crashing"))).get(0).taskId();
        start(claimOne());
        expire();
        claimOne(); // lost before it started: does not count
        expire();
        start(claimOne());
        await().atMost(Duration.ofSeconds(5)).until(() -> queue.promoteDue().dead() == 1);
        TaskView dead = view(id);
        assertThat(dead.status()).isEqualTo(TaskStatus.DEAD);
        assertThat(dead.attempts()).isEqualTo(2);
        assertThat(dead.unstartedExpiries()).isEqualTo(1);
        assertThat(dead.errors()).containsExactly("attempt 1: lease expired", "attempt 2: lease expired");
    }

    @Test
    void leasesThatExpireBeforeTheAttemptStartedDoNotUseUpTheBudget() {
        queue = new TaskQueue(redis, QueueSettings.defaults(namespace).withLease(Duration.ofMillis(100)).withMaxAttempts(2));
        String id = queue.enqueue(List.of(task("backlogged"))).get(0).taskId();
        for (int i = 1; i <= 5; i++) {
            ClaimedTask claimed = claimOne();
            assertThat(claimed.attempt()).isEqualTo(1);
            Promotion promotion = await().atMost(Duration.ofSeconds(5)).until(queue::promoteDue, p -> p.requeued() == 1);
            assertThat(promotion.unstarted()).isEqualTo(1);
            assertThat(promotion.dead()).isZero();
            TaskView view = view(id);
            assertThat(view.status()).isEqualTo(TaskStatus.PENDING);
            assertThat(view.attempts()).isZero();
            assertThat(view.unstartedExpiries()).isEqualTo(i);
            assertThat(view.errors()).isEmpty();
            assertThat(view.lastError()).isNull();
        }
        ClaimedTask claimed = claimOne();
        start(claimed);
        assertThat(queue.complete(List.of(Completion.succeeded(id, claimed.attemptToken()))).get(0).outcome())
                .isEqualTo(CompletionResult.Outcome.DONE);
    }

    @Test
    void unstartedExpiriesCountAsFailuresOnceTheirAllowanceIsUsedUp() {
        queue = new TaskQueue(redis, QueueSettings.defaults(namespace).withLease(Duration.ofMillis(50)).withMaxAttempts(1));
        assertThat(queue.settings().maxUnstartedExpiries()).isEqualTo(10);
        String id = queue.enqueue(List.of(task("kills-workers"))).get(0).taskId();
        for (int i = 0; i < 10; i++) {
            claimOne();
            expire();
        }
        claimOne();
        await().atMost(Duration.ofSeconds(5)).until(() -> queue.promoteDue().dead() == 1);
        TaskView dead = view(id);
        assertThat(dead.status()).isEqualTo(TaskStatus.DEAD);
        assertThat(dead.unstartedExpiries()).isEqualTo(10);
        assertThat(dead.errors()).containsExactly("attempt 1: lease expired before the attempt started (after 10 such expiries)");

        assertThat(queue.retry(id).outcome()).isEqualTo(RetryResult.Outcome.RETRIED);
        assertThat(view(id).unstartedExpiries()).isZero();
        assertThat(claimOne().attempt()).isEqualTo(1);
    }

    @Test
    void progressRenewsTheLeaseAndIsStored() {
        queue = new TaskQueue(redis, QueueSettings.defaults(namespace).withLease(Duration.ofSeconds(30)));
        String id = queue.enqueue(List.of(task("progress"))).get(0).taskId();
        ClaimedTask claimed = claimOne();
        Promotion before = queue.promoteDue();
        assertThat(queue.renew(List.of(new Renewal(id, claimed.attemptToken(), 2, 4, "http://h/x", "w1"))))
                .containsExactly(true);
        Promotion after = queue.promoteDue();
        assertThat(after.nextDueMillis()).isGreaterThanOrEqualTo(before.nextDueMillis());
        assertThat(view(id).progress()).isEqualTo(new TaskView.Progress(2, 4, "http://h/x", "w1"));
    }

    @Test
    void progressKeepsChunksAndABoundedRangeHistory() {
        String id = queue.enqueue(List.of(task("ranges"))).get(0).taskId();
        ClaimedTask claimed = claimOne();
        List<TaskProgress.ServedRange> ranges = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            ranges.add(new TaskProgress.ServedRange(i % 2 == 0 ? "http://a/x" : "http://b/x", i, i + 1));
        }

        queue.renew(List.of(new Renewal(id, claimed.attemptToken(), 100, 100, "http://b/x", "w1", 7, ranges)));

        TaskView.Progress progress = view(id).progress();
        assertThat(progress.chunksVerified()).isEqualTo(7);
        assertThat(progress.ranges()).hasSize(TaskProgress.MAX_RANGES)
                .endsWith(new TaskProgress.ServedRange("http://b/x", 99, 100));
    }

    @Test
    void aFailureWaitsInTheDelayQueueUntilItsRetryTime() {
        String id = queue.enqueue(List.of(task("flaky"))).get(0).taskId();
        ClaimedTask claimed = claimOne();
        var failed = queue.complete(List.of(Completion.failed(id, claimed.attemptToken(), "io: reset", Duration.ofMillis(400))));
        assertThat(failed.get(0).outcome()).isEqualTo(CompletionResult.Outcome.DELAYED);
        assertThat(view(id).status()).isEqualTo(TaskStatus.DELAYED);
        assertThat(queue.stats().delay()).isEqualTo(1);

        Promotion early = queue.promoteDue();
        assertThat(early.promoted()).isZero();
        assertThat(early.millisUntilNextDue()).isBetween(1L, 400L);
        await().atMost(Duration.ofSeconds(5)).until(() -> queue.promoteDue().promoted() == 1);
        assertThat(view(id).status()).isEqualTo(TaskStatus.PENDING);
        assertThat(claimOne().attempt()).isEqualTo(2);
    }

    @Test
    void maxAttemptsEndDeadWithEveryReasonAndRetryStartsAFreshBudget() {
        String id = queue.enqueue(List.of(task("broken"))).get(0).taskId();
        List<CompletionResult.Outcome> outcomes = new ArrayList<>();
        for (int attempt = 1; attempt <= 3; attempt++) {
            await().atMost(Duration.ofSeconds(5)).until(() -> queue.promoteDue() != null && queue.stats().pending() == 1);
            ClaimedTask claimed = claimOne();
            outcomes.add(queue.complete(List.of(Completion.failed(id, claimed.attemptToken(), "bad sha #" + attempt, Duration.ZERO)))
                    .get(0).outcome());
        }
        assertThat(outcomes).containsExactly(
                CompletionResult.Outcome.DELAYED, CompletionResult.Outcome.DELAYED, CompletionResult.Outcome.DEAD);
        TaskView dead = view(id);
        assertThat(dead.status()).isEqualTo(TaskStatus.DEAD);
        assertThat(dead.errors()).containsExactly("attempt 1: bad sha #1", "attempt 2: bad sha #2", "attempt 3: bad sha #3");
        assertThat(dead.lastError()).isEqualTo("attempt 3: bad sha #3");
        assertThat(queue.dead(10)).extracting(TaskView::taskId).containsExactly(id);

        assertThat(queue.retry(id).outcome()).isEqualTo(RetryResult.Outcome.RETRIED);
        assertThat(queue.stats().dead()).isZero();
        ClaimedTask again = claimOne();
        assertThat(again.attempt()).isEqualTo(1);
        assertThat(view(id).errors()).hasSize(3);
    }

    @Test
    void retryRefusesTasksThatAreNotDeadOrUnknown() {
        String id = queue.enqueue(List.of(task("alive"))).get(0).taskId();
        assertThat(queue.retry(id)).isEqualTo(new RetryResult(RetryResult.Outcome.NOT_DEAD, TaskStatus.PENDING));
        assertThat(queue.retry("0".repeat(32)).outcome()).isEqualTo(RetryResult.Outcome.NOT_FOUND);
        assertThat(queue.retry("not-an-id").outcome()).isEqualTo(RetryResult.Outcome.NOT_FOUND);
    }

    @Test
    void claimsNeverExceedTheInFlightCap() {
        queue = new TaskQueue(redis, QueueSettings.defaults(namespace).withMaxInFlight(5));
        queue.enqueue(IntStream.range(0, 8).mapToObj(i -> task("cap/" + i)).toList());
        assertThat(queue.claim(100).tasks()).hasSize(5);
        assertThat(queue.claim(100).tasks()).isEmpty();
        assertThat(queue.stats()).extracting(QueueStats::pending, QueueStats::working).containsExactly(3L, 5L);
    }

    @Test
    void aClaimHonoursTheCallersLimitAndReportsHowManyAttemptsFinished() {
        queue.enqueue(IntStream.range(0, 8).mapToObj(i -> task("limit/" + i)).toList());
        Claim first = queue.claim(100, 3);
        assertThat(first.tasks()).hasSize(3);
        assertThat(first.finishedTotal()).isZero();
        assertThat(queue.claim(100, 3).tasks()).as("three in flight already").isEmpty();

        var a = first.tasks().get(0);
        var b = first.tasks().get(1);
        queue.complete(List.of(Completion.succeeded(a.taskId(), a.attemptToken()),
                Completion.failed(b.taskId(), b.attemptToken(), "io: reset", Duration.ofMinutes(5)),
                Completion.succeeded(a.taskId(), a.attemptToken()))); // a stale duplicate counts once
        Claim next = queue.claim(100, 3);
        assertThat(next.finishedTotal()).isEqualTo(2);
        assertThat(next.tasks()).hasSize(2);
        assertThat(queue.claim(100, 1000).tasks()).as("a larger limit lets the rest go").hasSize(3);
    }

    @Test
    void completionsForUnknownTasksAreIgnored() {
        var result = queue.complete(List.of(Completion.succeeded("f".repeat(32), "1-x"))).get(0);
        assertThat(result.outcome()).isEqualTo(CompletionResult.Outcome.UNKNOWN);
        assertThat(queue.find("f".repeat(32))).isEmpty();
    }
}
