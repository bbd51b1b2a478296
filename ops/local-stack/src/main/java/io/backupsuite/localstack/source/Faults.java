package io.backupsuite.localstack.source;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Misbehaviour on cue, chosen by query parameters of a file URL, so that tests and demos can show
 * retries and verification on the real stack: {@code failFirst=N} answers the first N requests for
 * that URL with 500, {@code corrupt=1} flips one byte of the body.
 */
record Faults(int failFirst, boolean corrupt) {

    private static final Map<String, AtomicInteger> REQUESTS = new ConcurrentHashMap<>();

    static Faults parse(String query) {
        int failFirst = 0;
        boolean corrupt = false;
        if (query != null) {
            for (String pair : query.split("&")) {
                if (pair.startsWith("failFirst=")) {
                    failFirst = parseInt(pair.substring("failFirst=".length()));
                } else if (pair.equals("corrupt=1")) {
                    corrupt = true;
                }
            }
        }
        return new Faults(failFirst, corrupt);
    }

    /** Counts a request for this URL and tells whether it is one of the first N that must fail. */
    boolean failsNow(String url) {
        return failFirst > 0 && REQUESTS.computeIfAbsent(url, u -> new AtomicInteger()).incrementAndGet() <= failFirst;
    }

    private static int parseInt(String value) {
        try {
            return Math.max(0, Integer.parseInt(value));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
