package io.backupsuite.worker.restore;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.LongConsumer;

/**
 * Reads a stored blob on its way out, hashing it and counting it. The read that brings the last
 * byte compares the SHA-256 and the size with the catalog's before it returns: on a mismatch it
 * fails, so the last bytes never reach the writer and the target is never completed (the HTTP body
 * stays short of its Content-Length; the temp file is never renamed).
 */
final class VerifyingStream extends FilterInputStream {

    private final MessageDigest digest;
    private final String expectedSha256;
    private final long expectedSize;
    private final LongConsumer progress;
    private long count;
    private boolean verified;

    VerifyingStream(InputStream in, String expectedSha256, long expectedSize, LongConsumer progress) {
        super(in);
        this.expectedSha256 = expectedSha256;
        this.expectedSize = expectedSize;
        this.progress = progress;
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n < 0) {
            verify();
            return -1;
        }
        digest.update(b, off, n);
        count += n;
        progress.accept(count);
        if (count > expectedSize) {
            throw new IOException("the stored blob is longer than the catalog's " + expectedSize + " bytes");
        }
        if (count == expectedSize) {
            verify(); // before handing out the last bytes
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        throw new IOException("a verified stream cannot skip");
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void verify() throws IOException {
        if (verified) {
            return;
        }
        String actual = HexFormat.of().formatHex(digest.digest());
        if (count != expectedSize || !actual.equals(expectedSha256)) {
            throw new IOException("the stored blob does not match the catalog (" + count + " bytes, SHA-256 " + actual
                    + "; expected " + expectedSize + " bytes, " + expectedSha256 + "); nothing was completed at the target");
        }
        verified = true;
    }

    /** Whether every byte was read and matched. */
    boolean verified() {
        return verified;
    }
}
