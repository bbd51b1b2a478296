package io.backupsuite.worker.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupsuite.worker.store.BlobStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The staging area on a real directory: naming, one transfer per object, sweeping by age. */
class StagingAreaTests {

    private static final DownloadRequest REQUEST =
            new DownloadRequest("../../etc/passwd", 10_000, "ab".repeat(32), List.of("http://127.0.0.1/x"));

    @TempDir
    Path root;

    @Test
    void namesTheDirectoryByTheKeysHashAndAllowsOneTransferAtATime() throws Exception {
        StagingArea area = new StagingArea(root, 4096, Duration.ofHours(1), Clock.systemUTC());
        StagedObject staged = area.open(REQUEST);
        assertThat(Files.isDirectory(root.resolve(StagingArea.sha256(REQUEST.objectKey())))).isTrue();
        assertThatThrownBy(() -> area.open(REQUEST))
                .isInstanceOfSatisfying(DownloadException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.ALREADY_RUNNING));
        staged.append(new byte[5000], 0, 5000);
        staged.keep();
        StagedObject again = area.open(REQUEST);
        assertThat(again.verified()).isEqualTo(4096);
        again.discard();
        assertThat(root).isEmptyDirectory();
    }

    @Test
    void sweepsStagingUntouchedForLongerThanTheMaximumAge() throws Exception {
        Instant later = Instant.now().plus(Duration.ofHours(2));
        StagedObject staged = new StagingArea(root, 4096, Duration.ofHours(1), Clock.systemUTC()).open(REQUEST);
        staged.append(new byte[4096], 0, 4096);
        staged.keep();

        new StagingArea(root, 4096, Duration.ofHours(3), Clock.fixed(later, ZoneOffset.UTC)).sweep();
        assertThat(root).isNotEmptyDirectory();
        new StagingArea(root, 4096, Duration.ofHours(1), Clock.fixed(later, ZoneOffset.UTC)).sweep();
        assertThat(root).isEmptyDirectory();
    }

    @Test
    void startsOverWhenTheTaskExpectsOtherContent() throws Exception {
        StagingArea area = new StagingArea(root, 4096, Duration.ofHours(1), Clock.systemUTC());
        StagedObject staged = area.open(REQUEST);
        staged.append(new byte[4096], 0, 4096);
        staged.keep();
        var newVersion = new DownloadRequest(REQUEST.objectKey(), REQUEST.size(), "cd".repeat(32), REQUEST.sources());
        StagedObject fresh = area.open(newVersion);
        assertThat(fresh.verified()).isZero();
        fresh.discard();
    }

    @Test
    void aSmallObjectOfOneChunkIsStagedInMemoryAndStartsOverAfterARestart() throws Exception {
        var small = new DownloadRequest("photos/small.jpg", 3000, "ab".repeat(32), List.of("http://127.0.0.1/x"));
        StagingArea area = new StagingArea(root, 4096, Duration.ofHours(1), Clock.systemUTC());
        StagedObject staged = area.open(small);
        byte[] bytes = new byte[3000];
        new java.util.Random(5).nextBytes(bytes);
        staged.append(bytes, 0, 3000);
        assertThat(staged.verified()).isEqualTo(3000);
        assertThat(staged.inMemory()).isTrue();
        assertThat(staged.content()).isEqualTo(bytes);
        assertThat(root.resolve(StagingArea.sha256(small.objectKey()))).doesNotExist(); // no file at all: it goes into a pack
        assertThatThrownBy(() -> area.open(small)).isInstanceOf(DownloadException.class); // still one transfer at a time
        staged.keep();
        StagedObject again = area.open(small); // as after a crash: nothing to resume from
        assertThat(again.verified()).isZero();
        again.discard();
    }

    @Test
    void anObjectOfOneChunkTooLargeForAPackIsAFileWithoutChunkRecords() throws Exception {
        int size = BlobStore.PACKED_MAX_BYTES + 1000;
        var one = new DownloadRequest("photos/one-chunk.jpg", size, "ab".repeat(32), List.of("http://127.0.0.1/x"));
        StagingArea area = new StagingArea(root, 1 << 20, Duration.ofHours(1), Clock.systemUTC());
        StagedObject staged = area.open(one);
        staged.append(new byte[size], 0, size);
        assertThat(staged.inMemory()).isFalse();
        Path dir = root.resolve(StagingArea.sha256(one.objectKey()));
        // no manifest and no chunk record: the blob store fsyncs the file when it commits it
        assertThat(dir.resolve("manifest")).doesNotExist();
        assertThat(Files.size(dir.resolve("chunks"))).isZero();
        staged.keep();
        StagedObject again = area.open(one);
        assertThat(again.verified()).isZero();
        again.discard();
    }
}
