package io.backupsuite.bench;

import io.backupsuite.catalog.state.CatalogOp;
import io.backupsuite.localstack.LocalStack;
import io.backupsuite.localstack.Part;
import io.backupsuite.localstack.PartKind;
import io.backupsuite.localstack.RunningStack;
import io.backupsuite.localstack.StackOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Unplanned failover and planned switchover of a 3-worker storage group driven by the console, under a steady
 * stream of catalog writes: {@code kill -9} of the primary, time to the first write the new primary commits; then
 * switchovers through the console, the writers' pause. Every acknowledged write is checked afterwards. Baseline of
 * the same run: the steady write latency before any failure. Last line:
 * {@code failover_p50_ms=<n> failover_max_ms=<n> lost=<n>}.
 */
public final class FailoverBenchmark {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

    private final RunningStack stack;
    private final String sha;
    private final ConcurrentLinkedQueue<String> acknowledged = new ConcurrentLinkedQueue<>();
    private final List<long[]> commits = new java.util.concurrent.CopyOnWriteArrayList<>(); // {at nanos, node index, latency nanos}
    private volatile boolean writing = true;
    private volatile int target = -1;

    private FailoverBenchmark(RunningStack stack, String sha) {
        this.stack = stack;
        this.sha = sha;
    }

    public static void main(String[] argv) throws Exception {
        int trials = 20;
        int switchovers = 20;
        for (int i = 0; i + 1 < argv.length; i += 2) {
            switch (argv[i]) {
                case "--trials" -> trials = Integer.parseInt(argv[i + 1]);
                case "--switchovers" -> switchovers = Integer.parseInt(argv[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + argv[i]);
            }
        }
        Path dir = Files.createTempDirectory("failover-bench");
        StackOptions options = StackOptions.builder(Path.of(System.getProperty("backup.repo.root", ".")))
                .randomPorts()
                .dataDir(dir)
                .parts(EnumSet.of(PartKind.REDIS, PartKind.KAFKA, PartKind.CONSOLE, PartKind.WORKER))
                .build();
        try (RunningStack stack = LocalStack.start(options, line -> {})) {
            byte[] content = "failover-bench".getBytes();
            String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(content));
            for (Part w : stack.workers()) {
                Path blob = dir.resolve(w.name()).resolve("blobs").resolve(sha.substring(0, 2)).resolve(sha.substring(2, 4));
                Files.createDirectories(blob);
                Files.write(blob.resolve(sha), content);
            }
            new FailoverBenchmark(stack, sha).run(trials, switchovers);
        }
        BenchFiles.deleteTree(dir);
    }

    private void run(int trials, int switchovers) throws Exception {
        Thread writer = new Thread(this::write, "writer");
        writer.setDaemon(true); // a failed run must not leave a writer hammering a stopped stack
        target = awaitPrimary(Duration.ofSeconds(120));
        writer.start();
        try {
            measure(trials, switchovers, writer);
        } finally {
            writing = false;
        }
    }

