package io.backupsuite.bench;

import io.backupsuite.worker.store.BlobStore;
import io.backupsuite.worker.store.StagedBlob;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Commits of small blobs (4 KiB) by T concurrent committers into the blob store, against a raw
 * baseline of a file per blob (write, fsync, rename into one flat directory, fsync it; plain NIO),
 * alternating in one run on the same disk. Up to {@link BlobStore#PACKED_MAX_BYTES} the store packs
 * blobs with one fsync per batch of concurrent commits; past it (e.g. {@code --size 100000}) each
 * blob is a file, and the store is measured twice: each commit fsyncing its own directories, and
 * with directory fsyncs group-committed. Blob files land in warm {@code ab/cd} directories (all
 * 65,536 exist, as in a store holding a few hundred thousand blobs; {@code --cold} measures fresh
 * stores). Last line: {@code store_commits_per_s=<n> raw_commits_per_s=<n> ratio=<x>} (medians;
 * ratio = store / raw).
 */
public final class BlobCommitBenchmark {

    record Args(int commits, int threads, int rounds, int size, Path dir, boolean cold, int reopenBlobs) {

        static Args parse(String[] args) {
            int commits = 4000;
            int threads = 16;
            int rounds = 3;
            int size = 4096;
            Path dir = Path.of("ops/bench/target/blob-commit-bench");
            boolean cold = false;
            int reopenBlobs = 0;
            for (int i = 0; i < args.length; i += 2) {
                if (args[i].equals("--cold")) {
                    cold = true;
                    i--;
                    continue;
                }
                switch (args[i]) {
                    case "--commits" -> commits = Integer.parseInt(args[i + 1]);
                    case "--threads" -> threads = Integer.parseInt(args[i + 1]);
                    case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                    case "--size" -> size = Integer.parseInt(args[i + 1]);
                    case "--reopen-blobs" -> reopenBlobs = Integer.parseInt(args[i + 1]);
                    case "--dir" -> dir = Path.of(args[i + 1]);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            return new Args(commits, threads, rounds, size, dir.toAbsolutePath(), cold, reopenBlobs);
        }
    }

    /** One way of committing one small file into {@code dir}. */
    interface Committer {
        void commit(byte[] content) throws Exception;
    }

    public static void main(String[] argv) throws Exception {
        Args args = Args.parse(argv);
        System.out.printf("blob-commit: %d commits of %d bytes, %d committers, %d rounds, %s stores, in %s%n",
                args.commits(), args.size(), args.threads(), args.rounds(), args.cold() ? "cold" : "warm", args.dir());
        boolean packed = args.size() <= BlobStore.PACKED_MAX_BYTES;
        System.out.println(packed ? "blobs of this size are packed: one fsync per batch of concurrent commits"
                : "blobs of this size are files of their own: store = per-commit directory fsyncs, also measured batched");
        List<Double> store = new ArrayList<>();
        List<Double> batchedDirs = new ArrayList<>();
        List<Double> raw = new ArrayList<>();
        for (int round = 1; round <= args.rounds(); round++) {
            double r = run(args, "raw", dir -> rawCommitter(Files.createDirectories(dir.resolve("flat"))));
            double p = run(args, "store", dir -> storeCommitter(dir, BlobStore.DirectoryFsync.PER_FILE));
            raw.add(r);
            store.add(p);
            if (packed) {
                System.out.printf("round %d: raw (a file each, flat dir) %.0f/s   store (packed) %.0f/s%n", round, r, p);
            } else {
                double b = run(args, "batched", dir -> storeCommitter(dir, BlobStore.DirectoryFsync.BATCHED));
                batchedDirs.add(b);
                System.out.printf("round %d: raw (flat dir) %.0f/s   store per-commit dir fsyncs %.0f/s   store batched dir fsyncs %.0f/s%n",
                        round, r, p, b);
            }
        }
        double p = median(store);
        double r = median(raw);
        System.out.printf("median: raw %.0f/s, store %.0f/s%s; store/raw %.2f%n", r, p,
                packed ? " (packed)" : String.format(", store with batched dir fsyncs %.0f/s", median(batchedDirs)), p / r);
        if (args.reopenBlobs() > 0) {
            reopen(args);
        }
        System.out.printf("store_commits_per_s=%.0f raw_commits_per_s=%.0f ratio=%.2f%n", p, r, p / r);
    }

    /**
     * Opening a store that holds many packed blobs: they are stored (64-byte blobs, so the run is short; the
     * index work per blob is the same at any size), then the store is opened again and every blob looked up.
     */
    private static void reopen(Args args) throws Exception {
        Path dir = args.dir().resolve("reopen");
        delete(dir);
        int blobs = args.reopenBlobs();
        try (BlobStore store = new BlobStore(dir, new SimpleMeterRegistry())) {
            ExecutorService pool = Executors.newFixedThreadPool(args.threads());
            AtomicInteger next = new AtomicInteger();
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < args.threads(); t++) {
                done.add(pool.submit(() -> {
                    for (int n = next.getAndIncrement(); n < blobs; n = next.getAndIncrement()) {
                        byte[] content = java.nio.ByteBuffer.allocate(64).putInt(n).array();
                        store.putSmall(BlobStore.sha256Of(content), content);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            pool.shutdown();
        }
        long started = System.nanoTime();
        try (BlobStore store = new BlobStore(dir, new SimpleMeterRegistry())) {
            double openSeconds = (System.nanoTime() - started) / 1e9;
            long lookups = System.nanoTime();
            for (int n = 0; n < blobs; n++) {
                if (!store.contains(BlobStore.sha256Of(java.nio.ByteBuffer.allocate(64).putInt(n).array()))) {
                    throw new IllegalStateException("blob " + n + " not found after reopening");
                }
            }
            System.out.printf("reopen: %,d packed blobs opened in %.2f s (sidecars and the open pack), all %,d found in %.2f s%n",
                    blobs, openSeconds, blobs, (System.nanoTime() - lookups) / 1e9);
        }
        delete(dir);
    }

    interface Setup {
        Committer create(Path dir) throws IOException;
    }

    private static double run(Args args, String name, Setup setup) throws Exception {
        Path dir = args.dir().resolve(name);
        if (args.cold()) {
            delete(dir);
        } else {
            deleteFiles(dir);
            warm(dir.resolve("blobs"));
        }
        Files.createDirectories(dir);
        Committer committer = setup.create(dir);
        AtomicInteger left = new AtomicInteger(args.commits());
        ExecutorService pool = Executors.newFixedThreadPool(args.threads());
        long started = System.nanoTime();
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < args.threads(); t++) {
                done.add(pool.submit(() -> {
                    byte[] content = new byte[args.size()];
                    while (left.getAndDecrement() > 0) {
                        ThreadLocalRandom.current().nextBytes(content); // new content: a new blob each time
                        committer.commit(content);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        if (args.cold()) {
            delete(dir);
        }
        return args.commits() / seconds;
    }

    private static Committer storeCommitter(Path dir, BlobStore.DirectoryFsync mode) {
        BlobStore store = new BlobStore(dir, new SimpleMeterRegistry(), mode); // its pack channels close with the JVM
        return content -> {
            try (StagedBlob blob = store.stage()) {
                blob.write(content, 0, content.length);
                blob.commit();
            }
        };
    }

    private static Committer rawCommitter(Path flat) {
        AtomicInteger names = new AtomicInteger();
        return content -> {
            int n = names.incrementAndGet();
            Path temp = flat.resolve(n + ".part");
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap(content));
                channel.force(true);
            }
            Files.move(temp, flat.resolve(n + ".blob"), StandardCopyOption.ATOMIC_MOVE);
            try (FileChannel d = FileChannel.open(flat, StandardOpenOption.READ)) {
                d.force(true);
            }
        };
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** Every {@code ab/cd} directory of the layout, made once per store and fsynced (skipped when present). */
    private static void warm(Path blobs) throws IOException {
        if (Files.isDirectory(blobs.resolve("ff").resolve("ff"))) {
            return;
        }
        for (int a = 0; a < 256; a++) {
            Path first = Files.createDirectories(blobs.resolve(String.format("%02x", a)));
            for (int b = 0; b < 256; b++) {
                Files.createDirectories(first.resolve(String.format("%02x", b)));
            }
        }
        try (FileChannel any = FileChannel.open(blobs, StandardOpenOption.READ)) {
            any.force(true); // one journal commit makes them all durable before the clock starts
        }
    }

    /** Blob and temp files from an earlier round; directories stay (a warm store). */
    private static void deleteFiles(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                Files.delete(p);
            }
        }
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
