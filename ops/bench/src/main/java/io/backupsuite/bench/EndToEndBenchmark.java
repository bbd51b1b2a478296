package io.backupsuite.bench;

import io.backupsuite.localstack.LocalStack;
import io.backupsuite.localstack.Part;
import io.backupsuite.localstack.PartKind;
import io.backupsuite.localstack.RunningStack;
import io.backupsuite.localstack.StackOptions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Small files through the whole local stack (every part its own process), then one large file
 * against {@code curl -o} of the same file to the same disk. Times come from the dispatcher's task
 * records (accepted at intake → DONE). Last line: {@code files_per_s=<n> p50_ms=<n> p99_ms=<n>}.
 */
public final class EndToEndBenchmark {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final RunningStack stack;
    private final RssSampler rss;
    private final CpuAccounting cpu;

    private EndToEndBenchmark(RunningStack stack) {
        this.stack = stack;
        List<Part> watched = new ArrayList<>(stack.workers());
        watched.add(stack.dispatcher());
        this.rss = new RssSampler(watched);
        this.cpu = new CpuAccounting(stack.parts());
    }

    public static void main(String[] args) throws Exception {
        BenchArgs a = BenchArgs.parse(args);
        Path dir = Files.createTempDirectory("bench-e2e");
        StackOptions.Builder builder = StackOptions.builder(Path.of(System.getProperty("backup.repo.root", ".")).toAbsolutePath().normalize())
                .randomPorts().dataDir(dir).workers(a.workers());
        a.workerArgs().forEach(arg -> builder.extraArgs(PartKind.WORKER, arg));
        a.dispatcherArgs().forEach(arg -> builder.extraArgs(PartKind.DISPATCHER, arg));
        a.workerJvmArgs().forEach(arg -> builder.jvmArgs(PartKind.WORKER, arg));
        StackOptions options = builder.build();
        System.out.println("starting the local stack in " + dir + " ...");
        try (RunningStack stack = LocalStack.start(options, line -> System.out.println("  " + line))) {
            EndToEndBenchmark bench = new EndToEndBenchmark(stack);
            bench.rss.start();
            if (a.warmup() > 0) {
                System.out.printf("warming up with %d files (not counted) ...%n", a.warmup());
                bench.smallFiles(a.warmup(), a.size(), "warmup", a.batch(), false);
            }
            String summary = bench.smallFiles(a.files(), a.size(), "small", a.batch(), true);
            if (a.largeBytes() > 0) {
                List<double[]> rounds = new ArrayList<>();
                for (int round = 1; round <= a.largeRounds(); round++) {
                    rounds.add(bench.largeFile(a.largeBytes(), dir, round));
                }
                if (rounds.size() > 1) {
                    System.out.printf("large file, median of %d rounds: ours %.0f MB/s = %.0f %% of curl -o, %.0f %% of curl -o + sync%n",
                            rounds.size(), median(rounds, 0), median(rounds, 1), median(rounds, 2));
                }
            }
            bench.rss.stop();
            System.out.printf("max RSS: dispatcher %d MB, workers %s MB%n", bench.rss.maxMb(stack.dispatcher()),
                    stack.workers().stream().map(w -> Long.toString(bench.rss.maxMb(w))).toList());
            System.out.println(summary);
        }
        BenchFiles.deleteTree(dir); // after a failure the directory stays, with the parts' logs
    }

