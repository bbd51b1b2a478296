package io.backupsuite.dispatcher.intake;

import io.backupsuite.common.web.ApiException;
import io.backupsuite.common.web.ProblemAdvice.FieldProblem;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;

/** Refusals of the intake API; {@code ProblemAdvice} renders them as RFC 9457 bodies. */
final class IntakeException extends ApiException {

    private IntakeException(HttpStatus status, String slug, String title, String detail, Map<String, Object> properties) {
        super(status, slug, title, detail, properties);
    }

    /** 400 listing every invalid field; nothing of the request was enqueued. */
    static IntakeException invalid(List<FieldProblem> problems) {
        String detail = problems.size() == 1
                ? problems.get(0).field() + " " + problems.get(0).message() + "."
                : problems.size() + " fields are invalid; nothing was accepted.";
        return new IntakeException(
                HttpStatus.BAD_REQUEST, "validation", "Invalid request", detail, Map.of("errors", List.copyOf(problems)));
    }

    /** 503 when the queue could not be reached; the notification was not accepted and may be resent. */
    static IntakeException queueUnavailable() {
        return new IntakeException(
                HttpStatus.SERVICE_UNAVAILABLE,
                "queue-unavailable",
                "Unavailable",
                "The task queue cannot be reached; nothing was accepted. Send the notification again later.",
                Map.of());
    }
}
