package io.backupsuite.worker.download;

import java.util.List;

/** Told as bytes arrive; implementations throttle what they do with it. Called on the transfer's thread. */
@FunctionalInterface
public interface ProgressListener {

    ProgressListener NONE = (bytesDone, source) -> {};

    void onProgress(long bytesDone, String source);

    /**
     * Progress with the detail of a chunked transfer; {@code detail} is read only by a listener that
     * sends something this time (it is computed on demand).
     */
    default void onProgress(long bytesDone, String source, Detail detail) {
        onProgress(bytesDone, source);
    }

    /** Chunks verified so far and which replica served which byte ranges in this attempt. */
    interface Detail {

        Detail NONE = new Detail() {
            @Override
            public int chunksVerified() {
                return 0;
            }

            @Override
            public List<Served> ranges() {
                return List.of();
            }
        };

        int chunksVerified();

        List<Served> ranges();
    }

    /**
     * Bytes {@code [from, to)} received from {@code source}.
     *
     * @param source replica URL
     * @param from first byte
     * @param to one past the last byte
     */
    record Served(String source, long from, long to) {}
}