    private void measure(int trials, int switchovers, Thread writer) throws Exception {
        Thread.sleep(5_000); // warm-up: the first writes of fresh JVMs are slow and would skew the baseline
        int warm = commits.size();
        Thread.sleep(5_000); // steady state: the baseline window
        double[] steady = Stats.of(commits.subList(warm, commits.size()).stream().mapToDouble(c -> c[2] / 1e6).toArray());
        System.out.printf("raw baseline: steady catalog write latency p50 %.2f ms, p99 %.2f ms (%d writes in 5 s after a 5 s warm-up)%n",
                steady[0], steady[1], commits.size() - warm);
        List<Double> failovers = new ArrayList<>();
        for (int t = 1; t <= trials; t++) {
            awaitQuasiPrimary(Duration.ofSeconds(120));
            Part primary = stack.workers().get(target);
            int before = commits.size();
            long killedAt = System.nanoTime();
            primary.kill();
            long firstAt = awaitCommitAfter(before, stack.workers().indexOf(primary), Duration.ofSeconds(30));
            double ms = (firstAt - killedAt) / 1e6;
            failovers.add(ms);
            System.out.printf("trial %d: kill -9 of %s -> first commit by the new primary after %.0f ms%n", t, primary.name(), ms);
            primary.restart();
        }
        List<Double> pauses = new ArrayList<>();
        List<Double> gaps = new ArrayList<>();
        List<Double> calls = new ArrayList<>();
        for (int s = 1; s <= switchovers; s++) {
            awaitQuasiPrimary(Duration.ofSeconds(120));
            int before = commits.size();
            JsonNode done = operator("/api/v1/groups/g1/switchover", "{}");
            pauses.add(done.get("pauseMs").asDouble());
            calls.add(done.get("callMs").asDouble());
            int to = stack.workers().stream().map(Part::name).toList().indexOf(done.get("to").asString());
            target = to;
            gaps.add(writerGap(before, to, Duration.ofSeconds(30)));
        }
        writing = false;
        writer.join();
        long lost = acknowledged.stream().filter(key -> !present(key)).count();
        double[] f = Stats.of(failovers.stream().mapToDouble(Double::doubleValue).toArray());
        double[] p = Stats.of(pauses.stream().mapToDouble(Double::doubleValue).toArray());
        double[] g = Stats.of(gaps.stream().mapToDouble(Double::doubleValue).toArray());
        double[] c = Stats.of(calls.stream().mapToDouble(Double::doubleValue).toArray());
        System.out.printf("failover (kill -9 -> first commit of the new primary), %d trials: p50 %.0f ms, max %.0f ms (target p50 <= 500, max <= 1000)%n",
                failovers.size(), f[0], f[2]);
        System.out.printf("switchover write pause (the primary refusing writes until its successor takes them), %d switchovers: p50 %.0f ms, p99 %.0f ms, max %.0f ms (target p99 <= 150)%n",
                pauses.size(), p[0], p[1], p[2]);
        System.out.printf("switchover call as the console saw it (request to the primary to its answer): p50 %.0f ms, p99 %.0f ms%n", c[0], c[1]);
        System.out.printf("switchover gap the writer saw (last acknowledged write of the old primary to the first of the new one): p50 %.0f ms, p99 %.0f ms%n",
                g[0], g[1]);
        System.out.printf("acknowledged writes %d, missing afterwards %d%n", acknowledged.size(), lost);
        System.out.printf("failover_p50_ms=%.0f failover_max_ms=%.0f lost=%d%n", f[0], f[2], lost);
    }

    /** Submits catalog writes one after another to the node it believes is primary; moves on when it fails. */
    private void write() {
        long n = 0;
        while (writing) {
            int to = target;
            String key = "bench/" + n;
            long start = System.nanoTime();
            int status = submit(stack.workers().get(to), CatalogOp.put(key, sha, 14, "worker-" + (to + 1), 0).encode());
            if (status == 200) {
                acknowledged.add(key);
                commits.add(new long[] {System.nanoTime(), to, System.nanoTime() - start});
                n++;
            } else {
                target = findPrimary().orElse(to);
            }
        }
    }

