package io.backupsuite.common.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class WireCodecTests {

    private final WireCodec codec = new WireCodec();

    @Test
    void roundTripsTaskMessages() {
        TaskMessage task = new TaskMessage("t1", "1-abc", 1, "k", 4, "00", List.of("http://a/x"), 10_000, 1, 2);
        assertThat(codec.decode(codec.encode(task), TaskMessage.class)).isEqualTo(task);
    }

    @Test
    void ignoresUnknownFieldsSoNewerSendersDoNotBreakOlderReaders() {
        byte[] json = ("{\"taskId\":\"t\",\"attemptToken\":\"1-a\",\"outcome\":\"SUCCEEDED\",\"workerId\":\"w\","
                + "\"bytes\":3,\"finishedAtMillis\":5,\"extra\":1}")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(codec.decode(json, TaskResult.class).outcome()).isEqualTo(TaskResult.Outcome.SUCCEEDED);
    }

    @Test
    void poisonMessagesBecomeMalformedMessageExceptions() {
        assertThatThrownBy(() -> codec.decode("{not json".getBytes(StandardCharsets.UTF_8), TaskResult.class))
                .isInstanceOf(WireCodec.MalformedMessageException.class);
        assertThatThrownBy(() -> codec.decode("null".getBytes(StandardCharsets.UTF_8), TaskResult.class))
                .isInstanceOf(WireCodec.MalformedMessageException.class);
        assertThatThrownBy(() -> codec.decode(null, TaskResult.class))
                .isInstanceOf(WireCodec.MalformedMessageException.class);
    }
}
