package io.backupsuite.bench;

import io.backupsuite.worker.WorkerProperties;
import io.backupsuite.worker.download.DownloadProperties;
import io.backupsuite.worker.download.DownloadRequest;
import io.backupsuite.worker.download.Downloader;
import io.backupsuite.worker.download.ProgressListener;
import io.backupsuite.worker.store.BlobStore;
import io.backupsuite.worker.store.StagedBlob;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.springframework.util.unit.DataSize;

/**
 * One large file served by nginx on loopback (the shell wrapper starts it): per round {@code curl -o}
 * + {@code sync}, {@code rclone copy} (multi-thread ranged streams) + {@code sync}, and the worker's
 * own downloader (chunked ranges over parallel connections, each chunk fsynced, whole-file SHA-256
 * verified, committed to the blob store with fsync + rename + directory fsync), all writing to the
 * same directory, in the same run. Also the worker's CPU seconds per GB (process CPU time of this
 * JVM during its downloads: every thread, GC and JIT included). Last line:
 * {@code ours_mb_s=… rclone_mb_s=… curl_sync_mb_s=… ratio_vs_rclone=… cpu_s_per_gb=…} (medians).
 */
public final class DownloadBenchmark {

    record Args(String url, long size, String sha256, Path dir, int rounds, int parallelism, int streams, Path file) {

