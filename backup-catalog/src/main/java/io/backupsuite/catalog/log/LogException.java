package io.backupsuite.catalog.log;

import java.io.IOException;

/** The log cannot do what was asked: it failed on disk, is closed, or the request contradicts its content. */
public final class LogException extends IOException {

    private LogException(String message, Throwable cause) {
        super(message, cause);
    }

    static LogException failed(Throwable cause) {
        return new LogException("log failed on disk, refusing writes until restart: " + cause.getMessage(), cause);
    }

    static LogException closed() {
        return new LogException("log is closed", null);
    }

    static LogException truncated(long seq) {
        return new LogException("entry " + seq + " was truncated before it became durable", null);
    }

    static LogException invalid(String why) {
        return new LogException(why, null);
    }
}
