package io.backupsuite.bench;

import io.backupsuite.catalog.replication.Committed;
import io.backupsuite.catalog.replication.Replica;
import io.backupsuite.catalog.replication.ReplicaConfig;
import io.backupsuite.catalog.replication.ReplicaListener;
import io.backupsuite.catalog.replication.StandbyHook;
import io.backupsuite.catalog.state.CatalogOp;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Commits of the replicated catalog: a 3-member group (this process is the primary, two standby
 * processes), quorum 1 of 2, fsync on, 256-byte operations, 64 in flight; then one submitter; both
 * next to this disk's fsync p50 of an appended 4 KiB block measured in the same run. Then the
 * restart time of a catalog of N entries. Last line: {@code commits_per_s=<n> p50_ms=<n> p99_ms=<n>}.
 */
public final class CatalogCommitBenchmark {

    record Args(int commits, int inFlight, int single, int restartEntries, int warmUp, Path dir, CatalogNode.Wire wire) {
        static Args parse(String[] argv) {
            int commits = 100_000;
            // on two busy cores the JIT was still compiling after 5,000 warm-up commits and took half
            // a core or more from the measured run: warm up until the code is compiled
            int warmUp = 30_000;
            int inFlight = 64;
            int single = 2_000;
            int restart = 1_000_000;
            Path dir = Path.of("ops/bench/target/catalog-commit-bench");
            CatalogNode.Wire wire = CatalogNode.Wire.SOCKET;
            for (int i = 0; i + 1 < argv.length; i += 2) {
                switch (argv[i]) {
                    case "--commits" -> commits = Integer.parseInt(argv[i + 1]);
                    case "--in-flight" -> inFlight = Integer.parseInt(argv[i + 1]);
                    case "--single" -> single = Integer.parseInt(argv[i + 1]);
                    case "--restart-entries" -> restart = Integer.parseInt(argv[i + 1]);
                    case "--warm-up" -> warmUp = Integer.parseInt(argv[i + 1]);
                    case "--dir" -> dir = Path.of(argv[i + 1]);
                    case "--wire" -> wire = CatalogNode.Wire.valueOf(argv[i + 1].toUpperCase(java.util.Locale.ROOT));
                    default -> throw new IllegalArgumentException("unknown option " + argv[i]);
                }
            }
            return new Args(commits, inFlight, single, restart, warmUp, dir.toAbsolutePath(), wire);
        }
    }

    public static void main(String[] argv) throws Exception {
        Args args = Args.parse(argv);
        BenchFiles.deleteTree(args.dir());
        Files.createDirectories(args.dir());
        double fsyncP50 = fsyncP50(args.dir().resolve("fsync-probe"), 2000);
        System.out.printf("raw baseline: fsync of an appended 4 KiB block, p50 %.3f ms (2000 fsyncs, same disk, same run)%n", fsyncP50);

        Map<String, Integer> ports = new LinkedHashMap<>();
        for (String id : List.of("w1", "w2", "w3")) {
            ports.put(id, freePort());
        }
        List<Process> standbys = new ArrayList<>();
        try {
            for (String id : List.of("w2", "w3")) {
                standbys.add(startStandby(id, ports, args.dir().resolve(id), args.wire()));
            }
            try (CatalogNode primary = new CatalogNode("w1", ports, 1, args.dir().resolve("w1"), ReplicaListener.NONE, args.wire())) {
                System.out.printf("members talk over %s%n", args.wire() == CatalogNode.Wire.SOCKET
                        ? "the replication socket protocol (the workers' transport)" : "HTTP/1.1 (JDK client and server), for comparison");
                Replica replica = primary.replica;
                replica.promote(1).get(30, TimeUnit.SECONDS);
                run(replica, args.warmUp(), args.inFlight(), "warm-up");
                double[] many = run(replica, args.commits(), args.inFlight(), "throughput");
                double[] one = run(replica, args.single(), 1, "one submitter");
                double target = 2 * fsyncP50 + 0.5;
                System.out.printf("one submitter: p50 %.3f ms = %.2f x fsync p50 (%.3f ms); target 2 x fsync p50 + 0.5 ms = %.3f ms: %s%n",
                        one[1], one[1] / fsyncP50, fsyncP50, target, one[1] <= target ? "met" : "NOT met");
                System.out.printf("64 in flight: %.0f commits/s, p99 %.2f ms; target >= 10,000/s with p99 <= 25 ms: %s%n",
                        many[0], many[2], many[0] >= 10_000 && many[2] <= 25 ? "met" : "NOT met");
                restart(args);
                System.out.printf("commits_per_s=%.0f p50_ms=%.3f p99_ms=%.3f%n", many[0], many[1], many[2]);
            }
        } finally {
            standbys.forEach(Process::destroyForcibly);
        }
    }

