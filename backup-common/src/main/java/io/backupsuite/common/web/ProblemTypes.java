package io.backupsuite.common.web;

import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/** Stable problem type URIs ({@code urn:backup-suite:problem:<slug>}) and a factory for problem details. */
public final class ProblemTypes {

    private static final String PREFIX = "urn:backup-suite:problem:";

    private ProblemTypes() {}

    public static URI type(String slug) {
        return URI.create(PREFIX + slug);
    }

    public static ProblemDetail problem(HttpStatus status, String slug, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(type(slug));
        problem.setTitle(title);
        return problem;
    }
}
