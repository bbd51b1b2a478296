package io.backupsuite.console.web;

import io.backupsuite.common.security.Caller;
import io.backupsuite.common.web.ProblemResponses;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates admin-page requests by their session cookie, before the common access filter applies the
 * access rules. A state-changing request of a session must carry the session's CSRF token in
 * {@code X-CSRF-Token}; without it the answer is a 403 problem. Requests with an {@code Authorization}
 * header (API clients, nodes) are left to the access filter. Every answer gets the page's security headers.
 */
final class SessionFilter extends OncePerRequestFilter {

    static final String COOKIE = "BACKUP_SESSION";
    static final String CSRF_HEADER = "X-CSRF-Token";
    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");

    private final SessionStore sessions;

    SessionFilter(SessionStore sessions) {
        this.sessions = sessions;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        response.setHeader("Content-Security-Policy",
                "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("Referrer-Policy", "no-referrer");
        HttpServletResponse out = response;
        if (request.getHeader("X-Requested-With") != null) {
            // the page's own fetches: no Basic challenge, so the browser shows no login dialog of its own
            out = new NoChallenge(response);
        }
        // a login replaces any session, so it needs none (it has its own origin check instead of a CSRF token)
        boolean login = "/login".equals(request.getRequestURI().substring(request.getContextPath().length()));
        Optional<Session> session = request.getHeader("Authorization") == null && !login
                ? cookie(request).flatMap(sessions::find)
                : Optional.empty();
        if (session.isPresent()) {
            if (!SAFE.contains(request.getMethod()) && !csrfMatches(request, session.get())) {
                ProblemResponses.write(out, HttpStatus.FORBIDDEN, "csrf", "CSRF token missing or wrong",
                        "Send the session's CSRF token in the " + CSRF_HEADER + " header.");
                return;
            }
            request.setAttribute(Caller.ATTRIBUTE, new Caller(session.get().user(), session.get().roles()));
            request.setAttribute(Session.class.getName(), session.get());
        }
        chain.doFilter(request, out);
    }

    static Optional<String> cookie(HttpServletRequest request) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return Optional.empty();
        }
        for (Cookie c : cookies) {
            if (COOKIE.equals(c.getName()) && c.getValue() != null) {
                return Optional.of(c.getValue());
            }
        }
        return Optional.empty();
    }

    private static boolean csrfMatches(HttpServletRequest request, Session session) {
        String sent = request.getHeader(CSRF_HEADER);
        return sent != null && MessageDigest.isEqual(
                sent.getBytes(StandardCharsets.UTF_8), session.csrf().getBytes(StandardCharsets.UTF_8));
    }

    /** Drops {@code WWW-Authenticate}, which would make a browser prompt for Basic credentials. */
    private static final class NoChallenge extends HttpServletResponseWrapper {
        NoChallenge(HttpServletResponse response) {
            super(response);
        }

        @Override
        public void setHeader(String name, String value) {
            if (!"WWW-Authenticate".equalsIgnoreCase(name)) {
                super.setHeader(name, value);
            }
        }

        @Override
        public void addHeader(String name, String value) {
            if (!"WWW-Authenticate".equalsIgnoreCase(name)) {
                super.addHeader(name, value);
            }
        }
    }
}
