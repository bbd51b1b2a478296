package io.backupsuite.bench;

import io.backupsuite.dispatcher.queue.ClaimedTask;
import io.backupsuite.dispatcher.queue.Completion;
import io.backupsuite.dispatcher.queue.CompletionResult;
import io.backupsuite.dispatcher.queue.NewTask;
import io.backupsuite.dispatcher.queue.QueueSettings;
import io.backupsuite.dispatcher.queue.TaskQueue;
import io.backupsuite.infra.RedisServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Full task lifecycles (enqueue, claim with a lease and attempt token, acknowledge as DONE)
 * through the dispatcher's {@link TaskQueue} against a local redis-server with AOF {@code
 * appendfsync always}, several pipelines at once, batched like the dispatcher batches. Then, on
 * the same server, {@code redis-benchmark} SET as the raw baseline. The last line printed is
 * {@code lifecycles_per_s=<n>}.
 */
public final class QueueEngineBenchmark {

    private static final Pattern RPS = Pattern.compile("SET: ([0-9.]+) requests per second");
    private static final Pattern COMMAND_STATS = Pattern.compile("calls=([0-9]+),usec=([0-9]+)");

    private QueueEngineBenchmark() {}

    public static void main(String[] args) throws Exception {
        int tasks = intArg(args, "--tasks", 100_000);
        int batch = intArg(args, "--batch", 1000);
        int pipelines = intArg(args, "--pipelines", 2);
        String fsync = stringArg(args, "--appendfsync", "always");
        Path dir = Files.createTempDirectory("queue-engine-bench");
        try (RedisServer redis = RedisServer.start(0, dir, fsync)) {
            System.out.println("redis-server on 127.0.0.1:" + redis.port() + " with appendonly yes, appendfsync " + fsync + ", data in " + dir);
            var connections = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", redis.port()));
            connections.afterPropertiesSet();
            connections.start();
            run(connections, "warmup", Math.min(tasks, 20_000), batch, pipelines);
            try (var c = connections.getConnection()) {
                c.serverCommands().resetConfigStats();
            }
            double rate = run(connections, "bench", tasks, batch, pipelines);
            printCommandStats(connections, tasks);
            connections.stop();

            Double plain = redisBenchmark(redis.port(), 1);
            Double pipelined = redisBenchmark(redis.port(), 16);
            System.out.printf("redis-benchmark -c 50 -n 200000 -t set: %s requests/s%n", format(plain));
            System.out.printf("redis-benchmark -c 50 -n 200000 -t set -P 16: %s requests/s%n", format(pipelined));
            if (plain != null) {
                System.out.printf("lifecycles per SET (unpipelined): %.2f%n", rate / plain);
            }
            System.out.printf("lifecycles_per_s=%d%n", Math.round(rate));
        }
        BenchFiles.deleteTree(dir);
    }

    private static double run(LettuceConnectionFactory connections, String namespace, int total, int batch, int pipelines)
            throws Exception {
        QueueSettings settings = QueueSettings.defaults(namespace + "-" + System.nanoTime())
                .withLease(Duration.ofMinutes(5))
                .withMaxInFlight(Integer.MAX_VALUE)
                .withDoneRetention(Duration.ofMinutes(10));
        TaskQueue queue = TaskQueue.connect(connections, settings);
        AtomicInteger next = new AtomicInteger();
        AtomicLong done = new AtomicLong();
        AtomicLong stale = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(pipelines);
        long start = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>();
        for (int p = 0; p < pipelines; p++) {
            futures.add(pool.submit(() -> {
                while (done.get() < total) {
                    int from = next.getAndAdd(batch);
                    if (from < total) {
                        queue.enqueue(newTasks(namespace, from, Math.min(total, from + batch)));
                    }
                    List<ClaimedTask> claimed = queue.claim(batch).tasks();
                    if (claimed.isEmpty()) {
                        Thread.onSpinWait(); // the rest is in flight in another pipeline
                        continue;
                    }
                    List<Completion> acks = claimed.stream()
                            .map(t -> Completion.succeeded(t.taskId(), t.attemptToken()))
                            .toList();
                    for (CompletionResult r : queue.complete(acks)) {
                        (r.outcome() == CompletionResult.Outcome.DONE ? done : stale).incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        double seconds = (System.nanoTime() - start) / 1e9;
        double rate = total / seconds;
        System.out.printf("%s: %d lifecycles (enqueue -> claim -> ack) in %.2f s with batch %d and %d pipelines: %.0f/s; stale=%d, queues now %s%n",
                namespace, done.get(), seconds, batch, pipelines, rate, stale.get(), queue.stats());
        return rate;
    }

    /** Where redis-server spent its time during the measured run, per lifecycle. */
    private static void printCommandStats(LettuceConnectionFactory connections, int lifecycles) {
        try (var c = connections.getConnection()) {
            var stats = c.serverCommands().info("commandstats");
            double total = 0;
            List<String> lines = new ArrayList<>();
            for (String name : stats.stringPropertyNames().stream().sorted().toList()) {
                Matcher m = COMMAND_STATS.matcher(stats.getProperty(name));
                if (m.find()) {
                    double usec = Double.parseDouble(m.group(2));
                    if (name.contains("evalsha") || name.contains("eval")) {
                        total += usec;
                    }
                    lines.add(String.format("  %-28s calls=%-9s usec/lifecycle=%.2f", name.replace("cmdstat_", ""), m.group(1), usec / lifecycles));
                }
            }
            System.out.println("redis-server command time during the run (scripts include their commands):");
            lines.forEach(System.out::println);
            System.out.printf("  scripts total: %.1f usec of Redis time per lifecycle%n", total / lifecycles);
        }
    }

    private static List<NewTask> newTasks(String prefix, int from, int to) {
        List<NewTask> tasks = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            String key = "bench/" + prefix + "/objects/" + i + ".bin";
            String sha = HexFormat.of().formatHex(java.nio.ByteBuffer.allocate(32).putInt(i).array());
            String json = "{\"objectKey\":\"" + key + "\",\"size\":4096,\"sha256\":\"" + sha
                    + "\",\"sources\":[\"http://127.0.0.1:8070/files/" + i + "\",\"http://127.0.0.2:8070/files/" + i + "\"],\"attributes\":{}}";
            tasks.add(new NewTask(key, sha, 4096, json));
        }
        return tasks;
    }

    private static Double redisBenchmark(int port, int pipeline) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                "redis-benchmark", "-h", "127.0.0.1", "-p", Integer.toString(port), "-c", "50", "-n", "200000", "-t", "set", "-q"));
        if (pipeline > 1) {
            command.addAll(List.of("-P", Integer.toString(pipeline)));
        }
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            System.out.println("note: redis-benchmark not found (Debian package redis-tools); baseline skipped");
            return null;
        }
        StringBuilder output = new StringBuilder();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            in.lines().forEach(line -> output.append(line).append('\n'));
        }
        process.waitFor();
        Double last = null;
        Matcher m = RPS.matcher(output.toString().replace('\r', '\n'));
        while (m.find()) {
            last = Double.parseDouble(m.group(1));
        }
        return last;
    }

    private static String format(Double value) {
        return value == null ? "n/a" : Long.toString(Math.round(value));
    }

    private static String stringArg(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }

    private static int intArg(String[] args, String name, int fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return fallback;
    }
}