    /** Returns {commits/s, p50 ms, p99 ms}. */
    private static double[] run(Replica replica, int commits, int inFlight, String label) throws Exception {
        Semaphore window = new Semaphore(inFlight);
        long[] latencies = new long[commits];
        AtomicLong failures = new AtomicLong();
        String pad = "k".repeat(190);
        long start = System.nanoTime();
        List<CompletableFuture<Committed>> last = new ArrayList<>();
        for (int i = 0; i < commits; i++) {
            window.acquire();
            long t0 = System.nanoTime();
            int n = i;
            CatalogOp op = CatalogOp.put(pad + label.charAt(0) + n, "ab".repeat(32), n, "w1", 0);
            CompletableFuture<Committed> f = replica.submit(op);
            f.whenComplete((c, e) -> {
                latencies[n] = System.nanoTime() - t0;
                if (e != null) {
                    failures.incrementAndGet();
                }
                window.release();
            });
            if (i >= commits - inFlight) {
                last.add(f);
            }
        }
        window.acquire(inFlight);
        double seconds = (System.nanoTime() - start) / 1e9;
        Arrays.sort(latencies);
        double p50 = latencies[commits / 2] / 1e6;
        double p99 = latencies[(int) (commits * 0.99)] / 1e6;
        System.out.printf("%s: %d commits (%d failed), %d in flight, %.2f s: %.0f commits/s, p50 %.3f ms, p99 %.3f ms (op %d bytes)%n",
                label, commits, failures.get(), inFlight, seconds, commits / seconds, p50, p99,
                CatalogOp.put(pad + "x0", "ab".repeat(32), 0, "w1", 0).encode().length);
        return new double[] {commits / seconds, p50, p99};
    }

    private static void restart(Args args) throws Exception {
        Path dir = args.dir().resolve("restart");
        var config = new ReplicaConfig("solo", List.of("solo"), 0, dir, Duration.ofSeconds(30), Duration.ofSeconds(1), 3,
                Duration.ofMillis(20), 2048, 4, 64L << 20, 200_000);
        try (Replica solo = new Replica(config, new CatalogNode.Client(Map.of()), StandbyHook.NONE, ReplicaListener.NONE)) {
            solo.promote(1).get(10, TimeUnit.SECONDS);
            long t0 = System.nanoTime();
            Semaphore window = new Semaphore(512);
            for (int i = 0; i < args.restartEntries(); i++) {
                window.acquire();
                solo.submit(CatalogOp.put("restart/object-" + i, "cd".repeat(32), i, "solo", 0)).whenComplete((c, e) -> window.release());
            }
            window.acquire(512);
            System.out.printf("restart: loaded %d catalog entries in %.1f s (one member, fsync on)%n",
                    args.restartEntries(), (System.nanoTime() - t0) / 1e9);
        }
        long t1 = System.nanoTime();
        try (Replica again = new Replica(config, new CatalogNode.Client(Map.of()), StandbyHook.NONE, ReplicaListener.NONE)) {
            boolean found = again.read("restart/object-" + (args.restartEntries() - 1)).isPresent();
            double ms = (System.nanoTime() - t1) / 1e6;
            System.out.printf("restart: reopened a catalog of %d entries (applied seq %d) and read the last one (%s) in %.0f ms; heap used %d MiB%n",
                    again.size(), again.appliedSeq(), found ? "found" : "MISSING", ms,
                    (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20);
        }
    }

    private static double fsyncP50(Path file, int rounds) throws Exception {
        long[] nanos = new long[rounds];
        ByteBuffer block = ByteBuffer.allocate(4096);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            for (int i = 0; i < rounds; i++) {
                block.clear();
                channel.write(block);
                long t0 = System.nanoTime();
                channel.force(false);
                nanos[i] = System.nanoTime() - t0;
            }
        }
        Arrays.sort(nanos);
        return nanos[rounds / 2] / 1e6;
    }

    private static Process startStandby(String id, Map<String, Integer> ports, Path dir, CatalogNode.Wire wire) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"), CatalogNode.class.getName(),
                "--id", id, "--members", CatalogNode.spec(ports), "--dir", dir.toString(), "--wire", wire.name())
                .redirectErrorStream(true)
                .start();
        var reader = new BufferedReader(new InputStreamReader(p.getInputStream()));
        for (String line; (line = reader.readLine()) != null; ) {
            if (line.startsWith("READY")) {
                Thread drain = new Thread(() -> {
                    try {
                        while (reader.readLine() != null) {
                            // discard the standby's log
                        }
                    } catch (Exception ignored) {
                        // process ended
                    }
                });
                drain.setDaemon(true);
                drain.start();
                return p;
            }
        }
        throw new IllegalStateException("standby " + id + " did not start");
    }


    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
