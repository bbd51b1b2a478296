package io.backupsuite.console.web;

import io.backupsuite.common.security.Authenticator;
import io.backupsuite.common.security.Caller;
import io.backupsuite.common.security.Role;
import io.backupsuite.common.security.Secrets;
import io.backupsuite.common.web.ApiException;
import io.backupsuite.console.audit.AuditLog;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseCookie;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Login and logout of the admin page. Users are the configured HTTP Basic users (PBKDF2 hashes) with the
 * role VIEWER or OPERATOR; a login sets an HttpOnly, SameSite=Strict session cookie and returns the CSRF token.
 */
@RestController
class LoginController {

    private static final Set<Role> PAGE_ROLES = EnumSet.of(Role.VIEWER, Role.OPERATOR);

    private final Authenticator authenticator;
    private final SessionStore sessions;
    private final AuditLog audit;

    LoginController(Authenticator authenticator, SessionStore sessions, AuditLog audit) {
        this.authenticator = authenticator;
        this.sessions = sessions;
        this.audit = audit;
    }

    @PostMapping("/login")
    ResponseEntity<Me> login(@RequestBody(required = false) @Nullable Credentials body, HttpServletRequest request) {
        sameOrigin(request);
        if (body == null || body.username() == null || body.password() == null
                || body.username().length() > 128 || body.password().length() > 512) {
            throw ApiException.badRequest("validation", "The body must be {\"username\": ..., \"password\": ...}.");
        }
        String basic = Base64.getEncoder()
                .encodeToString((body.username() + ":" + body.password()).getBytes(StandardCharsets.UTF_8));
        Caller caller = authenticator.authenticate("Basic " + basic)
                .filter(c -> c.hasAny(PAGE_ROLES))
                .orElseThrow(() -> {
                    audit.record(body.username(), "login", "admin page", "refused", null);
                    return new ApiException(HttpStatus.UNAUTHORIZED, "login-failed", "Login failed",
                            "Unknown user, wrong password, or a user without the VIEWER or OPERATOR role.", Map.of());
                });
        Session session = new Session(caller.name(), caller.roles(), Secrets.newToken());
        String id = sessions.create(session);
        audit.record(caller.name(), "login", "admin page", "ok", null);
        ResponseCookie cookie = ResponseCookie.from(SessionFilter.COOKIE, id)
                .httpOnly(true)
                .sameSite("Strict")
                .secure(request.isSecure())
                .path("/")
                .maxAge(sessions.timeout())
                .build();
        return ResponseEntity.ok().header(HttpHeaders.SET_COOKIE, cookie.toString()).body(Me.of(session));
    }

    /** Who is logged in, and the CSRF token the page sends with every action. */
    @GetMapping("/api/v1/session")
    Me me(HttpServletRequest request) {
        if (!(request.getAttribute(Session.class.getName()) instanceof Session session)) {
            throw ApiException.notFound("no-session", "These credentials are not an admin-page session.");
        }
        return Me.of(session);
    }

    @DeleteMapping("/api/v1/session")
    ResponseEntity<Void> logout(HttpServletRequest request) {
        SessionFilter.cookie(request).ifPresent(sessions::delete);
        ResponseCookie gone = ResponseCookie.from(SessionFilter.COOKIE, "").httpOnly(true).sameSite("Strict").path("/")
                .maxAge(0).build();
        return ResponseEntity.noContent().header(HttpHeaders.SET_COOKIE, gone.toString()).build();
    }

    /** Refuses logins posted from another site's page (login CSRF); clients that send no Origin are not browsers. */
    private static void sameOrigin(HttpServletRequest request) {
        String origin = request.getHeader("Origin");
        if (origin == null) {
            return;
        }
        String authority;
        try {
            authority = new URI(origin).getAuthority();
        } catch (URISyntaxException e) {
            authority = null;
        }
        String host = request.getHeader("Host");
        if (host == null || authority == null || !authority.equalsIgnoreCase(host)) {
            throw new ApiException(HttpStatus.FORBIDDEN, "cross-origin", "Cross-origin login",
                    "Logins are accepted only from the console's own page.", Map.of());
        }
    }

    record Credentials(@Nullable String username, @Nullable String password) {}

    record Me(String user, Set<Role> roles, String csrf) {
        static Me of(Session s) {
            return new Me(s.user(), s.roles(), s.csrf());
        }
    }
}
