package io.backupsuite.dispatcher.queue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Task ids are derived, not allocated: the first 128 bits of SHA-256 over object key and content
 * hash, in hex. The same notification therefore always names the same task, which is what makes
 * enqueueing idempotent without a lookup table.
 */
public final class TaskIds {

    private static final Pattern FORMAT = Pattern.compile("[0-9a-f]{32}");

    private TaskIds() {}

    public static String of(String objectKey, String sha256) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(objectKey.getBytes(StandardCharsets.UTF_8));
            // object keys cannot contain control characters, so the newline keeps the two parts apart
            digest.update((byte) '\n');
            digest.update(sha256.getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(digest.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether a string has the shape of a task id. */
    public static boolean isWellFormed(String id) {
        return id != null && FORMAT.matcher(id).matches();
    }
}
