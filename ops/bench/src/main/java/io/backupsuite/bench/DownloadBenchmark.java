package io.backupsuite.bench;

import io.backupsuite.localstack.source.DemoSource;
import io.backupsuite.worker.WorkerProperties;
import io.backupsuite.worker.download.DownloadRequest;
import io.backupsuite.worker.download.Downloader;
import io.backupsuite.worker.download.ProgressListener;
import io.backupsuite.worker.store.BlobStore;
import io.backupsuite.worker.store.StagedBlob;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.util.unit.DataSize;

/**
 * One large file from the demo source on loopback: {@code curl -o} (then {@code sync}) against the
 * worker's own downloader (SHA-256 verified, fsynced, renamed into the blob store), writing to the
 * same directory, alternating in the same run. Last line: {@code ratio_vs_curl=<x> ratio_vs_curl_sync=<y>}
 * (medians over the rounds).
 */
public final class DownloadBenchmark {

    private static final Pattern FILE = Pattern.compile("\"url\":\"([^\"]+)\",\"size\":(\\d+),\"sha256\":\"([0-9a-f]{64})\"");

    record Args(long bytes, int rounds, Path dir) {

        static Args parse(String[] args) {
            long mib = 1024;
            int rounds = 3;
            Path dir = Path.of("ops/bench/target/download-bench");
            for (int i = 0; i + 1 < args.length; i += 2) {
                switch (args[i]) {
                    case "--mib" -> mib = Long.parseLong(args[i + 1]);
                    case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                    case "--dir" -> dir = Path.of(args[i + 1]);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            return new Args(mib << 20, rounds, dir.toAbsolutePath());
        }
    }

    record Round(double curl, double curlSync, double ours) {}

    public static void main(String[] argv) throws Exception {
        Args args = Args.parse(argv);
        Path sourceDir = Files.createDirectories(args.dir().resolve("source"));
        Path targetDir = Files.createDirectories(args.dir().resolve("target"));
        try (DemoSource source = DemoSource.start(0, sourceDir, 0, 8)) {
            String[] file = generate(source, args.bytes());
            String[] warmup = generate(source, Math.min(args.bytes(), 64L << 20));
            var properties = new WorkerProperties(targetDir.resolve("worker"), 8, 0, List.of("127.0.0.1"),
                    Duration.ofSeconds(5), Duration.ofSeconds(30), DataSize.ofGigabytes(64), Duration.ofSeconds(2), 3,
                    DataSize.ofKilobytes(256), Duration.ofSeconds(30), DataSize.ofMegabytes(8), Duration.ofHours(24), 2,
                    Duration.ofMinutes(1)); // the worker's defaults
            BlobStore store = new BlobStore(properties.dataDir(), new SimpleMeterRegistry());
            try (Downloader downloader = Downloader.http(properties, store, new SimpleMeterRegistry())) {
                ours(downloader, store, warmup); // JIT, connection pool
                System.out.printf("file: %d MiB on %s, %d rounds (curl -o, then ours; same directory)%n",
                        args.bytes() >> 20, targetDir, args.rounds());
                List<Round> rounds = new ArrayList<>();
                for (int r = 1; r <= args.rounds(); r++) {
                    double[] curl = curl(file[0], targetDir.resolve("curl.out"));
                    double ours = ours(downloader, store, file);
                    Round round = new Round(mb(args, curl[0]), mb(args, curl[1]), mb(args, ours));
                    rounds.add(round);
                    System.out.printf("round %d: curl -o %.0f MB/s, curl -o + sync %.0f MB/s, ours %.0f MB/s"
                                    + " (SHA-256 verified, fsynced) = %.0f %% of curl, %.0f %% of curl + sync%n",
                            r, round.curl(), round.curlSync(), round.ours(),
                            100 * round.ours() / round.curl(), 100 * round.ours() / round.curlSync());
                }
                double vsCurl = median(rounds.stream().mapToDouble(x -> x.ours() / x.curl()).toArray());
                double vsCurlSync = median(rounds.stream().mapToDouble(x -> x.ours() / x.curlSync()).toArray());
                System.out.printf("ratio_vs_curl=%.2f ratio_vs_curl_sync=%.2f%n", vsCurl, vsCurlSync);
            }
        }
    }

    /** Seconds for curl -o, and for curl -o plus sync of the file. */
    private static double[] curl(String url, Path target) throws Exception {
        Files.deleteIfExists(target);
        long start = System.nanoTime();
        run("curl", "-s", "-f", "-o", target.toString(), url);
        double curl = (System.nanoTime() - start) / 1e9;
        run("sync", "-f", target.toString());
        double curlSync = (System.nanoTime() - start) / 1e9;
        Files.delete(target);
        return new double[] {curl, curlSync};
    }

    /** Seconds for the worker's download + commit (fsync, rename, directory fsync) of a new blob. */
    private static double ours(Downloader downloader, BlobStore store, String[] file) throws Exception {
        var request = new DownloadRequest("bench/" + file[2], Long.parseLong(file[1]), file[2], List.of(file[0]));
        long start = System.nanoTime();
        try (StagedBlob staged = downloader.download(request, ProgressListener.NONE)) {
            if (staged.commit().alreadyPresent()) {
                throw new IllegalStateException("blob was already stored; the run would skip the fsync");
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Files.delete(store.path(file[2]).orElseThrow()); // the next round stores it anew
        return seconds;
    }

    /** url, size, sha256 of a new random file at the source. */
    private static String[] generate(DemoSource source, long bytes) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        source.baseUrl() + "/admin/generate?count=1&prefix=bench-" + System.nanoTime() + "&size=" + bytes))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        Matcher m = FILE.matcher(response.body());
        if (response.statusCode() != 200 || !m.find()) {
            throw new IllegalStateException("cannot generate a file: " + response.statusCode() + " " + response.body());
        }
        return new String[] {m.group(1), m.group(2), m.group(3)};
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).inheritIO().start();
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited with " + process.exitValue());
        }
    }

    private static double mb(Args args, double seconds) {
        return args.bytes() / 1e6 / seconds;
    }

    private static double median(double[] values) {
        java.util.Arrays.sort(values);
        return values[values.length / 2];
    }
}
