package io.backupsuite.console.roles;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.backupsuite.common.wire.ReplicationStatus;
import io.backupsuite.common.wire.RoleTable;
import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The role API of storage-group members: the table to pull, replication reports that ask for the
 * quasi-primary role (M1 claim 4), and the quasi-primary's failover request. Access rules are in the application.
 */
@RestController
class RoleController {

    private final RoleBook book;
    private final FailoverMetrics metrics;

    RoleController(RoleBook book, FailoverMetrics metrics) {
        this.book = book;
        this.metrics = metrics;
    }

    @GetMapping("/api/v1/roles")
    RoleTable roles(@RequestParam(required = false) @Nullable String group) {
        return group == null ? book.table() : book.table(Names.name("group", group));
    }

    /** A member's report; standbys get the quasi-primary role when they are the most up to date. */
    @PostMapping({"/api/v1/groups/{group}/quasi-primary", "/api/v1/groups/{group}/status"})
    Granted report(@PathVariable String group, @RequestBody(required = false) @Nullable MemberRequest request) {
        ReplicationStatus status = MemberRequest.check(group, request);
        ReportOutcome outcome = book.report(status, request.address());
        if (outcome.authorisedAt() > 0) {
            metrics.adopted(group, outcome.authorisedFor(), outcome.authorisedAt());
        }
        return new Granted(
                status.nodeId().equals(outcome.quasiPrimary()),
                outcome.quasiPrimary(),
                outcome.epoch(),
                outcome.version(),
                outcome.stale(),
                outcome.stale() ? book.table(group) : null);
    }

    /** The quasi-primary found its primary silent: one candidate per new epoch is authorised. */
    @PostMapping("/api/v1/groups/{group}/failover")
    Authorised failover(@PathVariable String group, @RequestBody(required = false) @Nullable FailoverRequest request) {
        if (request == null || request.observedEpoch() < 0) {
            throw RoleException.invalid("The body must be {\"candidate\": id, \"observedEpoch\": n >= 0}.");
        }
        String candidate = Names.name("candidate", request.candidate());
        Authorisation result = book.authorise(Names.name("group", group), candidate, request.observedEpoch(), false);
        return switch (result.outcome()) {
            case "authorised" -> {
                metrics.authorised(group, "failover");
                yield new Authorised(result.epoch());
            }
            case "stale" -> throw RoleException.staleEpoch(request.observedEpoch(), result.epoch(), book.table(group));
            case "busy" -> throw RoleException.busy(group, result.epoch());
            case "not-quasi-primary" -> throw RoleException.notCandidate(candidate, "it is not the quasi-primary");
            default -> throw RoleException.notCandidate(candidate, "it is not a member in service other than the primary");
        };
    }

    /** A member's replication report and where the console reaches it. */
    record MemberRequest(@Nullable String address, @Nullable ReplicationStatus status) {

        static ReplicationStatus check(String group, @Nullable MemberRequest request) {
            if (request == null || request.status() == null) {
                throw RoleException.invalid("The body must be {\"address\": url, \"status\": replication status}.");
            }
            ReplicationStatus s = request.status();
            Names.name("nodeId", s.nodeId());
            Names.address(request.address());
            if (!Names.name("group", group).equals(s.group())) {
                throw RoleException.mismatch("The status is of group " + s.group() + ", not " + group + ".");
            }
            if (s.role() == null || s.epoch() < 0 || s.lastEpoch() < 0 || s.lastSeq() < 0 || s.commitSeq() < 0) {
                throw RoleException.invalid("role must be set; epoch, lastEpoch, lastSeq and commitSeq must not be negative.");
            }
            return s;
        }
    }

    record FailoverRequest(@Nullable String candidate, long observedEpoch) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Granted(
            boolean granted, @Nullable String quasiPrimary, long epoch, long version, boolean stale, @Nullable RoleTable table) {}

    record Authorised(long epoch) {}
}
