package io.backupsuite.worker.download;

/** Told as bytes arrive; implementations throttle what they do with it. Called on the transfer's thread. */
@FunctionalInterface
public interface ProgressListener {

    ProgressListener NONE = (bytesDone, source) -> {};

    void onProgress(long bytesDone, String source);
}
