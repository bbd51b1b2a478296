package io.backupsuite.catalog.replication;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The checker of the randomized test notices what it is meant to notice (so a clean run means something). */
class HistoryCheckerTests {

    @Test
    void divergentAppliedEntriesTwoPrimariesInAnEpochAndGoingBackAreViolations() {
        var checker = new HistoryChecker();
        var a = checker.forNode("w1");
        var b = checker.forNode("w2");
        a.applied(1, 1, 111);
        b.applied(1, 1, 111);
        assertThat(checker.violations()).isEmpty();
        b.applied(2, 1, 222);
        a.applied(2, 2, 999);
        assertThat(checker.violations()).hasSize(1);
        a.becamePrimary(5);
        b.becamePrimary(5);
        assertThat(checker.violations()).hasSize(2);
        a.applied(1, 1, 111);
        assertThat(checker.violations()).hasSize(3);
    }
}