    private int submit(Part worker, byte[] op) {
        try {
            HttpRequest request = node(worker.url() + "/internal/v1/replication/submit").timeout(Duration.ofSeconds(2))
                    .header("Content-Type", "application/octet-stream").POST(HttpRequest.BodyPublishers.ofByteArray(op)).build();
            return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private Optional<Integer> findPrimary() {
        for (int i = 0; i < stack.workers().size(); i++) {
            JsonNode s = status(stack.workers().get(i));
            if (s != null && "PRIMARY".equals(s.get("role").asString()) && s.get("acceptingWrites").asBoolean()) {
                return Optional.of(i);
            }
        }
        return Optional.empty();
    }

    private JsonNode status(Part worker) {
        try {
            HttpResponse<String> r = HTTP.send(node(worker.url() + "/internal/v1/replication/status")
                    .timeout(Duration.ofMillis(500)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
        } catch (Exception e) {
            return null;
        }
    }

    private int awaitPrimary(Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Integer> p = findPrimary();
            if (p.isPresent()) {
                return p.get();
            }
            Thread.sleep(100); // polling a remote state with no event to wait on
        }
        throw new IllegalStateException("no primary within " + patience);
    }

    private void awaitQuasiPrimary(Duration patience) throws Exception {
        long deadline = System.nanoTime() + patience.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode table = JSON.readTree(get(stack.console().url() + "/api/v1/roles?group=g1"));
            long ready = 0;
            for (JsonNode row : table.get("nodes")) {
                ready += row.get("role").asString().equals("QUASI_PRIMARY") ? 1 : 0;
            }
            if (ready == 1 && stack.workers().stream().allMatch(Part::isAlive) && standbysReady()) {
                return;
            }
            Thread.sleep(100); // polling a remote state with no event to wait on
        }
        throw new IllegalStateException("no quasi-primary and caught-up standbys within " + patience);
    }

    /** Whether both standbys are in service and (nearly) caught up with the primary (a restarted member rejoined). */
    private boolean standbysReady() {
        Optional<Integer> p = findPrimary();
        if (p.isEmpty()) {
            return false;
        }
        JsonNode primary = status(stack.workers().get(p.get()));
        if (primary == null) {
            return false; // it did not answer in time: ask again
        }
        JsonNode standbys = primary.get("standbys");
        int ready = 0;
        for (JsonNode s : standbys) {
            // under a steady write stream a catching-up standby can stay one append behind READY: a small lag is caught up
            ready += !"UNAVAILABLE".equals(s.get("state").asString()) && s.get("lag").asLong() <= 5 ? 1 : 0;
        }
        return ready == stack.workers().size() - 1;
    }

    /**
     * The writer's pause across one switchover: from the acknowledgement before the new primary's first one to that
     * first one. The writer records acknowledgements in order, so the entry before it is the old primary's last.
     */
    private double writerGap(int from, int newPrimary, Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (System.nanoTime() < deadline) {
            for (int i = Math.max(1, from); i < commits.size(); i++) {
                if (commits.get(i)[1] == newPrimary && commits.get(i - 1)[1] != newPrimary) {
                    return (commits.get(i)[0] - commits.get(i - 1)[0]) / 1e6;
                }
            }
            Thread.sleep(1); // the writer thread records commits; a short poll keeps the measurement fine-grained
        }
        throw new IllegalStateException("no commit by the new primary within " + patience);
    }

    private long awaitCommitAfter(int index, int notBy, Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (System.nanoTime() < deadline) {
            for (int i = index; i < commits.size(); i++) {
                if (commits.get(i)[1] != notBy) {
                    return commits.get(i)[0];
                }
            }
            Thread.sleep(1); // the writer thread records commits; a short poll keeps the measurement fine-grained
        }
        throw new IllegalStateException("no commit by a new primary within " + patience);
    }

    private boolean present(String key) {
        try {
            Part p = stack.workers().get(awaitPrimary(Duration.ofSeconds(30)));
            HttpRequest r = HttpRequest.newBuilder(URI.create(p.url() + "/api/v1/objects?key=" + key))
                    .header("Authorization", "Bearer " + stack.uploadToken()).GET().build();
            return HTTP.send(r, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }

    private JsonNode operator(String path, String body) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create(stack.console().url() + path))
                .header("Authorization", stack.operator().basicAuthorization()).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> response = HTTP.send(r, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("switchover answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    private String get(String url) throws Exception {
        return HTTP.send(node(url).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private HttpRequest.Builder node(String url) {
        return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + stack.nodeToken());
    }

    /** p50, p99 and max of a sample. */
    private static final class Stats {
        static double[] of(double[] values) {
            if (values.length == 0) {
                return new double[] {Double.NaN, Double.NaN, Double.NaN};
            }
            double[] v = values.clone();
            java.util.Arrays.sort(v);
            return new double[] {v[(v.length - 1) / 2], v[(int) Math.ceil(v.length * 0.99) - 1], v[v.length - 1]};
        }
    }
}
