package io.backupsuite.catalog.replication;

import static io.backupsuite.catalog.replication.TestGroup.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.backupsuite.catalog.log.EntryType;
import io.backupsuite.catalog.log.LogEntry;
import io.backupsuite.catalog.replication.Messages.AppendRequest;
import io.backupsuite.catalog.replication.Messages.Outcome;
import io.backupsuite.catalog.state.CatalogOp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplicaGroupTests {

    @TempDir
    Path dir;

    TestGroup group;

    @BeforeEach
    void start() throws Exception {
        group = new TestGroup(dir);
        group.get("w1").promote(1).get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() {
        group.close();
    }

    private Committed write(String member, String key) {
        return group.get(member).submit(put(key)).orTimeout(10, TimeUnit.SECONDS).join();
    }

    private ReplicationException.Reason failure(CompletableFuture<?> f) {
        try {
            f.orTimeout(10, TimeUnit.SECONDS).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof ReplicationException r) {
                return r.reason();
            }
            throw e;
        }
        throw new AssertionError("expected the write to fail");
    }

    private void awaitApplied(String member, long seq) {
        await().atMost(Duration.ofSeconds(15)).until(() -> group.get(member).appliedSeq() >= seq);
    }

    @Test
    void aWriteCommitsOnTheQuorumAndEveryMemberAppliesIt() {
        List<CompletableFuture<Committed>> all = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            all.add(group.get("w1").submit(put("key-" + i)));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).orTimeout(15, TimeUnit.SECONDS).join();
        long last = all.stream().mapToLong(f -> f.join().seq()).max().orElseThrow();
        assertThat(all.get(7).join().record().orElseThrow().key()).isEqualTo("key-7");
        for (String member : TestGroup.MEMBERS) {
            awaitApplied(member, last);
            assertThat(group.get(member).read("key-199")).isPresent();
            assertThat(group.get(member).size()).isEqualTo(200);
        }
        assertThat(group.get("w1").status().standbys()).allSatisfy(s -> assertThat(s.state()).isEqualTo("READY"));
    }

    @Test
    void aStandbyForwardsNothingItselfButNamesThePrimary() {
        awaitApplied("w2", 1);
        assertThat(group.get("w2").primaryId()).isEqualTo("w1");
        var e = (ReplicationException) group.get("w2").submit(put("x")).handle((r, t) -> t).join();
        assertThat(e.reason()).isEqualTo(ReplicationException.Reason.NOT_PRIMARY);
        assertThat(e.primaryId()).isEqualTo("w1");
    }

    @Test
    void oneStandbyDownWritesGoOnBothDownWritesFailAndNothingIsAppliedThenTheyCatchUp() {
        group.network.isolate("w3", true);
        for (int i = 0; i < 20; i++) {
            write("w1", "one-down-" + i);
        }
        group.network.isolate("w2", true);
        // the in-flight write cannot reach the quorum: rolled back (or refused once both are marked unavailable)
        assertThat(failure(group.get("w1").submit(put("lost-1"))))
                .isIn(ReplicationException.Reason.ROLLED_BACK, ReplicationException.Reason.QUORUM_UNAVAILABLE);
        await().atMost(Duration.ofSeconds(10)).until(() -> !group.get("w1").status().acceptingWrites());
        assertThat(failure(group.get("w1").submit(put("lost-2")))).isEqualTo(ReplicationException.Reason.QUORUM_UNAVAILABLE);

        group.network.isolate("w2", false);
        group.network.isolate("w3", false);
        await().atMost(Duration.ofSeconds(10)).until(() -> group.get("w1").status().acceptingWrites());
        Committed after = write("w1", "after");
        for (String member : TestGroup.MEMBERS) {
            awaitApplied(member, after.seq());
            assertThat(group.get(member).read("one-down-19")).isPresent();
            assertThat(group.get(member).read("lost-1")).isEmpty();
            assertThat(group.get(member).read("lost-2")).isEmpty();
        }
    }

    @Test
    void aStandbySlowerThanTheThresholdDoesNotHoldCommitsBackAndCatchesUpLater() {
        group.network.slowDown("w3", 400); // beyond the 250 ms backup time threshold
        long start = System.nanoTime();
        Committed last = null;
        for (int i = 0; i < 20; i++) {
            last = write("w1", "slow-" + i);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
        group.network.slowDown("w3", 0);
        awaitApplied("w3", last.seq());
        assertThat(group.get("w3").read("slow-19")).isPresent();
    }

    @Test
    void afterThePrimaryCrashesANewPrimaryHoldsEveryAcknowledgedWrite() throws Exception {
        List<CompletableFuture<Committed>> all = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            all.add(group.get("w1").submit(put("acked-" + i)));
        }
        List<String> acked = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).handle((c, e) -> e == null).join()) {
                acked.add("acked-" + i);
            }
        }
        group.crash("w1");
        group.get("w2").promote(2).get(10, TimeUnit.SECONDS);
        Committed c = write("w2", "new-primary");
        for (String member : List.of("w2", "w3")) {
            awaitApplied(member, c.seq());
            for (String key : acked) {
                assertThat(group.get(member).read(key)).as(key + " on " + member).isPresent();
            }
        }
    }

    @Test
    void aDeposedPrimaryCannotCommitAndItsUncommittedTailIsCutWhenItRejoins() throws Exception {
        Committed before = write("w1", "before");
        group.network.isolate("w1", true);
        CompletableFuture<Committed> orphan = group.get("w1").submit(put("orphan"));
        group.get("w2").promote(2).get(10, TimeUnit.SECONDS);
        Committed onNew = write("w2", "on-new-primary");
        assertThat(failure(orphan)).isIn(ReplicationException.Reason.ROLLED_BACK, ReplicationException.Reason.DEPOSED);
        long orphanSeq = before.seq() + 1;
        assertThat(group.get("w1").readLog(orphanSeq, 1).get(0).epoch()).isEqualTo(1);

        group.network.isolate("w1", false);
        awaitApplied("w1", onNew.seq());
        assertThat(group.get("w1").isPrimary()).isFalse();
        assertThat(group.get("w1").readLog(orphanSeq, 1).get(0).epoch()).isEqualTo(2);
        for (String member : TestGroup.MEMBERS) {
            assertThat(group.get(member).read("orphan")).isEmpty();
            assertThat(group.get(member).read("on-new-primary")).isPresent();
        }
    }

    @Test
    void malformedOrOutOfOrderAppendsAreRejectedWithoutTouchingTheLog() throws Exception {
        Committed c = write("w1", "k");
        awaitApplied("w2", c.seq());
        Replica standby = group.get("w2");
        long last = standby.status().lastSeq();
        byte[] op = CatalogOp.put("z", TestGroup.SHA, 1, "w1", 1).encode();
        var gap = new AppendRequest(1, "w1", last, 1, 0, List.of(new LogEntry(1, last + 2, EntryType.OPERATION, op)));
        assertThat(standby.onAppend(gap).join().outcome()).isEqualTo(Outcome.REJECTED);
        var garbage = new AppendRequest(1, "w1", last, 1, 0, List.of(new LogEntry(1, last + 1, EntryType.OPERATION, new byte[] {1, 2, 3})));
        assertThat(standby.onAppend(garbage).join().outcome()).isEqualTo(Outcome.REJECTED);
        var future = new AppendRequest(1, "w1", last, 1, 0, List.of(new LogEntry(5, last + 1, EntryType.OPERATION, op)));
        assertThat(standby.onAppend(future).join().outcome()).isEqualTo(Outcome.REJECTED);
        var ahead = new AppendRequest(1, "w1", last + 10, 1, 0, List.of(new LogEntry(1, last + 11, EntryType.OPERATION, op)));
        assertThat(standby.onAppend(ahead).join().outcome()).isEqualTo(Outcome.MISMATCH);
        var stale = new AppendRequest(0 + 1, "w9", last, 0, 0, List.of());
        group.get("w3").promote(5).get(10, TimeUnit.SECONDS);
        assertThat(standby.onAppend(stale).join().outcome()).isEqualTo(Outcome.STALE);
        assertThat(standby.readLog(last + 1, 5)).allSatisfy(e -> assertThat(e.epoch()).isEqualTo(5));
        assertThat(standby.read("z")).isEmpty();
    }

    @Test
    void promotionNeedsANewerEpochAndEnoughPromises() {
        assertThatThrownBy(() -> group.get("w2").promote(1).join()).hasCauseInstanceOf(ReplicationException.class);
        group.network.isolate("w3", true);
        group.network.isolate("w1", true);
        var e = group.get("w3").promote(7).handle((s, t) -> t).join();
        assertThat(((ReplicationException) e).reason()).isEqualTo(ReplicationException.Reason.NO_PROMISES);
        assertThat(group.get("w3").isPrimary()).isFalse();
    }

    @Test
    void aHandoverMovesThePrimaryWithoutLosingAWrite() throws Exception {
        List<CompletableFuture<Committed>> all = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            all.add(group.get("w1").submit(put("h-" + i)));
        }
        group.get("w1").handOver("w3", 2).get(15, TimeUnit.SECONDS);
        assertThat(group.get("w3").isPrimary()).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> !group.get("w1").isPrimary());
        for (var f : all) {
            assertThat(f.handle((c, t) -> t == null || t.getCause() instanceof ReplicationException).join()).isTrue();
        }
        Committed c = write("w3", "after-handover");
        awaitApplied("w1", c.seq());
        for (int i = 0; i < 100; i++) {
            if (!all.get(i).isCompletedExceptionally()) {
                assertThat(group.get("w1").read("h-" + i)).isPresent();
            }
        }
    }

    @Test
    void aStandbyThatLostItsDiskCatchesUpFromASnapshotWhenThePrimaryHasCompactedItsLog() throws Exception {
        // in rounds of 500: the group's write timeout is short (rollback tests need that), and 6,000 writes at once
        // could outlast it on a loaded machine
        for (int round = 0; round < 12; round++) {
            List<CompletableFuture<Committed>> all = new ArrayList<>();
            for (int i = round * 500; i < (round + 1) * 500; i++) {
                all.add(group.get("w1").submit(put("snap-" + "x".repeat(200) + i)));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).orTimeout(60, TimeUnit.SECONDS).join();
        }
        group.crash("w3");
        deleteTree(dir.resolve("w3")); // a replaced disk
        Committed more = write("w1", "while-w3-is-away");
        awaitApplied("w2", more.seq());
        assertThat(group.get("w1").readLog(1, 1).get(0).seq()).as("the primary compacted its log").isGreaterThan(1);
        group.start("w3");
        Committed after = write("w1", "after-snapshot");
        awaitApplied("w3", after.seq());
        assertThat(group.get("w3").size()).isEqualTo(group.get("w1").size());
        assertThat(group.get("w3").read("snap-" + "x".repeat(200) + 4321)).isPresent();
        assertThat(group.get("w3").read("while-w3-is-away")).isPresent();
    }

    private static void deleteTree(Path root) throws java.io.IOException {
        try (var files = java.nio.file.Files.walk(root)) {
            for (Path p : (Iterable<Path>) files.sorted(java.util.Comparator.reverseOrder())::iterator) {
                java.nio.file.Files.delete(p);
            }
        }
    }

    @Test
    void thePrimaryAndEveryStandbyHoldTheBlobBeforeTheWriteCounts() {
        Committed c = write("w1", "with-blob");
        for (String member : TestGroup.MEMBERS) {
            awaitApplied(member, c.seq());
            assertThat(group.hooked.get(member)).extracting(CatalogOp::key).contains("with-blob");
        }
    }
}
