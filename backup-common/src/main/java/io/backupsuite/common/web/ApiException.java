package io.backupsuite.common.web;

import java.util.Map;
import org.springframework.http.HttpStatus;

/**
 * A request the API refuses for a reason the caller can act on. Services extend it or use its
 * factories; {@link ProblemAdvice} maps it once to an RFC 9457 body.
 */
public class ApiException extends RuntimeException {

    private final HttpStatus status;
    private final String slug;
    private final String title;
    private final Map<String, Object> properties;

    public ApiException(HttpStatus status, String slug, String title, String detail, Map<String, Object> properties) {
        super(detail);
        this.status = status;
        this.slug = slug;
        this.title = title;
        this.properties = Map.copyOf(properties);
    }

    public static ApiException badRequest(String slug, String detail) {
        return new ApiException(HttpStatus.BAD_REQUEST, slug, "Bad request", detail, Map.of());
    }

    public static ApiException notFound(String slug, String detail) {
        return new ApiException(HttpStatus.NOT_FOUND, slug, "Not found", detail, Map.of());
    }

    public static ApiException conflict(String slug, String detail) {
        return new ApiException(HttpStatus.CONFLICT, slug, "Conflict", detail, Map.of());
    }

    public static ApiException unavailable(String slug, String detail) {
        return new ApiException(HttpStatus.SERVICE_UNAVAILABLE, slug, "Unavailable", detail, Map.of());
    }

    public HttpStatus status() {
        return status;
    }

    public String slug() {
        return slug;
    }

    public String title() {
        return title;
    }

    public Map<String, Object> properties() {
        return properties;
    }
}
