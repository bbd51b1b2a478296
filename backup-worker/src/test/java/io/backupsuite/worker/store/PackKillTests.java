package io.backupsuite.worker.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of a process that commits small blobs from several threads: every blob the store
 * acknowledged before the kill is there after reopening, with its bytes, and the store takes new
 * blobs (a torn tail, if the kill cut a write, is cut off).
 */
class PackKillTests {

    @TempDir
    Path dataDir;

    /** The blob a writer commits as its {@code n}-th: content derived from {@code n}, so the test can rebuild it. */
    static byte[] content(int n) {
        byte[] bytes = new byte[256 + (n * 131) % 8000];
        new Random(n).nextBytes(bytes);
        return bytes;
    }

    /** Child process: commits blobs numbered from {@code args[1]} from 8 threads until killed, printing the number of each one acknowledged. */
    public static void main(String[] args) throws Exception {
        BlobStore store = new BlobStore(Path.of(args[0]), new SimpleMeterRegistry());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger(Integer.parseInt(args[1]));
        for (int t = 0; t < 8; t++) {
            pool.execute(() -> {
                while (true) {
                    int n = next.getAndIncrement();
                    byte[] bytes = content(n);
                    try {
                        store.putSmall(BlobStore.sha256Of(bytes), bytes);
                    } catch (StorageException e) {
                        System.err.println("commit failed: " + e.getMessage());
                        return;
                    }
                    synchronized (System.out) {
                        System.out.println(n);
                        System.out.flush();
                    }
                }
            });
        }
        pool.awaitTermination(1, TimeUnit.HOURS);
    }

    @Test
    void everyAcknowledgedBlobSurvivesAKillNineMidWrite() throws Exception {
        for (int round = 0; round < 3; round++) {
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), PackKillTests.class.getName(), dataDir.toString(),
                    Integer.toString(round * 1_000_000)) // new blobs each round
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            List<Integer> acknowledged = new ArrayList<>();
            try (var reader = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
                int wanted = 2_000 + round * 1_000; // a different moment each round
                String line;
                while (acknowledged.size() < wanted && (line = reader.readLine()) != null) {
                    acknowledged.add(Integer.parseInt(line.trim()));
                }
                child.toHandle().destroyForcibly(); // SIGKILL: no shutdown hook, no flush (the handle leaves our pipe open)
                child.waitFor(30, TimeUnit.SECONDS);
                while ((line = reader.readLine()) != null) { // acknowledged after our last read, before the kill
                    acknowledged.add(Integer.parseInt(line.trim()));
                }
            }
            assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(2_000);
            try (BlobStore store = new BlobStore(dataDir, new SimpleMeterRegistry())) {
                for (int n : acknowledged) {
                    byte[] bytes = content(n);
                    assertThat(store.content(BlobStore.sha256Of(bytes))).as("acknowledged blob %d", n).isPresent();
                    assertThat(store.content(BlobStore.sha256Of(bytes)).orElseThrow().readAll()).isEqualTo(bytes);
                }
                byte[] after = ("after round " + round).getBytes(StandardCharsets.UTF_8);
                assertThat(store.putSmall(BlobStore.sha256Of(after), after).alreadyPresent()).isFalse();
            }
        }
    }
}
