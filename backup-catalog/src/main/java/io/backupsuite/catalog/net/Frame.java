package io.backupsuite.catalog.net;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * One message of the replication socket protocol: {@code int length} (of what follows), {@code byte type},
 * {@code long id} (a request's number; its answer carries the same), then the body, which is one of
 * {@link io.backupsuite.catalog.replication.WireFormat}'s messages. A length outside {@code [9, MAX]} ends the
 * connection: the stream can no longer be trusted to be in step.
 */
record Frame(byte type, long id, byte[] body) {

    /** Largest frame: a snapshot chunk or a log batch is well below it (the primary caps batches at 512 KiB). */
    static final int MAX_LENGTH = 16 << 20;

    /** First frame of a connection: the node token (UTF-8). */
    static final byte HELLO = 1;
    static final byte APPEND = 2;
    static final byte PROMISE = 3;
    static final byte FETCH = 4;
    static final byte SNAPSHOT = 5;
    /** A planned switchover's successor is asked to promote itself in the body's 8-byte epoch. */
    static final byte TAKE_OVER = 6;
    // 16..63: the embedding application's requests (ServiceHandler)
    /** The answer to request {@code id}. */
    static final byte REPLY = 64;
    /** Request {@code id} was refused; the body says why (UTF-8). */
    static final byte ERROR = 65;

    static Frame error(long id, String why) {
        return new Frame(ERROR, id, why.getBytes(StandardCharsets.UTF_8));
    }

    String text() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** Writes the frame; the caller flushes and holds the stream's lock. */
    void writeTo(DataOutputStream out) throws IOException {
        out.writeInt(1 + Long.BYTES + body.length);
        out.writeByte(type);
        out.writeLong(id);
        out.write(body);
    }

    /** Reads one frame, or throws {@link EOFException} when the peer closed the connection between frames. */
    static Frame readFrom(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 1 + Long.BYTES || length > MAX_LENGTH) {
            throw new FrameException("frame length " + length + " is outside 9.." + MAX_LENGTH);
        }
        byte type = in.readByte();
        long id = in.readLong();
        byte[] body = new byte[length - 1 - Long.BYTES];
        in.readFully(body);
        return new Frame(type, id, body);
    }

    /** The peer broke the framing: the connection is closed. */
    static final class FrameException extends IOException {
        FrameException(String message) {
            super(message);
        }
    }
}
