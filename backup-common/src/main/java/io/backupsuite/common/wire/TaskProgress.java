package io.backupsuite.common.wire;

import java.util.ArrayList;
import java.util.List;

/**
 * Throttled progress of a running attempt, published on {@link Topics#PROGRESS}. The dispatcher
 * records it on the task and renews the attempt's lease, so a live transfer is never redelivered.
 * The last two components came later: a message without them (an older worker) reads as no chunk
 * verified and no range history.
 *
 * @param taskId the task
 * @param attemptToken the attempt; a stale token renews nothing
 * @param workerId the worker running it
 * @param bytesDone verified bytes so far
 * @param totalBytes expected total
 * @param source the replica URL currently in use
 * @param atMillis when the progress was measured
 * @param chunksVerified staged chunks verified so far (CRC, and the source's Content-Digest when it sent one)
 * @param ranges which replica served which byte ranges in this attempt, at most {@link #MAX_RANGES} (adjacent ranges of
 *     one replica merged; beyond the bound the oldest are dropped)
 */
public record TaskProgress(
        String taskId,
        String attemptToken,
        String workerId,
        long bytesDone,
        long totalBytes,
        String source,
        long atMillis,
        Integer chunksVerified,
        List<ServedRange> ranges) {

    /** Most ranges a progress message carries: it is stored on the task and must stay small. */
    public static final int MAX_RANGES = 32;

    public TaskProgress {
        chunksVerified = chunksVerified == null ? 0 : chunksVerified; // absent in an older worker's message
        ranges = bounded(ranges);
    }

    /** A progress message without chunk and range detail (the original seven components). */
    public TaskProgress(
            String taskId, String attemptToken, String workerId, long bytesDone, long totalBytes, String source, long atMillis) {
        this(taskId, attemptToken, workerId, bytesDone, totalBytes, source, atMillis, 0, List.of());
    }

    /**
     * Bytes {@code [from, to)} of the object received from {@code source}.
     *
     * @param source replica URL
     * @param from first byte
     * @param to one past the last byte
     */
    public record ServedRange(String source, long from, long to) {}

    /** Adjacent ranges of one source merged, nulls dropped, at most {@link #MAX_RANGES} (the newest). */
    public static List<ServedRange> bounded(List<ServedRange> ranges) {
        if (ranges == null || ranges.isEmpty()) {
            return List.of();
        }
        List<ServedRange> merged = new ArrayList<>();
        for (ServedRange r : ranges) {
            if (r == null) {
                continue;
            }
            ServedRange last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && last.to() == r.from() && java.util.Objects.equals(last.source(), r.source())) {
                merged.set(merged.size() - 1, new ServedRange(last.source(), last.from(), r.to()));
            } else {
                merged.add(r);
            }
        }
        int drop = Math.max(0, merged.size() - MAX_RANGES);
        return List.copyOf(merged.subList(drop, merged.size()));
    }
}
