package io.backupsuite.worker.download;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which chunk each connection of a chunked transfer fetches next, and from which replica. Chunks go
 * out lowest first (so the whole-file hash, which runs in order, is never far behind). A connection
 * keeps its replica while it works; a replica that breaks a connection (refused, reset, stalled, bad
 * status) gets a strike and the connection moves on to the next replica in the health order; a
 * replica whose chunk fails its Content-Digest gets a strike and is not asked for that chunk again.
 * A replica with {@code triesPerSource} strikes, or one that cannot help at all, is out for the
 * attempt. Thread-safe.
 */
final class ChunkSchedule {

    private final List<String> order;
    private final int triesPerSource;
    private final int[] strikes;
    private final boolean[] out;
    private final TreeSet<Integer> missing = new TreeSet<>();
    private final Map<Integer, Set<String>> excluded = new HashMap<>();
    private final String[] servedBy;

    ChunkSchedule(List<String> order, int triesPerSource, StagedObject staged) {
        this.order = List.copyOf(order);
        this.triesPerSource = triesPerSource;
        this.strikes = new int[order.size()];
        this.out = new boolean[order.size()];
        this.servedBy = new String[staged.chunkCount()];
        for (int i = 0; i < staged.chunkCount(); i++) {
            if (!staged.isSealed(i)) {
                missing.add(i);
            }
        }
    }

    /** The lowest chunk nobody fetches yet, or {@code null}. */
    synchronized Integer take() {
        return missing.pollFirst();
    }

    /** Gives a chunk back (its fetch failed, or there was no replica for it). */
    synchronized void giveBack(int chunk) {
        missing.add(chunk);
    }

    synchronized boolean done() {
        return missing.isEmpty();
    }

    /** Chunks still to fetch. */
    synchronized int remaining() {
        return missing.size();
    }

    /**
     * The replica for {@code chunk}: {@code preferred} while it is still in and not excluded for the
     * chunk, else the first such replica in the health order after {@code preferred}; {@code null}
     * when none is left.
     */
    synchronized String sourceFor(int chunk, String preferred) {
        Set<String> not = excluded.getOrDefault(chunk, Set.of());
        int start = preferred == null ? 0 : Math.max(0, order.indexOf(preferred));
        for (int k = 0; k < order.size(); k++) {
            int i = (start + k) % order.size();
            if (!out[i] && strikes[i] < triesPerSource && !not.contains(order.get(i))) {
                return order.get(i);
            }
        }
        return null;
    }

    /** Whether {@code source} is still in for this attempt. */
    synchronized boolean usable(String source) {
        int i = order.indexOf(source);
        return i >= 0 && !out[i] && strikes[i] < triesPerSource;
    }

    /** The replica after {@code source} in the health order (where a broken connection moves on to). */
    synchronized String after(String source) {
        int i = order.indexOf(source);
        return order.get((i + 1) % order.size());
    }

    /** A connection to {@code source} broke; {@code giveUp} when trying it again cannot help. */
    synchronized void broke(String source, boolean giveUp) {
        int i = order.indexOf(source);
        strikes[i]++;
        out[i] |= giveUp;
    }

    /** {@code source} sent a chunk with the wrong content: not again for that chunk. */
    synchronized void badChunk(String source, int chunk) {
        strikes[order.indexOf(source)]++;
        excluded.computeIfAbsent(chunk, c -> new HashSet<>()).add(source);
    }

    synchronized void served(int chunk, String source) {
        servedBy[chunk] = source;
    }

    /** The replica whose bytes a verified chunk holds ({@code null}: staged by an earlier attempt). */
    synchronized String servedBy(int chunk) {
        return servedBy[chunk];
    }

    /** Every replica still in, other than {@code source}. */
    synchronized List<String> othersThan(String source) {
        return java.util.stream.IntStream.range(0, order.size())
                .filter(i -> !out[i] && strikes[i] < triesPerSource && !order.get(i).equals(source))
                .mapToObj(order::get)
                .toList();
    }

    synchronized void takeOut(String source) {
        int i = order.indexOf(source);
        if (i >= 0) {
            out[i] = true;
        }
    }
}
