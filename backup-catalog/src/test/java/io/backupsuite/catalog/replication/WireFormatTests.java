package io.backupsuite.catalog.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupsuite.catalog.log.EntryType;
import io.backupsuite.catalog.log.LogEntry;
import io.backupsuite.catalog.replication.Messages.AppendReply;
import io.backupsuite.catalog.replication.Messages.AppendRequest;
import io.backupsuite.catalog.replication.Messages.FetchReply;
import io.backupsuite.catalog.replication.Messages.Outcome;
import io.backupsuite.catalog.replication.Messages.PromiseReply;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class WireFormatTests {

    private static final LogEntry ENTRY = new LogEntry(3, 41, EntryType.OPERATION, new byte[] {1, 2, 3});

    @Test
    void messagesRoundTrip() {
        var append = WireFormat.appendRequest(WireFormat.encode(new AppendRequest(3, "w1", 40, 2, 39, List.of(ENTRY))));
        assertThat(append.primaryId()).isEqualTo("w1");
        assertThat(append.entries()).hasSize(1);
        assertThat(append.entries().get(0).checksum()).isEqualTo(ENTRY.checksum());
        assertThat(WireFormat.appendReply(WireFormat.encode(new AppendReply(3, Outcome.MISMATCH, 0, 17, "why"))))
                .isEqualTo(new AppendReply(3, Outcome.MISMATCH, 0, 17, "why"));
        assertThat(WireFormat.promiseReply(WireFormat.encode(new PromiseReply(4, true, 3, 41, 40))))
                .isEqualTo(new PromiseReply(4, true, 3, 41, 40));
        var fetch = WireFormat.fetchReply(WireFormat.encode(new FetchReply(4, true, 41, List.of(ENTRY), "")));
        assertThat(fetch.entries().get(0).seq()).isEqualTo(41);
    }

    @Test
    void malformedBodiesAreRefusedBeforeAnythingIsBuilt() {
        byte[] good = WireFormat.encode(new AppendRequest(3, "w1", 40, 2, 39, List.of(ENTRY)));
        assertThatThrownBy(() -> WireFormat.appendRequest(Arrays.copyOf(good, good.length - 1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WireFormat.appendRequest(Arrays.copyOf(good, good.length + 1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WireFormat.appendRequest(new byte[0])).isInstanceOf(IllegalArgumentException.class);
        byte[] hugeCount = good.clone();
        int countAt = 8 + 2 + 2 + 8 * 3; // epoch, UTF "w1", prevSeq, prevEpoch, commitSeq
        ByteBuffer.wrap(hugeCount).putInt(countAt, Integer.MAX_VALUE);
        assertThatThrownBy(() -> WireFormat.appendRequest(hugeCount)).isInstanceOf(IllegalArgumentException.class);
        byte[] negativeSeq = good.clone();
        ByteBuffer.wrap(negativeSeq).putLong(countAt + 4 + 8, -5); // the entry's seq
        assertThatThrownBy(() -> WireFormat.appendRequest(negativeSeq)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WireFormat.appendReply(new byte[] {0, 0, 0, 0, 0, 0, 0, 1, 9})).isInstanceOf(IllegalArgumentException.class);
    }
}
