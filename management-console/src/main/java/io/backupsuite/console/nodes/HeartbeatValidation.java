package io.backupsuite.console.nodes;

import io.backupsuite.common.web.ApiException;
import io.backupsuite.common.web.ProblemAdvice.FieldProblem;
import io.backupsuite.common.wire.NodeStatus;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;

/**
 * Checks a heartbeat before it is stored. The body is the shared wire record {@link NodeStatus},
 * so the rules live here rather than as annotations on the wire contract.
 */
final class HeartbeatValidation {

    static final int MAX_ID_LENGTH = 128;
    private static final int MAX_ADDRESS_LENGTH = 2048;
    private static final int MAX_LABEL_LENGTH = 64;
    private static final Set<String> KINDS = Set.of("dispatcher", "worker");

    private HeartbeatValidation() {}

    static void check(@Nullable NodeStatus status) {
        if (status == null) {
            throw ApiException.badRequest("malformed-body", "The request body must be a node status object.");
        }
        List<FieldProblem> problems = new ArrayList<>();
        if (status.nodeId() == null || status.nodeId().isBlank()) {
            problems.add(new FieldProblem("nodeId", "must not be blank"));
        } else if (status.nodeId().length() > MAX_ID_LENGTH || hasControlCharacters(status.nodeId())) {
            problems.add(new FieldProblem("nodeId", "must be at most " + MAX_ID_LENGTH + " printable characters"));
        }
        if (status.kind() == null || !KINDS.contains(status.kind())) {
            problems.add(new FieldProblem("kind", "must be one of " + KINDS));
        }
        if (!isHttpUrl(status.address())) {
            problems.add(new FieldProblem("address", "must be an absolute http(s) URL"));
        }
        label(problems, "group", status.group(), MAX_ID_LENGTH);
        label(problems, "role", status.role(), MAX_LABEL_LENGTH);
        label(problems, "health", status.health(), MAX_LABEL_LENGTH);
        if (status.epoch() < 0 || status.lastSeq() < 0 || status.commitSeq() < 0 || status.inFlight() < 0) {
            problems.add(new FieldProblem("epoch", "epoch, lastSeq, commitSeq and inFlight must not be negative"));
        }
        if (!problems.isEmpty()) {
            throw new ApiException(
                    HttpStatus.BAD_REQUEST,
                    "validation",
                    "Invalid request",
                    "The heartbeat has invalid fields.",
                    Map.of("errors", List.copyOf(problems)));
        }
    }

    private static void label(List<FieldProblem> problems, String field, @Nullable String value, int max) {
        if (value != null && (value.length() > max || hasControlCharacters(value))) {
            problems.add(new FieldProblem(field, "must be at most " + max + " printable characters"));
        }
    }

    private static boolean isHttpUrl(@Nullable String address) {
        if (address == null || address.length() > MAX_ADDRESS_LENGTH) {
            return false;
        }
        try {
            URI uri = new URI(address);
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static boolean hasControlCharacters(String value) {
        return value.chars().anyMatch(Character::isISOControl);
    }
}
