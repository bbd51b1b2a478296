package io.backupsuite.worker.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The read-ahead ring on its own: order, limits, failures from either side, and that close() leaves no reader behind. */
class ReadAheadTests {

    private final ExecutorService executor = Executors.newCachedThreadPool();

    @AfterEach
    void tearDown() throws InterruptedException {
        executor.shutdown();
        assertThat(executor.awaitTermination(5, TimeUnit.SECONDS)).as("no reader left running").isTrue();
    }

    @Test
    void handsOverEveryByteInOrder() throws Exception {
        byte[] bytes = random(1_000_003);
        try (ReadAhead readAhead = ReadAhead.start(new TrickleStream(bytes), bytes.length, 3, 64 * 1024, (b, n) -> {}, () -> {}, executor)) {
            assertThat(drain(readAhead)).isEqualTo(bytes);
            assertThat(readAhead.next()).isNull();
        }
    }

    @Test
    void stopsReadingOneBytePastTheLimit() throws Exception {
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 7;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                return len;
            }
        };
        try (ReadAhead readAhead = ReadAhead.start(endless, 100_000, 2, 4096, (b, n) -> {}, () -> {}, executor)) {
            assertThat(drain(readAhead)).hasSize(100_001);
        }
    }

    @Test
    void handsOverTheBytesBeforeAReadFailureThenTheFailure() throws Exception {
        byte[] head = random(10_000);
        InputStream failing = new SequenceInputStream(new ByteArrayInputStream(head), new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("connection reset");
            }
        });
        try (ReadAhead readAhead = ReadAhead.start(failing, 1 << 20, 2, 4096, (b, n) -> {}, () -> {}, executor)) {
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            assertThatThrownBy(() -> {
                ReadAhead.Chunk chunk;
                while ((chunk = readAhead.next()) != null) {
                    received.write(chunk.bytes(), 0, chunk.length());
                    readAhead.release(chunk);
                }
            }).hasMessage("connection reset");
            assertThat(received.toByteArray()).isEqualTo(head);
        }
    }

    @Test
    void closeAbortsAReadBlockedOnTheSourceAndWaitsForTheReader() throws Exception {
        BlockingStream stalled = new BlockingStream();
        ReadAhead readAhead = ReadAhead.start(stalled, 1 << 20, 2, 4096, (b, n) -> {}, stalled::abort, executor);
        stalled.reading.await();
        readAhead.close();
        assertThat(stalled.aborted).isTrue();
        assertThat(stalled.readerExited).isTrue();
    }

    @Test
    void closeStopsAReaderWaitingForTheConsumer() throws Exception {
        AtomicInteger aborts = new AtomicInteger();
        byte[] bytes = random(1 << 20);
        ReadAhead readAhead = ReadAhead.start(new ByteArrayInputStream(bytes), bytes.length, 2, 4096, (b, n) -> {}, aborts::incrementAndGet, executor);
        readAhead.next(); // the consumer takes one chunk and fails before giving it back
        readAhead.close();
        executor.shutdown();
        assertThat(executor.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aFailureOfTheReadHookReachesTheConsumer() throws Exception {
        byte[] bytes = random(50_000);
        ReadAhead.OnRead failing = (b, n) -> {
            throw new IllegalStateException("hash failed");
        };
        try (ReadAhead readAhead = ReadAhead.start(new ByteArrayInputStream(bytes), bytes.length, 2, 4096, failing, () -> {}, executor)) {
            assertThatThrownBy(readAhead::next).hasMessage("hash failed");
        }
    }

    @Test
    void hooksEveryChunkOnTheReaderBeforeHandingItOver() throws Exception {
        byte[] bytes = random(100_000);
        ByteArrayOutputStream hooked = new ByteArrayOutputStream();
        try (ReadAhead readAhead = ReadAhead.start(new TrickleStream(bytes), bytes.length, 2, 4096,
                (b, n) -> hooked.write(b, 0, n), () -> {}, executor)) {
            assertThat(drain(readAhead)).isEqualTo(bytes);
        }
        assertThat(hooked.toByteArray()).isEqualTo(bytes);
    }

    private static byte[] drain(ReadAhead readAhead) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ReadAhead.Chunk chunk;
        while ((chunk = readAhead.next()) != null) {
            out.write(chunk.bytes(), 0, chunk.length());
            readAhead.release(chunk);
        }
        return out.toByteArray();
    }

    private static byte[] random(int n) {
        byte[] bytes = new byte[n];
        new Random(n).nextBytes(bytes);
        return bytes;
    }

    /** Returns few bytes per read, as a socket does. */
    private static final class TrickleStream extends ByteArrayInputStream {

        TrickleStream(byte[] bytes) {
            super(bytes);
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) {
            return super.read(b, off, Math.min(len, 1 + pos % 5000));
        }
    }

    /** Blocks every read until aborted, like a socket of a stalled source. */
    private static final class BlockingStream extends InputStream {

        final CountDownLatch reading = new CountDownLatch(1);
        private final CountDownLatch abortLatch = new CountDownLatch(1);
        volatile boolean aborted;
        volatile boolean readerExited;

        void abort() {
            aborted = true;
            abortLatch.countDown();
        }

        @Override
        public int read() throws IOException {
            reading.countDown();
            try {
                abortLatch.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            readerExited = true; // set before the reader leaves, so close() must have waited for it
            throw new IOException("socket closed");
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return read();
        }
    }
}
