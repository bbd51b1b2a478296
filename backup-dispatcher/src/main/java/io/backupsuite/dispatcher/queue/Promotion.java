package io.backupsuite.dispatcher.queue;

/**
 * What one promotion pass moved, and when the next one is due.
 *
 * @param serverTimeMillis Redis time of the pass
 * @param requeued expired leases put back into pending
 * @param unstarted of {@code requeued}, those whose attempt never reported progress: given back
 *     without using up an attempt
 * @param dead expired leases that used up their attempts
 * @param promoted delayed tasks whose retry time had come
 * @param nextDueMillis earliest lease deadline or retry time still ahead, {@code -1} if none
 * @param limitReached {@code true} when the pass stopped at its batch limit and more may be due
 */
public record Promotion(
        long serverTimeMillis, int requeued, int unstarted, int dead, int promoted, long nextDueMillis, boolean limitReached) {

    /** Milliseconds until the next due time, or {@code -1} when nothing is scheduled. */
    public long millisUntilNextDue() {
        return nextDueMillis < 0 ? -1 : Math.max(0, nextDueMillis - serverTimeMillis);
    }
}
