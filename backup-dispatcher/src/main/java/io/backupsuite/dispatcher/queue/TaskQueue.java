package io.backupsuite.dispatcher.queue;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The backup task queue of M4 on Redis: pending list, working set scored by lease deadline, delay
 * set scored by retry time, dead list and a hash per task. Every state transition is one Lua
 * script (sent as EVALSHA, re-sent as EVAL after a Redis restart), so any number of dispatchers
 * can share a queue without a leader and without check-then-act races. Times come from the Redis
 * clock, so dispatchers with skewed clocks still agree on deadlines.
 *
 * <p>Durability is Redis's: run it with AOF {@code appendfsync always} and a call that returned
 * has been written to disk, so an acknowledged enqueue survives {@code kill -9} of Redis.
 *
 * <p>Usable without Spring: {@link #connect(RedisConnectionFactory, QueueSettings)}.
 */
public final class TaskQueue {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final RedisScript<List> ENQUEUE = script("enqueue.lua");
    private static final RedisScript<List> CLAIM = script("claim.lua");
    private static final RedisScript<List> PROMOTE = script("promote.lua");
    private static final RedisScript<List> COMPLETE = script("complete.lua");
    private static final RedisScript<List> RENEW = script("renew.lua");
    private static final RedisScript<List> RETRY = script("retry.lua");
    private static final RedisScript<List> READ = script("read.lua");
    private static final RedisScript<List> STATS = script("stats.lua");

    private final StringRedisTemplate redis;
    private final QueueSettings settings;
    private final QueueKeys keys;
    private final QueueMetrics metrics;
    private final List<Runnable> wakeListeners = new CopyOnWriteArrayList<>();

    public TaskQueue(StringRedisTemplate redis, QueueSettings settings, MeterRegistry meters) {
        this.redis = redis;
        this.settings = settings;
        this.keys = QueueKeys.of(settings.namespace());
        this.metrics = new QueueMetrics(meters);
    }

    public TaskQueue(StringRedisTemplate redis, QueueSettings settings) {
        this(redis, settings, new SimpleMeterRegistry());
    }

    /** A queue on an initialised connection factory, e.g. a started {@code LettuceConnectionFactory}. */
    public static TaskQueue connect(RedisConnectionFactory factory, QueueSettings settings) {
        return new TaskQueue(new StringRedisTemplate(factory), settings);
    }

    public QueueSettings settings() {
        return settings;
    }

    /** The pub/sub channel on which enqueue, failure and retry announce work to every dispatcher. */
    public String wakeChannel() {
        return keys.wake();
    }

    /** Runs {@code listener} in this process whenever this facade made work ready or freed capacity. */
    public void onWake(Runnable listener) {
        wakeListeners.add(listener);
    }

    /** Enqueues a batch in one script call; duplicates (by task id) keep their existing task and status. */
    public List<EnqueueResult> enqueue(List<NewTask> tasks) {
        if (tasks.isEmpty()) {
            return List.of();
        }
        // objectKey, sha256 and size travel inside the notification: fewer arguments, smaller hashes
        List<String> ids = new ArrayList<>(tasks.size());
        List<String> args = args(1 + tasks.size() * 2);
        args.add(Integer.toString(tasks.size()));
        for (NewTask task : tasks) {
            String id = task.taskId();
            ids.add(id);
            args.add(id);
            args.add(task.notificationJson());
        }
        List<Object> out = run(ENQUEUE, args);
        List<EnqueueResult> results = new ArrayList<>(tasks.size());
        int created = 0;
        for (int i = 0; i < tasks.size(); i++) {
            String answer = (String) out.get(i + 1);
            boolean isNew = answer.equals("CREATED");
            created += isNew ? 1 : 0;
            results.add(new EnqueueResult(ids.get(i), isNew ? TaskStatus.PENDING : TaskStatus.valueOf(answer), isNew));
        }
        metrics.outcome("accepted", created);
        metrics.outcome("duplicate", results.size() - created);
        if (created > 0) {
            wakeLocal();
        }
        return results;
    }

    /** Leases up to {@code maxCount} pending tasks, never more than {@code maxInFlight} in working. */
    public Claim claim(int maxCount) {
        return claim(maxCount, settings.maxInFlight());
    }

    /** Leases up to {@code maxCount} pending tasks, never more than {@code inFlightLimit} (at most {@code maxInFlight}) in working. */
    public Claim claim(int maxCount, int inFlightLimit) {
        byte[] nonce = new byte[8];
        RANDOM.nextBytes(nonce);
        String nonceHex = HexFormat.of().formatHex(nonce);
        List<String> args = args(4);
        args.add(Integer.toString(maxCount));
        args.add(Integer.toString(Math.min(inFlightLimit, settings.maxInFlight())));
        args.add(Long.toString(settings.leaseDuration().toMillis()));
        args.add(nonceHex);
        List<Object> out = run(CLAIM, args);
        List<ClaimedTask> tasks = new ArrayList<>((out.size() - 2) / 5);
        for (int i = 2; i < out.size(); i += 5) {
            int attempt = (int) num(out.get(i + 1));
            tasks.add(new ClaimedTask(
                    (String) out.get(i),
                    attempt + "-" + nonceHex, // as claim.lua builds it
                    attempt,
                    (String) out.get(i + 2),
                    num(out.get(i + 3)),
                    num(out.get(i + 4))));
        }
        return new Claim(num(out.get(0)), settings.leaseDuration().toMillis(), num(out.get(1)), tasks);
    }

    /**
     * Moves expired leases back to pending (or to dead) and due retries to pending. An expired
     * lease of an attempt that never reported progress does not use up an attempt, up to {@link
     * QueueSettings#maxUnstartedExpiries()} times.
     */
    public Promotion promoteDue() {
        List<String> args = args(3);
        args.add(Integer.toString(settings.maxAttempts()));
        args.add(Integer.toString(settings.promoteBatchSize()));
        args.add(Integer.toString(settings.maxUnstartedExpiries()));
        List<Object> out = run(PROMOTE, args);
        int requeued = (int) num(out.get(1));
        int dead = (int) num(out.get(2));
        int promoted = (int) num(out.get(3));
        int unstarted = (int) num(out.get(5));
        metrics.outcome("expired", requeued + dead);
        metrics.outcome("dead", dead);
        metrics.retry("lease-expired", requeued - unstarted);
        metrics.retry("lease-expired-unstarted", unstarted);
        boolean limitReached = Math.max(requeued + dead, promoted) >= settings.promoteBatchSize();
        return new Promotion(num(out.get(0)), requeued, unstarted, dead, promoted, num(out.get(4)), limitReached);
    }

    /** Applies a batch of attempt outcomes in one script call; stale tokens are reported, not applied. */
    public List<CompletionResult> complete(List<Completion> completions) {
        if (completions.isEmpty()) {
            return List.of();
        }
        List<String> args = args(3 + completions.size() * 3);
        args.add(Integer.toString(settings.maxAttempts()));
        args.add(Long.toString(settings.doneRetention().toSeconds()));
        args.add(Integer.toString(completions.size()));
        for (Completion c : completions) {
            args.add(c.taskId());
            args.add(c.attemptToken());
            args.add(c.succeeded()
                    ? ""
                    : Math.max(0, c.retryDelay().toMillis()) + ":" + (c.error() == null ? "failed" : c.error()));
        }
        List<Object> out = run(COMPLETE, args);
        long now = num(out.get(0));
        List<CompletionResult> results = new ArrayList<>(completions.size());
        for (int k = 0; k < completions.size(); k++) {
            int i = 1 + k * 3;
            var outcome = CompletionResult.Outcome.valueOf((String) out.get(i));
            var result = new CompletionResult(
                    completions.get(k).taskId(), outcome, (int) num(out.get(i + 1)), num(out.get(i + 2)), now);
            results.add(result);
            record(result);
        }
        if (results.stream().anyMatch(r -> r.outcome() != CompletionResult.Outcome.STALE
                && r.outcome() != CompletionResult.Outcome.UNKNOWN)) {
            wakeLocal(); // capacity in working was freed, or a retry was scheduled
        }
        return results;
    }

    private void record(CompletionResult result) {
        switch (result.outcome()) {
            case DONE -> {
                metrics.outcome("done", 1);
                metrics.done(result.serverTimeMillis() - result.createdAtMillis());
            }
            case DELAYED -> {
                metrics.outcome("failed", 1);
                metrics.retry("failure", 1);
            }
            case DEAD -> {
                metrics.outcome("failed", 1);
                metrics.outcome("dead", 1);
            }
            case STALE, UNKNOWN -> metrics.outcome("stale", 1);
        }
    }

    /** Renews the leases of current attempts and stores their progress; returns which were renewed. */
    public List<Boolean> renew(List<Renewal> renewals) {
        if (renewals.isEmpty()) {
            return List.of();
        }
        List<String> args = args(2 + renewals.size() * 8);
        args.add(Long.toString(settings.leaseDuration().toMillis()));
        args.add(Integer.toString(renewals.size()));
        for (Renewal r : renewals) {
            args.add(r.taskId());
            args.add(r.attemptToken());
            args.add(Long.toString(r.bytesDone()));
            args.add(Long.toString(r.totalBytes()));
            args.add(r.source());
            args.add(r.workerId());
            args.add(Integer.toString(r.chunksVerified()));
            args.add(TaskViews.encodeRanges(r.ranges()));
        }
        List<Object> out = run(RENEW, args);
        List<Boolean> renewed = new ArrayList<>(renewals.size());
        for (int i = 1; i < out.size(); i++) {
            renewed.add(num(out.get(i)) == 1);
        }
        return renewed;
    }

    /** Puts a DEAD task back into pending with a fresh attempt budget; its error history stays. */
    public RetryResult retry(String taskId) {
        if (!TaskIds.isWellFormed(taskId)) {
            return new RetryResult(RetryResult.Outcome.NOT_FOUND, null);
        }
        List<String> args = args(1);
        args.add(taskId);
        String answer = (String) run(RETRY, args).get(1);
        return switch (answer) {
            case "RETRIED" -> {
                metrics.retry("operator", 1);
                wakeLocal();
                yield new RetryResult(RetryResult.Outcome.RETRIED, null);
            }
            case "NOT_FOUND" -> new RetryResult(RetryResult.Outcome.NOT_FOUND, null);
            default -> new RetryResult(RetryResult.Outcome.NOT_DEAD, TaskStatus.valueOf(answer));
        };
    }

    public Optional<TaskView> find(String taskId) {
        if (!TaskIds.isWellFormed(taskId)) {
            return Optional.empty();
        }
        List<String> args = args(3);
        args.add("ids");
        args.add("0");
        args.add(taskId);
        return TaskViews.parse(run(READ, args)).stream().findFirst();
    }

    /** The first {@code limit} dead tasks, oldest first. */
    public List<TaskView> dead(int limit) {
        List<String> args = args(2);
        args.add("dead");
        args.add(Integer.toString(Math.max(1, limit)));
        return TaskViews.parse(run(READ, args));
    }

    /** Up to {@code limit} tasks in {@code working} (transfers in flight), the earliest lease deadline first. */
    public List<TaskView> working(int limit) {
        List<String> args = args(2);
        args.add("working");
        args.add(Integer.toString(Math.max(1, limit)));
        return TaskViews.parse(run(READ, args));
    }

    public QueueStats stats() {
        List<Object> out = redis.execute(STATS, keys.scriptKeys(), keys.taskPrefix());
        long now = num(out.get(0));
        long oldest = num(out.get(5));
        return new QueueStats(
                num(out.get(1)), num(out.get(2)), num(out.get(3)), num(out.get(4)), oldest < 0 ? 0 : Math.max(0, now - oldest));
    }

    private List<String> args(int extra) {
        List<String> args = new ArrayList<>(3 + extra);
        args.add(keys.taskPrefix());
        args.add(keys.errorsPrefix());
        args.add(keys.wake());
        return args;
    }

    @SuppressWarnings("unchecked")
    private List<Object> run(RedisScript<List> script, List<String> args) {
        List<Object> out = redis.execute(script, keys.scriptKeys(), args.toArray());
        if (out == null) {
            throw new IllegalStateException("Redis returned no reply to a queue script");
        }
        return out;
    }

    private void wakeLocal() {
        wakeListeners.forEach(Runnable::run);
    }

    static long num(Object value) {
        return value instanceof Number n ? n.longValue() : Long.parseLong(value.toString());
    }

    private static RedisScript<List> script(String name) {
        return RedisScript.of(new ClassPathResource(name, TaskQueue.class), List.class);
    }
}
