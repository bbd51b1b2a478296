package io.backupsuite.dispatcher.queue;

import java.util.List;

/**
 * The attempts leased by one claim call.
 *
 * @param serverTimeMillis Redis time of the claim; leases end {@code leaseMillis} later
 * @param leaseMillis length of each lease
 * @param finishedTotal attempts of the queue that ever left working with a result (success or failure), all dispatchers together
 * @param tasks the leased attempts, oldest first
 */
public record Claim(long serverTimeMillis, long leaseMillis, long finishedTotal, List<ClaimedTask> tasks) {

    public Claim {
        tasks = List.copyOf(tasks);
    }
}
