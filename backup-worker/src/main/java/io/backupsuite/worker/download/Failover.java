package io.backupsuite.worker.download;

import java.util.ArrayList;
import java.util.List;

/**
 * The replica schedule of one attempt: sources in the order given (healthiest first), moving on to
 * the next after each failure, each tried at most {@code triesPerSource} times, and one that cannot
 * help (refused by the allow-list, wrong size, wrong content) not again. Records which source served
 * which byte range and why a transfer restarted, for the result and the log.
 */
final class Failover {

    private final List<String> order;
    private final int triesPerSource;
    private final int[] tries;
    private final boolean[] givenUp;
    private final List<DownloadException> failures = new ArrayList<>();
    private final List<String> served = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private int cursor;
    private int current = -1;

    Failover(List<String> order, int triesPerSource) {
        this.order = List.copyOf(order);
        this.triesPerSource = triesPerSource;
        this.tries = new int[order.size()];
        this.givenUp = new boolean[order.size()];
    }

    /** The source to try next, or {@code null} when every source has had its tries. */
    String next() {
        for (int k = 0; k < order.size(); k++) {
            int i = (cursor + k) % order.size();
            if (!givenUp[i] && tries[i] < triesPerSource) {
                tries[i]++;
                current = i;
                return order.get(i);
            }
        }
        return null;
    }

    /** The current source failed; {@code giveUp} when trying it again cannot help. */
    void failed(DownloadException failure, boolean giveUp) {
        failures.add(failure);
        if (giveUp) {
            givenUp[current] = true;
        }
        cursor = current + 1;
    }

    void served(String source, long from, long to) {
        if (to > from) {
            served.add(source + " [" + from + "-" + to + ")");
        }
    }

    /** How many tries failed so far in this attempt. */
    int failures() {
        return failures.size();
    }

    void note(String note) {
        notes.add(note);
    }

    /** Which source served which byte range, and why the transfer restarted, if it did. */
    String history() {
        StringBuilder text = new StringBuilder();
        if (!served.isEmpty()) {
            text.append("served: ").append(String.join(", ", served));
        }
        if (!notes.isEmpty()) {
            text.append(text.isEmpty() ? "" : "; ").append(String.join("; ", notes));
        }
        return text.toString();
    }

    /**
     * The failure of the attempt: the last failure that got past the allow-list decides the kind;
     * the message names every failure, what is staged for the next attempt and the history.
     */
    DownloadException summary(long staged, long size) {
        if (failures.size() == 1 && served.isEmpty() && notes.isEmpty()) {
            return failures.get(0);
        }
        DownloadException decisive = failures.stream()
                .filter(f -> f.kind() != ErrorKind.SOURCE_NOT_ALLOWED)
                .reduce((a, b) -> b)
                .orElse(failures.get(failures.size() - 1));
        StringBuilder message = new StringBuilder("all " + order.size() + " sources failed (" + failures.size() + " tries)");
        for (DownloadException f : failures) {
            message.append("; ").append(f.getMessage());
        }
        if (staged > 0) {
            message.append("; ").append(staged).append(" of ").append(size).append(" bytes staged for the next attempt");
        }
        String history = history();
        if (!history.isEmpty()) {
            message.append("; ").append(history);
        }
        long bytes = failures.stream().mapToLong(DownloadException::bytes).sum();
        return DownloadException.of(decisive.kind(), message.toString(), bytes);
    }
}
