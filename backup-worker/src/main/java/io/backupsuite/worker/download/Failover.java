package io.backupsuite.worker.download;

import java.util.ArrayList;
import java.util.List;

/**
 * The replica schedule of one attempt: sources in the order given (healthiest first), moving on to
 * the next after each failure, each tried at most {@code triesPerSource} times, and one that cannot
 * help (refused by the allow-list, wrong size, wrong content) not again. Records which source served
 * which byte range and why a transfer restarted, for the result, the log and the progress. The
 * recording methods are thread-safe (parallel ranges record from several threads).
 */
final class Failover {

    private final List<String> order;
    private final int triesPerSource;
    private final int[] tries;
    private final boolean[] givenUp;
    private final List<DownloadException> failures = new ArrayList<>();
    private final List<ProgressListener.Served> served = new ArrayList<>();
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

    /** {@code source} failed outside the sequential loop (a whole body it answered to a range); it counts as a try. */
    synchronized void failed(String source, DownloadException failure, boolean giveUp) {
        int i = order.indexOf(source);
        if (i >= 0) {
            current = i;
            tries[i]++;
        }
        failed(failure, giveUp);
    }

    /** The current source failed; {@code giveUp} when trying it again cannot help. */
    synchronized void failed(DownloadException failure, boolean giveUp) {
        failures.add(failure);
        if (giveUp && current >= 0) {
            givenUp[current] = true;
        }
        cursor = current + 1;
    }

    synchronized void served(String source, long from, long to) {
        if (to <= from) {
            return;
        }
        int last = served.size() - 1;
        if (last >= 0 && served.get(last).to() == from && served.get(last).source().equals(source)) {
            served.set(last, new ProgressListener.Served(source, served.get(last).from(), to)); // one run of chunks
        } else {
            served.add(new ProgressListener.Served(source, from, to));
        }
    }

    /** Which source served which byte range so far, by offset, adjacent ranges of one source merged. */
    synchronized List<ProgressListener.Served> ranges() {
        List<ProgressListener.Served> sorted = new ArrayList<>(served);
        sorted.sort(java.util.Comparator.comparingLong(ProgressListener.Served::from));
        List<ProgressListener.Served> merged = new ArrayList<>();
        for (ProgressListener.Served r : sorted) {
            int last = merged.size() - 1;
            if (last >= 0 && merged.get(last).to() == r.from() && merged.get(last).source().equals(r.source())) {
                merged.set(last, new ProgressListener.Served(r.source(), merged.get(last).from(), r.to()));
            } else {
                merged.add(r);
            }
        }
        return merged;
    }

    /** The staged bytes were discarded (a new version): what was served so far moves to the notes. */
    synchronized void discardServed() {
        if (!served.isEmpty()) {
            notes.add("discarded " + String.join(", ", ranges().stream()
                    .map(r -> r.source() + " [" + r.from() + "-" + r.to() + ")").toList()));
            served.clear();
        }
    }

    /** A failed try of a source in a chunked transfer (the chunk schedule decides what happens to the source). */
    synchronized void record(DownloadException failure) {
        failures.add(failure);
    }

    /** The messages of the tries that failed so far, for the log of a transfer that got through anyway. */
    synchronized String failureMessages() {
        return String.join("; ", failures.stream().map(DownloadException::getMessage).toList());
    }

    /** How many tries failed so far in this attempt. */
    synchronized int failures() {
        return failures.size();
    }

    synchronized void note(String note) {
        notes.add(note);
    }

    /** Which source served which byte range, and why the transfer restarted, if it did. */
    synchronized String history() {
        StringBuilder text = new StringBuilder();
        if (!served.isEmpty()) {
            text.append("served: ").append(String.join(", ", ranges().stream()
                    .map(r -> r.source() + " [" + r.from() + "-" + r.to() + ")").toList()));
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
    synchronized DownloadException summary(long staged, long size) {
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
