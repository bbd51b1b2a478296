package io.backupsuite.catalog.replication;

import io.backupsuite.catalog.log.EntryType;
import io.backupsuite.catalog.log.LogEntry;
import io.backupsuite.catalog.replication.Messages.AppendRequest;
import io.backupsuite.catalog.state.CatalogOp;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** Shape checks of an append before it may touch the log: anything malformed is refused whole. */
final class EntryChecks {

    private EntryChecks() {}

    /** Why the request is malformed, or {@code null} when it is well formed. */
    static String malformed(AppendRequest request) {
        if (request.epoch() < 1 || request.prevSeq() < 0 || request.prevEpoch() < 0 || request.commitSeq() < 0
                || request.primaryId() == null || request.primaryId().isBlank() || request.prevEpoch() > request.epoch()) {
            return "epoch, sequence numbers or primary id out of range";
        }
        long expected = request.prevSeq() + 1;
        long lastEpoch = request.prevEpoch();
        for (LogEntry entry : request.entries()) {
            if (entry.seq() != expected++) {
                return "entries are not consecutive after " + request.prevSeq();
            }
            if (entry.epoch() < lastEpoch || entry.epoch() > request.epoch()) {
                return "entry " + entry.seq() + " has an epoch out of order";
            }
            lastEpoch = entry.epoch();
            String bad = badPayload(entry);
            if (bad != null) {
                return "entry " + entry.seq() + ": " + bad;
            }
        }
        return null;
    }

    private static String badPayload(LogEntry entry) {
        switch (entry.type()) {
            case EntryType.OPERATION -> {
                try {
                    CatalogOp.decode(entry.payload());
                    return null;
                } catch (IllegalArgumentException e) {
                    return e.getMessage();
                }
            }
            case EntryType.EPOCH_START -> {
                return entry.payload().length == 0 ? null : "epoch start carries no payload";
            }
            case EntryType.ROLLBACK -> {
                if (entry.payload().length != 16) {
                    return "rollback needs a range";
                }
                ByteBuffer b = ByteBuffer.wrap(entry.payload());
                long from = b.getLong();
                long to = b.getLong();
                return from >= 1 && from <= to && to < entry.seq() ? null : "rollback range out of order";
            }
            default -> {
                return "unknown entry type " + entry.type();
            }
        }
    }

    /** The put operations of entries the standby does not hold yet ({@code epochAt} gives -1 for absent entries). */
    static List<CatalogOp> operationsNotHeld(AppendRequest request, java.util.function.LongUnaryOperator epochAt) {
        List<CatalogOp> ops = new ArrayList<>();
        for (LogEntry entry : request.entries()) {
            if (entry.type() == EntryType.OPERATION && epochAt.applyAsLong(entry.seq()) != entry.epoch()) {
                CatalogOp op = CatalogOp.decode(entry.payload());
                if (op.kind() == CatalogOp.PUT) {
                    ops.add(op);
                }
            }
        }
        return ops;
    }
}
