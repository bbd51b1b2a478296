package io.backupsuite.localstack.source;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The part of a file a {@code Range} header asks for. Only a single {@code bytes} range is served
 * partially; anything else this server does not understand is answered with the whole file, which
 * RFC 9110 allows.
 *
 * @param first first byte, inclusive
 * @param last last byte, inclusive
 */
record ByteRange(long first, long last) {

    private static final Pattern SINGLE = Pattern.compile("bytes=(\\d*)-(\\d*)");

    /** What to send for a header: the whole file, a range, or 416. */
    sealed interface Answer permits Whole, Partial, Unsatisfiable {}

    record Whole() implements Answer {}

    record Partial(ByteRange range) implements Answer {}

    record Unsatisfiable() implements Answer {}

    long length() {
        return last - first + 1;
    }

    String contentRange(long size) {
        return "bytes " + first + "-" + last + "/" + size;
    }

    static Answer parse(@Nullable String header, long size) {
        if (header == null) {
            return new Whole();
        }
        Matcher m = SINGLE.matcher(header.trim());
        if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
            return new Whole();
        }
        try {
            if (m.group(1).isEmpty()) { // suffix: the last n bytes
                long n = Long.parseLong(m.group(2));
                return n == 0 || size == 0 ? new Unsatisfiable() : new Partial(new ByteRange(Math.max(0, size - n), size - 1));
            }
            long first = Long.parseLong(m.group(1));
            long requestedLast = m.group(2).isEmpty() ? Long.MAX_VALUE : Long.parseLong(m.group(2));
            if (requestedLast < first) {
                return new Whole(); // an invalid range is ignored, not refused
            }
            return first >= size ? new Unsatisfiable() : new Partial(new ByteRange(first, Math.min(requestedLast, size - 1)));
        } catch (NumberFormatException e) { // more digits than a long holds
            return new Whole();
        }
    }
}
