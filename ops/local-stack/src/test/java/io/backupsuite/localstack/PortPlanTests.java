package io.backupsuite.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backupsuite.infra.Ports;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class PortPlanTests {

    @Test
    void aFreePortIsFreeAndAListeningOneIsNot() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            assertThat(Ports.isFree(port)).isFalse();
            assertThat(PortPlan.infra(port)).isNotEqualTo(port);
            taken.close();
            assertThat(Ports.isFree(port)).isTrue();
            assertThat(PortPlan.infra(port)).isEqualTo(port);
        }
    }

    @Test
    void aTakenServicePortIsAnErrorBeforeAnythingStarts() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            StackOptions options = StackOptions.builder(Path.of("/repo")).randomPorts().consolePort(taken.getLocalPort()).build();

            assertThatThrownBy(() -> PortPlan.checkRequested(options))
                    .hasMessageContaining("port " + taken.getLocalPort() + " of the console is taken");
        }
    }

    @Test
    void randomPortsAreDistinct() {
        PortPlan plan = PortPlan.choose(StackOptions.builder(Path.of("/repo")).randomPorts().workers(5).build());

        List<Integer> all = new java.util.ArrayList<>(plan.workers());
        all.addAll(List.of(plan.console(), plan.dispatcher(), plan.source()));
        assertThat(new HashSet<>(all)).hasSize(8).doesNotContain(0);
    }
}
