package io.backupsuite.worker.download;

/** A failed transfer, with its class and a message an operator can act on. */
public final class DownloadException extends Exception {

    private final ErrorKind kind;
    private final long bytes;

    private DownloadException(ErrorKind kind, String message, long bytes) {
        super(message, null, false, false);
        this.kind = kind;
        this.bytes = bytes;
    }

    public static DownloadException notAllowed(String source, String why) {
        return new DownloadException(ErrorKind.SOURCE_NOT_ALLOWED, "source " + source + " is not allowed: " + why, 0);
    }

    public static DownloadException unavailable(String source, String why, long bytes) {
        return new DownloadException(ErrorKind.SOURCE_UNAVAILABLE, "source " + source + " unavailable: " + why, bytes);
    }

    public static DownloadException status(String source, String why) {
        return new DownloadException(ErrorKind.SOURCE_STATUS, "source " + source + " " + why, 0);
    }

    public static DownloadException sizeMismatch(String source, long expected, String got, long bytes) {
        return new DownloadException(
                ErrorKind.SIZE_MISMATCH, "source " + source + " sent " + got + ", expected " + expected + " bytes", bytes);
    }

    public static DownloadException checksumMismatch(String source, String expected, String actual, long bytes) {
        return new DownloadException(
                ErrorKind.CHECKSUM_MISMATCH,
                "source " + source + " sent content with SHA-256 " + actual + ", expected " + expected,
                bytes);
    }

    public static DownloadException timeout(String source, String why, long bytes) {
        return new DownloadException(ErrorKind.TIMEOUT, "source " + source + " timed out: " + why, bytes);
    }

    public static DownloadException tooLarge(long size, long max) {
        return new DownloadException(
                ErrorKind.SIZE_MISMATCH, "object size " + size + " exceeds the worker's limit of " + max + " bytes", 0);
    }

    public static DownloadException of(ErrorKind kind, String message, long bytes) {
        return new DownloadException(kind, message, bytes);
    }

    public ErrorKind kind() {
        return kind;
    }

    /** Bytes received before the failure. */
    public long bytes() {
        return bytes;
    }
}
