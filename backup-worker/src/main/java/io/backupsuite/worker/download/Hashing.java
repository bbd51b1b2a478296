package io.backupsuite.worker.download;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The whole-file SHA-256 of one transfer, fed on the reader thread, with a copy of its state taken
 * at every chunk boundary: when a source fails mid-chunk, the next one continues from the last
 * verified chunk with the digest as it was there, without re-reading the staged bytes.
 */
final class Hashing {

    private final long chunkSize;
    private final Map<Long, MessageDigest> atBoundary = new ConcurrentHashMap<>();
    private MessageDigest digest;
    private long position;

    Hashing(long chunkSize) {
        this.chunkSize = chunkSize;
    }

    /** Continues at {@code offset} from {@code state} (the digest of the bytes before it). */
    void restart(long offset, MessageDigest state) {
        atBoundary.clear();
        digest = state;
        position = offset;
        atBoundary.put(offset, copy(state));
    }

    /** Continues at {@code offset}, a chunk boundary this transfer passed (or started from). */
    void rewindTo(long offset) {
        MessageDigest state = atBoundary.get(offset);
        if (state == null) {
            throw new IllegalStateException("no digest state at " + offset);
        }
        restart(offset, copy(state));
    }

    /** Reader thread: hashes the next bytes, keeping the state at each chunk boundary they cross. */
    void update(byte[] bytes, int length) {
        int offset = 0;
        while (offset < length) {
            long toBoundary = chunkSize - position % chunkSize;
            int n = (int) Math.min(length - offset, toBoundary);
            digest.update(bytes, offset, n);
            offset += n;
            position += n;
            if (position % chunkSize == 0) {
                atBoundary.put(position, copy(digest));
            }
        }
    }

    /** Forgets states before {@code offset} (once a later chunk is verified they are never needed). */
    void forgetBefore(long offset) {
        atBoundary.keySet().removeIf(k -> k < offset);
    }

    /** Lowercase hex of the digest; ends the hashing. */
    String finish() {
        return HexFormat.of().formatHex(digest.digest());
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static MessageDigest copy(MessageDigest digest) {
        try {
            return (MessageDigest) digest.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("SHA-256 state cannot be copied", e);
        }
    }
}
