package io.backupsuite.worker.download;

import java.util.List;

/** Keeps the latest progress a transfer reported, with its detail (called on the transfer's thread). */
final class RecordingProgress implements ProgressListener {

    private volatile long lastBytes = -1;
    private volatile int lastChunksVerified;
    private volatile List<Served> lastRanges = List.of();

    @Override
    public void onProgress(long bytesDone, String source) {
        lastBytes = bytesDone;
    }

    @Override
    public void onProgress(long bytesDone, String source, Detail detail) {
        lastBytes = bytesDone;
        lastChunksVerified = detail.chunksVerified();
        lastRanges = detail.ranges();
    }

    long lastBytes() {
        return lastBytes;
    }

    int lastChunksVerified() {
        return lastChunksVerified;
    }

    List<Served> lastRanges() {
        return lastRanges;
    }
}
