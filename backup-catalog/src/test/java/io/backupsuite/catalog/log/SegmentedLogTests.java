package io.backupsuite.catalog.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentedLogTests {

    @TempDir
    Path dir;

    private static LogEntry entry(long epoch, long seq) {
        return new LogEntry(epoch, seq, EntryType.OPERATION, ("payload-" + seq).getBytes());
    }

    @Test
    void appendedEntriesAreReadBackAfterReopen() throws Exception {
        try (var log = new SegmentedLog(dir, 1 << 20, n -> {})) {
            for (long seq = 1; seq <= 100; seq++) {
                log.append(List.of(entry(seq <= 50 ? 1 : 2, seq)));
            }
            log.whenDurable(100).get();
        }
        try (var log = new SegmentedLog(dir, 1 << 20, n -> {})) {
            assertThat(log.lastSeq()).isEqualTo(100);
            assertThat(log.lastEpoch()).isEqualTo(2);
            assertThat(log.epochAt(50)).isEqualTo(1);
            assertThat(log.epochAt(51)).isEqualTo(2);
            assertThat(log.epochRunStart(70)).isEqualTo(51);
            List<LogEntry> read = log.read(40, 20, 1 << 20);
            assertThat(read).extracting(LogEntry::seq).containsExactlyElementsOf(Stream.iterate(40L, s -> s + 1).limit(20).toList());
            assertThat(new String(read.get(0).payload())).isEqualTo("payload-40");
        }
    }

    @Test
    void concurrentAppendsShareFsyncs() throws Exception {
        AtomicInteger fsyncs = new AtomicInteger();
        try (var log = new SegmentedLog(dir, 64 << 20, n -> fsyncs.incrementAndGet())) {
            List<CompletableFuture<Long>> all = new ArrayList<>();
            for (long seq = 1; seq <= 2000; seq++) {
                all.add(log.append(List.of(entry(1, seq))));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get();
            assertThat(log.durableSeq()).isEqualTo(2000);
        }
        assertThat(fsyncs.get()).isPositive().isLessThan(2000);
    }

    @Test
    void aBatchThatCrossesSegmentsIsWrittenWholeAndReadBack() throws Exception {
        List<LogEntry> batch = new ArrayList<>();
        for (long seq = 1; seq <= 300; seq++) {
            batch.add(entry(1, seq));
        }
        try (var log = new SegmentedLog(dir, 1024, n -> {})) {
            log.append(batch).get();
            assertThat(log.segmentCount()).isGreaterThan(1);
        }
        try (var log = new SegmentedLog(dir, 1024, n -> {})) {
            assertThat(log.lastSeq()).isEqualTo(300);
            assertThat(log.read(1, 300, 1 << 20)).extracting(e -> new String(e.payload()))
                    .containsExactlyElementsOf(batch.stream().map(e -> new String(e.payload())).toList());
        }
    }

    @Test
    void aBatchWithAGapIsRefusedWhole() throws Exception {
        try (var log = new SegmentedLog(dir, 1 << 20, n -> {})) {
            log.append(List.of(entry(1, 1))).get();
            assertThatThrownBy(() -> log.append(List.of(entry(1, 2), entry(1, 4))).get()).hasCauseInstanceOf(LogException.class);
            assertThat(log.lastSeq()).isEqualTo(1);
            log.append(List.of(entry(1, 2))).get();
            assertThat(log.lastSeq()).isEqualTo(2);
        }
    }

    @Test
    void callersThatFlushThemselvesAndTheFlusherShareRounds() throws Exception {
        AtomicInteger fsyncs = new AtomicInteger();
        try (var log = new SegmentedLog(dir, 64 << 20, n -> fsyncs.incrementAndGet())) {
            List<CompletableFuture<Long>> all = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                Thread thread = new Thread(() -> {
                    for (int i = 0; i < 100; i++) {
                        CompletableFuture<Long> durable;
                        synchronized (all) { // appends must come in seq order
                            durable = log.append(List.of(entry(1, all.size() + 1)));
                            all.add(durable);
                        }
                        log.flushNow();
                    }
                });
                threads.add(thread);
                thread.start();
            }
            for (Thread thread : threads) {
                thread.join();
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get();
            assertThat(log.durableSeq()).isEqualTo(800);
        }
        assertThat(fsyncs.get()).isPositive().isLessThanOrEqualTo(800);
    }

    @Test
    void aTornLastRecordIsCutOffOnRestart() throws Exception {
        try (var log = new SegmentedLog(dir, 1 << 20, n -> {})) {
            for (long seq = 1; seq <= 10; seq++) {
                log.append(List.of(entry(1, seq)));
            }
            log.whenDurable(10).get();
        }
        Path segment = onlySegment();
        long intact = Files.size(segment);
        try (var raf = new RandomAccessFile(segment.toFile(), "rw")) {
            // half of an 11th record: a crash in the middle of a write
            byte[] record = Segment.encode(entry(1, 11)).array();
            raf.seek(intact);
            raf.write(record, 0, record.length / 2);
        }
        try (var log = new SegmentedLog(dir, 1 << 20, n -> {})) {
            assertThat(log.lastSeq()).isEqualTo(10);
            assertThat(Files.size(segment)).isEqualTo(intact);
            log.append(List.of(entry(1, 11))).get();
            assertThat(log.read(11, 1, 1 << 20).get(0).seq()).isEqualTo(11);
        }
    }

    @Test
    void aLastRecordWithABadChecksumIsCutOff() throws Exception {
        try (var log = new SegmentedLog(dir, 1 << 20, n -> {})) {
            for (long seq = 1; seq <= 5; seq++) {
                log.append(List.of(entry(1, seq)));
            }
            log.whenDurable(5).get();
        }
        Path segment = onlySegment();
        try (var raf = new RandomAccessFile(segment.toFile(), "rw")) {
            raf.seek(raf.length() - 1);
            int last = raf.read();
            raf.seek(raf.length() - 1);
            raf.write(last ^ 0xFF); // flip the last payload byte of entry 5
        }
        try (var log = new SegmentedLog(dir, 1 << 20, n -> {})) {
            assertThat(log.lastSeq()).isEqualTo(4);
        }
    }

    @Test
    void truncationRemovesASuffixAcrossSegments() throws Exception {
        try (var log = new SegmentedLog(dir, 200, n -> {})) {
            for (long seq = 1; seq <= 30; seq++) {
                log.append(List.of(entry(1, seq)));
            }
            log.whenDurable(30).get();
            assertThat(log.segmentCount()).isGreaterThan(3);
            log.truncateFrom(12);
            assertThat(log.lastSeq()).isEqualTo(11);
            log.append(List.of(entry(2, 12))).get();
        }
        try (var log = new SegmentedLog(dir, 200, n -> {})) {
            assertThat(log.lastSeq()).isEqualTo(12);
            assertThat(log.epochAt(12)).isEqualTo(2);
            assertThat(log.epochAt(11)).isEqualTo(1);
        }
    }

    @Test
    void appendsThatDoNotContinueTheLogAreRefused() throws Exception {
        try (var log = new SegmentedLog(dir, 1 << 20, n -> {})) {
            log.append(List.of(entry(2, 1))).get();
            assertThatThrownBy(() -> log.append(List.of(entry(2, 3))).get()).isInstanceOf(ExecutionException.class);
            assertThatThrownBy(() -> log.append(List.of(entry(1, 2))).get()).isInstanceOf(ExecutionException.class);
            assertThat(log.lastSeq()).isEqualTo(1);
        }
    }

    @Test
    void compactionDropsWholeOldSegmentsAndKeepsThePositionOfTheBase() throws Exception {
        try (var log = new SegmentedLog(dir, 200, n -> {})) {
            for (long seq = 1; seq <= 40; seq++) {
                log.append(List.of(entry(seq <= 20 ? 1 : 3, seq)));
            }
            log.whenDurable(40).get();
            assertThat(log.compactTo(25)).isPositive();
            assertThat(log.baseSeq()).isBetween(1L, 25L);
            assertThatThrownBy(() -> log.read(1, 1, 100)).isInstanceOf(LogException.class);
        }
        try (var log = new SegmentedLog(dir, 200, n -> {})) {
            long base = log.baseSeq();
            assertThat(base).isPositive();
            assertThat(log.epochAt(base)).isEqualTo(base <= 20 ? 1 : 3);
            assertThat(log.lastSeq()).isEqualTo(40);
        }
    }

    private Path onlySegment() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".seg")).findFirst().orElseThrow();
        }
    }
}
