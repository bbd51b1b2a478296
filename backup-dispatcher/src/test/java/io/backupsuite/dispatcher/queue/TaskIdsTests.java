package io.backupsuite.dispatcher.queue;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TaskIdsTests {

    @Test
    void idsAreStableAndDependOnKeyAndContent() {
        String sha = "ab".repeat(32);
        assertThat(TaskIds.of("a", sha)).isEqualTo(TaskIds.of("a", sha)).hasSize(32).matches("[0-9a-f]{32}");
        assertThat(TaskIds.of("a", sha)).isNotEqualTo(TaskIds.of("b", sha));
        assertThat(TaskIds.of("a", sha)).isNotEqualTo(TaskIds.of("a", "cd".repeat(32)));
        assertThat(TaskIds.isWellFormed(TaskIds.of("a", sha))).isTrue();
        assertThat(TaskIds.isWellFormed("{bq}:x")).isFalse();
    }
}