    private String smallFiles(int count, int size, String prefix, int batch, boolean report) throws Exception {
        List<JsonNode> files = new ArrayList<>();
        for (int done = 0; done < count; done += 1000) {
            int n = Math.min(1000, count - done);
            JSON.readTree(post(stack.source().url() + "/admin/generate?count=" + n + "&size=" + size + "&prefix=" + prefix + done + "-", null, ""))
                    .forEach(files::add);
        }
        List<ArrayNode> batches = new ArrayList<>();
        for (int i = 0; i < files.size(); i += batch) {
            ArrayNode notifications = JSON.createArrayNode();
            for (JsonNode file : files.subList(i, Math.min(files.size(), i + batch))) {
                notifications.add(notification(prefix + "/" + file.get("name").asString(), file));
            }
            batches.add(notifications);
        }
        List<String> taskIds = Collections.synchronizedList(new ArrayList<>());
        java.util.Map<String, Double> retriesBefore = retries();
        if (report) {
            System.out.printf("measuring %d files ...%n", count); // a profiler can attach from here
        }
        cpu.start();
        long start = System.nanoTime();
        ExecutorService posters = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> sent = new ArrayList<>();
            for (ArrayNode notifications : batches) {
                sent.add(posters.submit(() -> {
                    ObjectNode body = JSON.createObjectNode();
                    body.set("notifications", notifications);
                    JSON.readTree(post(stack.dispatcher().url() + "/api/v1/uploads/batch", bearer(), body.toString()))
                            .get("results").forEach(r -> taskIds.add(r.get("taskId").asString()));
                    return null;
                }));
            }
            for (Future<?> f : sent) {
                f.get();
            }
            waitUntilDrained();
            double wallSeconds = (System.nanoTime() - start) / 1e9;
            String cpuLine = cpu.perUnit(count, "file");
            List<long[]> times = taskTimes(taskIds, posters);
            if (!report) {
                return "";
            }
            long firstCreated = times.stream().mapToLong(t -> t[0]).min().orElse(0);
            long lastDone = times.stream().mapToLong(t -> t[1]).max().orElse(0);
            List<Long> latencies = times.stream().map(t -> t[1] - t[0]).sorted().toList();
            double filesPerSecond = count / Math.max(0.001, (lastDone - firstCreated) / 1000.0);
            System.out.printf("small files: %d x %d B, %d DONE, intake->DONE span %.2f s, client wall %.2f s%n",
                    count, size, times.size(), (lastDone - firstCreated) / 1000.0, wallSeconds);
            System.out.println(cpuLine);
            java.util.Map<String, Double> retriesAfter = retries();
            StringBuilder redelivered = new StringBuilder("attempts handed out again during the run:");
            retriesAfter.forEach((cause, n) -> redelivered.append(' ').append(cause).append('=')
                    .append(Math.round(n - retriesBefore.getOrDefault(cause, 0.0))));
            System.out.println(redelivered);
            return String.format("files_per_s=%.0f p50_ms=%d p99_ms=%d", filesPerSecond, percentile(latencies, 50),
                    percentile(latencies, 99));
        } finally {
            posters.shutdownNow();
        }
    }

    private static double median(List<double[]> rounds, int column) {
        List<Double> sorted = rounds.stream().map(r -> r[column]).sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** One round: curl -o, then ours, of a new file (new content: nothing is deduplicated); returns MB/s and % of curl, curl + sync. */
    private double[] largeFile(long bytes, Path dir, int round) throws Exception {
        System.out.printf("generating a %d MiB file at the demo source (round %d) ...%n", bytes >> 20, round);
        JsonNode file = JSON.readTree(post(stack.source().url() + "/admin/generate?count=1&size=" + bytes + "&prefix=large" + round + "-", null, "")).get(0);
        String url = file.get("url").asString();
        Path curlTarget = dir.resolve("curl-large.out");
        long curlStart = System.nanoTime();
        run("curl", "-s", "-o", curlTarget.toString(), url);
        double curlSeconds = (System.nanoTime() - curlStart) / 1e9;
        run("sync", "-f", curlTarget.toString());
        double curlSyncSeconds = (System.nanoTime() - curlStart) / 1e9;
        Files.deleteIfExists(curlTarget);

        ArrayNode one = JSON.createArrayNode();
        one.add(notification("large/" + file.get("name").asString(), file));
        ObjectNode body = JSON.createObjectNode();
        body.set("notifications", one);
        cpu.start();
        String taskId = JSON.readTree(post(stack.dispatcher().url() + "/api/v1/uploads/batch", bearer(), body.toString()))
                .get("results").get(0).get("taskId").asString();
        waitUntilDrained();
        String cpuLine = cpu.perUnit(Math.max(1, Math.round(bytes / (double) (1L << 30))), "GiB");
        JsonNode task = JSON.readTree(get(stack.dispatcher().url() + "/api/v1/tasks/" + taskId));
        if (!"DONE".equals(task.get("status").asString())) {
            throw new IllegalStateException("large file ended " + task);
        }
        double ours = (millis(task, "doneAt") - millis(task, "createdAt")) / 1000.0;
        double mb = bytes / 1e6;
        System.out.printf("large file %d MiB: curl -o %.0f MB/s (%.0f MB/s with sync), ours intake->DONE %.0f MB/s "
                        + "(SHA-256 verified, fsynced, catalogued) = %.0f %% of curl, %.0f %% of curl+sync%n",
                bytes >> 20, mb / curlSeconds, mb / curlSyncSeconds, mb / ours, 100 * curlSeconds / ours,
                100 * curlSyncSeconds / ours);
        System.out.println(cpuLine);
        StringBuilder copies = new StringBuilder("second copies taken from the source (backup_worker_replication_source_copies_total):");
        for (var worker : stack.workers()) {
            counterByLabel(worker.url(), "backup_worker_replication_source_copies_total", "outcome")
                    .forEach((outcome, n) -> copies.append(' ').append(worker.name()).append(':').append(outcome).append('=').append(Math.round(n)));
        }
        System.out.println(copies);
        return new double[] {mb / ours, 100 * curlSeconds / ours, 100 * curlSyncSeconds / ours};
    }

    private void waitUntilDrained() throws Exception {
        while (true) {
            JsonNode q = JSON.readTree(get(stack.dispatcher().url() + "/api/v1/queues"));
            if (q.get("pending").asLong() + q.get("working").asLong() + q.get("delay").asLong() == 0) {
                return;
            }
            Thread.sleep(50);
        }
    }

    private List<long[]> taskTimes(List<String> taskIds, ExecutorService pool) throws Exception {
        List<Future<long[]>> futures = new ArrayList<>();
        for (String id : taskIds) {
            futures.add(pool.submit(() -> {
                JsonNode task = JSON.readTree(get(stack.dispatcher().url() + "/api/v1/tasks/" + id));
                if (!"DONE".equals(task.get("status").asString())) {
                    throw new IllegalStateException("task " + id + " ended " + task.get("status").asString());
                }
                return new long[] {millis(task, "createdAt"), millis(task, "doneAt")};
            }));
        }
        List<long[]> times = new ArrayList<>();
        for (Future<long[]> f : futures) {
            times.add(f.get());
        }
        return times;
    }

    private static long millis(JsonNode task, String field) {
        return java.time.Instant.parse(task.get(field).asString()).toEpochMilli();
    }

    private static long percentile(List<Long> sorted, int p) {
        return sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    private ObjectNode notification(String key, JsonNode file) {
        ObjectNode n = JSON.createObjectNode();
        n.put("objectKey", key);
        n.put("size", file.get("size").asLong());
        n.put("sha256", file.get("sha256").asString());
        n.putArray("sources").add(file.get("url").asString());
        return n;
    }

    /** The dispatcher's retry counters by cause (expired leases, failures) from its Prometheus page. */
    private java.util.Map<String, Double> retries() throws IOException, InterruptedException {
        return counterByLabel(stack.dispatcher().url(), "backup_dispatcher_retries_total", "cause");
    }

    /** A counter of a part's Prometheus page, summed by the value of its first label {@code label}. */
    private java.util.Map<String, Double> counterByLabel(String baseUrl, String counter, String label) throws IOException, InterruptedException {
        java.util.Map<String, Double> byLabel = new java.util.TreeMap<>();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/actuator/prometheus")).build(),
                HttpResponse.BodyHandlers.ofString());
        var line = java.util.regex.Pattern.compile("^" + counter + "\\{" + label + "=\"([^\"]+)\"[^}]*} (\\S+)$", java.util.regex.Pattern.MULTILINE)
                .matcher(r.body());
        while (line.find()) {
            byLabel.merge(line.group(1), Double.parseDouble(line.group(2)), Double::sum);
        }
        return byLabel;
    }

    private String bearer() {
        return "Bearer " + stack.uploadToken();
    }

    private String get(String url) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", bearer()).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException(url + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    private String post(String url, String authorization, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(5))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IOException(url + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed");
        }
    }

    /** Command-line options. */
    record BenchArgs(int files, int size, int batch, long largeBytes, int largeRounds, int warmup, int workers, List<String> workerArgs,
            List<String> dispatcherArgs, List<String> workerJvmArgs) {
        BenchArgs {
            workerArgs = List.copyOf(workerArgs);
            dispatcherArgs = List.copyOf(dispatcherArgs);
            workerJvmArgs = List.copyOf(workerJvmArgs);
        }

        static BenchArgs parse(String[] args) {
            List<String> workerArgs = new ArrayList<>();
            List<String> dispatcherArgs = new ArrayList<>();
            List<String> workerJvmArgs = new ArrayList<>();
            int files = 10_000;
            int warmup = 3_000;
            int size = 4096;
            int batch = 500;
            long large = 1L << 30;
            int largeRounds = 1;
            int workers = 3;
            for (int i = 0; i < args.length; i += 2) {
                switch (args[i]) {
                    case "--files" -> files = Integer.parseInt(args[i + 1]);
                    case "--size" -> size = Integer.parseInt(args[i + 1]);
                    case "--batch" -> batch = Integer.parseInt(args[i + 1]);
                    case "--large-mib" -> large = Long.parseLong(args[i + 1]) << 20;
                    case "--large-rounds" -> largeRounds = Integer.parseInt(args[i + 1]);
                    case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
                    case "--workers" -> workers = Integer.parseInt(args[i + 1]);
                    case "--worker-arg" -> workerArgs.add(args[i + 1]);
                    case "--dispatcher-arg" -> dispatcherArgs.add(args[i + 1]);
                    case "--worker-jvm-arg" -> workerJvmArgs.add(args[i + 1]);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            if (largeRounds < 1) {
                throw new IllegalArgumentException("--large-rounds must be at least 1");
            }
            if (workers < 1) {
                throw new IllegalArgumentException("--workers must be at least 1");
            }
            return new BenchArgs(files, size, batch, large, largeRounds, warmup, workers, workerArgs, dispatcherArgs, workerJvmArgs);
        }
    }
}