        static Args parse(String[] args) {
            String url = null;
            String sha256 = null;
            long size = -1;
            Path dir = Path.of("ops/bench/target/download-bench");
            int rounds = 3;
            int parallelism = DownloadProperties.defaults().parallelism();
            int streams = 4;
            Path file = null;
            for (int i = 0; i + 1 < args.length; i += 2) {
                switch (args[i]) {
                    case "--url" -> url = args[i + 1];
                    case "--size" -> size = Long.parseLong(args[i + 1]);
                    case "--sha256" -> sha256 = args[i + 1];
                    case "--dir" -> dir = Path.of(args[i + 1]);
                    case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                    case "--parallelism" -> parallelism = Integer.parseInt(args[i + 1]);
                    case "--rclone-streams" -> streams = Integer.parseInt(args[i + 1]);
                    case "--file" -> file = Path.of(args[i + 1]);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            if (url == null || sha256 == null || size < 0) {
                throw new IllegalArgumentException("need --url, --size and --sha256");
            }
            return new Args(url, size, sha256, dir.toAbsolutePath(), rounds, parallelism, streams, file);
        }
    }

    record Round(double curlSync, double rclone, double ours, double cpuPerGb, double sha256, String load) {}

    public static void main(String[] argv) throws Exception {
        Args args = Args.parse(argv);
        Path target = Files.createDirectories(args.dir());
        var properties = workerDefaults(target.resolve("worker"));
        var download = new DownloadProperties(DataSize.ofMegabytes(64), args.parallelism());
        BlobStore store = new BlobStore(properties.dataDir(), new SimpleMeterRegistry());
        try (Downloader downloader = Downloader.http(properties, download, store, new SimpleMeterRegistry())) {
            ours(downloader, store, args); // JIT, connection pool, page cache of the source file
            System.out.printf("file: %d MiB from %s, %d rounds into %s (curl -o + sync, rclone copy"
                            + " --multi-thread-streams %d + sync, ours with %d connections; JVM -Xmx%d MiB)%n",
                    args.size() >> 20, args.url(), args.rounds(), target, args.streams(), args.parallelism(),
                    Runtime.getRuntime().maxMemory() >> 20);
            List<Round> rounds = new ArrayList<>();
            for (int r = 1; r <= args.rounds(); r++) {
                double curlSync = mbPerSecond(args, curl(args.url(), target.resolve("curl.out")));
                double rclone = mbPerSecond(args, rclone(args, target.resolve("rclone")));
                long cpuBefore = processCpuNanos();
                double seconds = ours(downloader, store, args);
                double cpuPerGb = (processCpuNanos() - cpuBefore) / 1e9 / (args.size() / 1e9);
                double sha256 = args.file() == null ? Double.NaN : mbPerSecond(args, sha256Seconds(args.file()));
                Round round = new Round(curlSync, rclone, mbPerSecond(args, seconds), cpuPerGb, sha256, load());
                rounds.add(round);
                System.out.printf("round %d: curl -o + sync %.0f MB/s, rclone copy + sync %.0f MB/s, ours %.0f MB/s"
                                + " (ranges verified, SHA-256, fsynced) = %.2f x rclone, %.2f x curl; ours %.2f CPU s/GB;"
                                + " one thread's SHA-256 of the file from the page cache %.0f MB/s (the ceiling of a verified"
                                + " download); load %s%n",
                        r, round.curlSync(), round.rclone(), round.ours(), round.ours() / round.rclone(),
                        round.ours() / round.curlSync(), round.cpuPerGb(), round.sha256(), round.load());
            }
            System.out.printf("ours_mb_s=%.0f rclone_mb_s=%.0f curl_sync_mb_s=%.0f ratio_vs_rclone=%.2f cpu_s_per_gb=%.2f"
                            + " sha256_mb_s=%.0f%n",
                    median(rounds, Round::ours), median(rounds, Round::rclone), median(rounds, Round::curlSync),
                    median(rounds, x -> x.ours() / x.rclone()), median(rounds, Round::cpuPerGb), median(rounds, Round::sha256));
        }
    }

    /** The worker's defaults (WorkerProperties' @DefaultValue), with the benchmark's data directory. */
    static WorkerProperties workerDefaults(Path dataDir) {
        return new WorkerProperties(dataDir, 8, 16, List.of("127.0.0.1"), Duration.ofSeconds(5), Duration.ofSeconds(30),
                DataSize.ofGigabytes(64), Duration.ofSeconds(2), 3, DataSize.ofKilobytes(256), Duration.ofSeconds(30),
                DataSize.ofMegabytes(8), Duration.ofHours(24), 2, Duration.ofMinutes(1));
    }

    /** Seconds for curl -o plus sync of the file. */
    private static double curl(String url, Path file) throws Exception {
        Files.deleteIfExists(file);
        long start = System.nanoTime();
        run("curl", "-s", "-f", "-o", file.toString(), url);
        run("sync", "-f", file.toString());
        double seconds = (System.nanoTime() - start) / 1e9;
        Files.delete(file);
        return seconds;
    }

    /** Seconds for rclone copy (HTTP backend, multi-thread ranged download) plus sync of the file. */
    private static double rclone(Args args, Path dir) throws Exception {
        BenchFiles.deleteTree(dir);
        int slash = args.url().lastIndexOf('/');
        String base = args.url().substring(0, slash + 1);
        String name = args.url().substring(slash + 1);
        long start = System.nanoTime();
        run("rclone", "copy", "--http-url", base, ":http:" + name, dir.toString(), "--multi-thread-streams",
                String.valueOf(args.streams()), "--multi-thread-cutoff", "64M", "--config", "/dev/null", "-q");
        run("sync", "-f", dir.resolve(name).toString());
        double seconds = (System.nanoTime() - start) / 1e9;
        if (Files.size(dir.resolve(name)) != args.size()) {
            throw new IllegalStateException("rclone copied the wrong size");
        }
        BenchFiles.deleteTree(dir);
        return seconds;
    }

    /** Seconds for the worker's download + commit (fsync, rename, directory fsync) of a new blob. */
    static double ours(Downloader downloader, BlobStore store, Args args) throws Exception {
        var request = new DownloadRequest("bench/large", args.size(), args.sha256(), List.of(args.url()));
        long start = System.nanoTime();
        try (StagedBlob staged = downloader.download(request, ProgressListener.NONE)) {
            if (staged.commit().alreadyPresent()) {
                throw new IllegalStateException("blob was already stored; the run would skip the fsync");
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Files.delete(store.path(args.sha256()).orElseThrow()); // the next round stores it anew
        return seconds;
    }

    /** Seconds for one thread to SHA-256 the source file, read from the page cache in 256 KiB reads. */
    private static double sha256Seconds(Path file) throws Exception {
        java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[256 * 1024];
        long start = System.nanoTime();
        try (var in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
        }
        digest.digest();
        return (System.nanoTime() - start) / 1e9;
    }

    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** The 1, 5 and 15 minute load averages (the machine is shared: read figures with them). */
    static String load() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return "?";
        }
    }

    static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).inheritIO().start();
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited with " + process.exitValue());
        }
    }


    private static double mbPerSecond(Args args, double seconds) {
        return args.size() / 1e6 / seconds;
    }

    static <T> double median(List<T> rounds, java.util.function.ToDoubleFunction<T> value) {
        double[] values = rounds.stream().mapToDouble(value).toArray();
        Arrays.sort(values);
        return values.length % 2 == 1 ? values[values.length / 2] : (values[values.length / 2 - 1] + values[values.length / 2]) / 2;
    }
}
