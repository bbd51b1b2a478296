package io.backupsuite.worker.replication;

import io.backupsuite.common.web.ApiException;
import io.backupsuite.common.wire.HandoverOutcome;
import io.backupsuite.common.wire.ReplicationStatus;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Role operations of the replicated catalog (node token only): status, promote, planned handover, availability. */
@RestController
@RequestMapping("/internal/v1/replication")
class ReplicationController {

    /** Body of a promotion. */
    record Promote(@NotNull @Min(1) Long epoch) {}

    /** Body of a planned switchover. */
    record Handover(@NotBlank String target, @NotNull @Min(1) Long epoch) {}

    /** Body of an availability mark. */
    record Availability(@NotBlank String nodeId, @NotNull Boolean available) {}

    private final ReplicationService control;
    private final io.backupsuite.catalog.replication.Replica replica;
    private final long timeoutMillis;

    ReplicationController(ReplicationService control, io.backupsuite.catalog.replication.Replica replica, ReplicationProperties properties) {
        this.control = control;
        this.replica = replica;
        this.timeoutMillis = properties.writeTimeout().toMillis() * 3;
    }

    @GetMapping("/status")
    ReplicationStatus status() {
        return control.status();
    }

    @PostMapping("/promote")
    ReplicationStatus promote(@Valid @RequestBody Promote body) {
        return ReplicationProblems.await(control.promote(body.epoch()), timeoutMillis);
    }

    @PostMapping("/handover")
    HandoverOutcome handover(@Valid @RequestBody Handover body) {
        if (!replica.config().members().contains(body.target())) {
            throw ApiException.badRequest("unknown-member", "The target is not a member of this storage group.");
        }
        return ReplicationProblems.await(control.handOver(body.target(), body.epoch()), timeoutMillis);
    }

    @PostMapping("/availability")
    Map<String, Object> availability(@Valid @RequestBody Availability body) {
        if (!replica.config().members().contains(body.nodeId())) {
            throw ApiException.badRequest("unknown-member", "The node is not a member of this storage group.");
        }
        control.setAvailable(body.nodeId(), body.available());
        return Map.of("nodeId", body.nodeId(), "available", body.available());
    }
}
