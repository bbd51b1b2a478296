package io.backupsuite.worker.replication;

import io.backupsuite.catalog.replication.Committed;
import io.backupsuite.catalog.state.CatalogRecord;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Binary answer of a forwarded write: the committed entry and the key's record after it. */
final class CommittedCodec {

    private CommittedCodec() {}

    static byte[] encode(Committed c) {
        var bytes = new ByteArrayOutputStream(200);
        try (var out = new DataOutputStream(bytes)) {
            out.writeLong(c.epoch());
            out.writeLong(c.seq());
            out.writeBoolean(c.record().isPresent());
            if (c.record().isPresent()) {
                CatalogRecord r = c.record().get();
                out.writeUTF(r.key());
                out.writeLong(r.version());
                out.writeUTF(r.sha256());
                out.writeLong(r.size());
                out.writeLong(r.storedAtMillis());
                out.writeShort(r.holders().size());
                for (String h : r.holders()) {
                    out.writeUTF(h);
                }
                out.writeLong(r.seq());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static Committed decode(byte[] body) throws IOException {
        try (var in = new DataInputStream(new ByteArrayInputStream(body))) {
            long epoch = in.readLong();
            long seq = in.readLong();
            if (!in.readBoolean()) {
                return new Committed(epoch, seq, Optional.empty());
            }
            String key = in.readUTF();
            long version = in.readLong();
            String sha = in.readUTF();
            long size = in.readLong();
            long at = in.readLong();
            int n = in.readUnsignedShort();
            List<String> holders = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                holders.add(in.readUTF());
            }
            return new Committed(epoch, seq, Optional.of(new CatalogRecord(key, version, sha, size, at, holders, in.readLong())));
        }
    }
}
