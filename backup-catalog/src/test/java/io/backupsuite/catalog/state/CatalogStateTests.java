package io.backupsuite.catalog.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogStateTests {

    private static final String A = "a".repeat(64);
    private static final String B = "b".repeat(64);

    @TempDir
    Path dir;

    @Test
    void sameContentKeepsTheVersionAndAddsHolders() throws Exception {
        try (var state = new CatalogState(dir.resolve("c.mv"))) {
            assertThat(state.apply(1, 1, CatalogOp.put("k", A, 10, "w1", 100)).orElseThrow().version()).isEqualTo(1);
            var again = state.apply(2, 1, CatalogOp.put("k", A, 10, "w2", 200)).orElseThrow();
            assertThat(again.version()).isEqualTo(1);
            assertThat(again.holders()).containsExactly("w1", "w2");
            assertThat(again.storedAtMillis()).isEqualTo(100);
            var changed = state.apply(3, 1, CatalogOp.put("k", B, 11, "w3", 300)).orElseThrow();
            assertThat(changed.version()).isEqualTo(2);
            assertThat(changed.holders()).containsExactly("w3");
            assertThat(state.apply(4, 1, CatalogOp.delete("k", 400))).isEmpty();
            assertThat(state.get("k")).isEmpty();
            assertThat(state.appliedSeq()).isEqualTo(4);
        }
    }

    @Test
    void stateSurvivesACheckpointAndReopen() throws Exception {
        try (var state = new CatalogState(dir.resolve("c.mv"))) {
            for (int i = 1; i <= 1000; i++) {
                state.apply(i, 2, CatalogOp.put("key-" + i, A, i, "w1", i));
            }
            assertThat(state.checkpoint()).isEqualTo(1000);
        }
        try (var state = new CatalogState(dir.resolve("c.mv"))) {
            assertThat(state.size()).isEqualTo(1000);
            assertThat(state.appliedSeq()).isEqualTo(1000);
            assertThat(state.appliedEpoch()).isEqualTo(2);
            assertThat(state.get("key-77").orElseThrow().size()).isEqualTo(77);
        }
    }

    @Test
    void operationsRoundTripAndMalformedOnesAreRefused() {
        var op = CatalogOp.put("päth/ключ", A, 42, "worker-1", 123);
        assertThat(CatalogOp.decode(op.encode())).isEqualTo(op);
        assertThat(CatalogOp.decode(CatalogOp.delete("x", 5).encode())).isEqualTo(CatalogOp.delete("x", 5));
        assertThatThrownBy(() -> CatalogOp.put("k", "XYZ", 1, "w", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CatalogOp.put("", A, 1, "w", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CatalogOp.decode(new byte[] {9, 0})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CatalogOp.decode(new byte[] {1, 0, 1, 'k'})).isInstanceOf(IllegalArgumentException.class);
    }
}
