package io.backupsuite.worker.store;

import java.util.Arrays;

/**
 * Where each packed blob is: the first 8 bytes of its SHA-256 mapped to its location (pack number
 * in the high half, offset in the low half), in two primitive arrays with open addressing, so a
 * packed blob costs 16-32 bytes of heap instead of the ~200 a map of strings would. The prefix
 * alone proves nothing (anyone can make two contents that share 64 bits of hash), so a caller
 * checks every candidate against the full SHA-256 in the pack's record header.
 */
final class PackIndex {

    private long[] keys = new long[1 << 12];
    private long[] values = new long[1 << 12];
    private int size;

    static long location(int pack, long offset) {
        return ((long) pack << 32) | offset;
    }

    static int pack(long location) {
        return (int) (location >>> 32);
    }

    static long offset(long location) {
        return location & 0xFFFF_FFFFL;
    }

    /** Adds a location (never 0: pack numbers start at 1) for a prefix; a prefix may have several. */
    synchronized void add(long prefix, long location) {
        if (location == 0) {
            throw new IllegalArgumentException("location 0 is the empty slot");
        }
        if ((size + 1) * 4L > values.length * 3L) {
            grow();
        }
        insert(keys, values, prefix, location);
        size++;
    }

    /** The locations recorded for a prefix, in no particular order (almost always none or one). */
    synchronized long[] find(long prefix) {
        int mask = values.length - 1;
        long[] found = null;
        int n = 0;
        for (int i = slot(prefix, mask); values[i] != 0; i = (i + 1) & mask) {
            if (keys[i] == prefix) {
                found = found == null ? new long[1] : Arrays.copyOf(found, n + 1);
                found[n++] = values[i];
            }
        }
        return found == null ? new long[0] : found;
    }

    synchronized int size() {
        return size;
    }

    private void grow() {
        long[] oldKeys = keys;
        long[] oldValues = values;
        keys = new long[oldValues.length * 2];
        values = new long[oldValues.length * 2];
        for (int i = 0; i < oldValues.length; i++) {
            if (oldValues[i] != 0) {
                insert(keys, values, oldKeys[i], oldValues[i]);
            }
        }
    }

    private static void insert(long[] keys, long[] values, long prefix, long location) {
        int mask = values.length - 1;
        int i = slot(prefix, mask);
        while (values[i] != 0) {
            i = (i + 1) & mask;
        }
        keys[i] = prefix;
        values[i] = location;
    }

    private static int slot(long prefix, int mask) {
        long h = prefix * 0x9E3779B97F4A7C15L; // the prefix is already random, unless someone chose it
        return (int) (h ^ (h >>> 32)) & mask;
    }
}
