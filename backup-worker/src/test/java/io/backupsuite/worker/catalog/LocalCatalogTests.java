package io.backupsuite.worker.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Versions, journal replay, torn tails and group commit of the local catalog, on real files. */
class LocalCatalogTests {

    private static final String A = "a".repeat(64);
    private static final String B = "b".repeat(64);
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private Path journal() {
        return dir.resolve("catalog").resolve("journal.log");
    }

    private LocalCatalog open() throws IOException {
        return new LocalCatalog(journal(), CatalogJournal.Syncer.FDATASYNC, CLOCK);
    }

    @Test
    void versionsIncreaseOnlyWhenTheContentChanges() throws Exception {
        try (LocalCatalog catalog = open()) {
            assertThat(catalog.put(new CatalogWrite("k", A, 1, "w1")).version()).isEqualTo(1);
            assertThat(catalog.put(new CatalogWrite("k", A, 1, "w1")).version()).isEqualTo(1);
            assertThat(catalog.put(new CatalogWrite("k", A, 1, "w2")).holders()).containsExactly("w1", "w2");
            CatalogEntry changed = catalog.put(new CatalogWrite("k", B, 2, "w1"));
            assertThat(changed.version()).isEqualTo(2);
            assertThat(changed.holders()).containsExactly("w1");
            assertThat(catalog.put(new CatalogWrite("k", A, 1, "w1")).version()).isEqualTo(3);
            assertThat(catalog.lastSequence()).isEqualTo(4); // the unchanged put was not logged
        }
    }

    @Test
    void aRestartReplaysEveryEntry() throws Exception {
        try (LocalCatalog catalog = open()) {
            catalog.put(new CatalogWrite("k1", A, 1, "w1"));
            catalog.put(new CatalogWrite("k2", A, 1, "w1"));
            catalog.put(new CatalogWrite("k1", B, 2, "w1"));
        }
        try (LocalCatalog catalog = open()) {
            assertThat(catalog.size()).isEqualTo(2);
            assertThat(catalog.get("k1")).hasValueSatisfying(e -> {
                assertThat(e.version()).isEqualTo(2);
                assertThat(e.sha256()).isEqualTo(B);
                assertThat(e.storedAt()).isEqualTo(CLOCK.instant());
            });
            assertThat(catalog.lastSequence()).isEqualTo(3);
            assertThat(catalog.put(new CatalogWrite("k3", A, 1, "w1")).version()).isEqualTo(1);
            assertThat(catalog.lastSequence()).isEqualTo(4);
        }
    }

    @Test
    void aTornLastRecordIsCutOffAndWritingContinues() throws Exception {
        try (LocalCatalog catalog = open()) {
            catalog.put(new CatalogWrite("k1", A, 1, "w1"));
            catalog.put(new CatalogWrite("k2", B, 1, "w1"));
        }
        long full = Files.size(journal());
        try (RandomAccessFile file = new RandomAccessFile(journal().toFile(), "rw")) {
            file.setLength(full - 7); // crash in the middle of writing the second record
        }
        try (LocalCatalog catalog = open()) {
            assertThat(catalog.get("k1")).isPresent();
            assertThat(catalog.get("k2")).isEmpty();
            catalog.put(new CatalogWrite("k3", A, 1, "w1"));
        }
        try (LocalCatalog catalog = open()) {
            assertThat(catalog.get("k1")).isPresent();
            assertThat(catalog.get("k3")).isPresent();
            assertThat(catalog.size()).isEqualTo(2);
        }
    }

    @Test
    void aCorruptLastRecordIsDetectedByItsCrc() throws Exception {
        try (LocalCatalog catalog = open()) {
            catalog.put(new CatalogWrite("k1", A, 1, "w1"));
            catalog.put(new CatalogWrite("k2", B, 1, "w1"));
        }
        long full = Files.size(journal());
        try (RandomAccessFile file = new RandomAccessFile(journal().toFile(), "rw")) {
            file.seek(full - 3);
            file.write(0x7f ^ file.read());
        }
        try (LocalCatalog catalog = open()) {
            assertThat(catalog.get("k1")).isPresent();
            assertThat(catalog.get("k2")).isEmpty();
        }
        assertThat(Files.size(journal())).isLessThan(full);
    }

    @Test
    void refusesAFileThatIsNotAJournal() throws Exception {
        Files.createDirectories(journal().getParent());
        Files.writeString(journal(), "something else entirely");
        assertThatThrownBy(this::open).isInstanceOf(IOException.class);
    }

    @Test
    void concurrentPutsShareAnFsyncAndAreDurableWhenTheyReturn() throws Exception {
        int writers = 16;
        CountDownLatch firstSyncHeld = new CountDownLatch(1);
        CountDownLatch releaseFirstSync = new CountDownLatch(1);
        AtomicInteger syncs = new AtomicInteger();
        CatalogJournal.Syncer holdingFirst = channel -> {
            if (syncs.incrementAndGet() == 1) {
                firstSyncHeld.countDown();
                awaitLatch(releaseFirstSync);
            }
            channel.force(false);
        };
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try (LocalCatalog catalog = new LocalCatalog(journal(), holdingFirst, CLOCK)) {
            List<Future<CatalogEntry>> puts = new ArrayList<>();
            puts.add(pool.submit(() -> catalog.put(new CatalogWrite("k0", A, 1, "w1"))));
            firstSyncHeld.await();
            for (int i = 1; i < writers; i++) {
                String key = "k" + i;
                puts.add(pool.submit(() -> catalog.put(new CatalogWrite(key, A, 1, "w1"))));
            }
            // while the first fsync is held, every other writer queues behind it and none has returned
            await().until(() -> catalog.journal().queued() == writers - 1);
            assertThat(puts.subList(1, writers)).noneMatch(Future::isDone);
            releaseFirstSync.countDown();
            for (Future<CatalogEntry> put : puts) {
                assertThat(put.get().version()).isEqualTo(1);
            }
            assertThat(catalog.syncCount()).isEqualTo(2);
        } finally {
            pool.shutdownNow();
        }
        try (LocalCatalog reopened = open()) {
            assertThat(reopened.size()).isEqualTo(writers);
        }
    }

    private static void awaitLatch(CountDownLatch latch) throws IOException {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new IOException(e);
        }
    }
}
