package io.backupsuite.worker.download;

import java.util.Base64;
import java.util.Locale;

/**
 * The SHA-256 member of an RFC 9530 digest field ({@code Content-Digest} or {@code Repr-Digest}), a
 * structured-field dictionary such as {@code sha-512=:…:, sha-256=:…:}. Other algorithms are
 * ignored; a field without a well-formed {@code sha-256} member counts as absent (nothing to check),
 * never as a match.
 */
final class ContentDigest {

    private static final int SHA256_BYTES = 32;

    private ContentDigest() {}

    /** The SHA-256 the field carries, or {@code null} when it carries none (or is malformed). */
    static byte[] sha256(String field) {
        if (field == null || field.length() > 4096) {
            return null;
        }
        for (String member : field.split(",")) {
            int equals = member.indexOf('=');
            if (equals < 0) {
                continue;
            }
            String key = member.substring(0, equals).trim().toLowerCase(Locale.ROOT);
            String value = member.substring(equals + 1).trim();
            int parameters = value.indexOf(';'); // dictionary members may carry parameters
            if (parameters >= 0) {
                value = value.substring(0, parameters).trim();
            }
            if (!key.equals("sha-256") || value.length() < 2 || value.charAt(0) != ':' || value.charAt(value.length() - 1) != ':') {
                continue;
            }
            try {
                byte[] digest = Base64.getDecoder().decode(value.substring(1, value.length() - 1));
                return digest.length == SHA256_BYTES ? digest : null;
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return null;
    }

    /** The field value for a SHA-256 (what a source sends; tests and the demo source). */
    static String field(byte[] sha256) {
        return "sha-256=:" + Base64.getEncoder().encodeToString(sha256) + ":";
    }
}
