package io.backupsuite.common.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupsuite.common.wire.TaskProgress.ServedRange;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskProgressTests {

    private final WireCodec codec = new WireCodec();

    @Test
    void roundTripsChunksAndRanges() {
        var progress = new TaskProgress("t", "1-a", "w", 30, 100, "http://b/x", 5, 3,
                List.of(new ServedRange("http://a/x", 0, 10), new ServedRange("http://b/x", 10, 30)));

        assertThat(codec.decode(codec.encode(progress), TaskProgress.class)).isEqualTo(progress);
    }

    @Test
    void aMessageOfAnOlderWorkerReadsAsNoChunksAndNoRanges() {
        byte[] json = ("{\"taskId\":\"t\",\"attemptToken\":\"1-a\",\"workerId\":\"w\",\"bytesDone\":3,\"totalBytes\":9,"
                + "\"source\":\"http://a/x\",\"atMillis\":7}").getBytes(StandardCharsets.UTF_8);

        TaskProgress decoded = codec.decode(json, TaskProgress.class);

        assertThat(decoded.bytesDone()).isEqualTo(3);
        assertThat(decoded.chunksVerified()).isZero();
        assertThat(decoded.ranges()).isEmpty();
        assertThat(decoded).isEqualTo(new TaskProgress("t", "1-a", "w", 3, 9, "http://a/x", 7));
    }

    @Test
    void adjacentRangesOfOneSourceAreMergedAndTheListIsBounded() {
        List<ServedRange> ranges = new ArrayList<>();
        ranges.add(new ServedRange("a", 0, 10));
        ranges.add(new ServedRange("a", 10, 20));
        ranges.add(null);
        for (int i = 0; i < 100; i++) {
            ranges.add(new ServedRange(i % 2 == 0 ? "b" : "c", 20 + i, 21 + i));
        }

        List<ServedRange> bounded = TaskProgress.bounded(ranges);

        assertThat(TaskProgress.bounded(ranges.subList(0, 2))).containsExactly(new ServedRange("a", 0, 20));
        assertThat(bounded).hasSize(TaskProgress.MAX_RANGES);
        assertThat(bounded.get(bounded.size() - 1)).isEqualTo(new ServedRange("c", 119, 120));
    }
}
