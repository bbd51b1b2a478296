package io.backupsuite.common.security;

import io.backupsuite.common.web.ProblemResponses;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.util.AntPathMatcher;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates every request that is not on a public path and enforces the service's
 * {@link AccessRules}. Rejections are RFC 9457 problem bodies: 401 without valid credentials,
 * 403 with credentials that lack the role. A caller that an earlier filter of the service has already
 * authenticated (left as the {@link Caller#ATTRIBUTE} request attribute) is taken as it is.
 */
public final class AccessFilter extends OncePerRequestFilter {

    private static final AntPathMatcher MATCHER = new AntPathMatcher();

    private final Authenticator authenticator;
    private final AccessRules rules;
    private final List<String> publicPaths;

    public AccessFilter(Authenticator authenticator, AccessRules rules, List<String> publicPaths) {
        this.authenticator = authenticator;
        this.rules = rules;
        this.publicPaths = List.copyOf(publicPaths);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (publicPaths.stream().anyMatch(p -> MATCHER.match(p, path))) {
            chain.doFilter(request, response);
            return;
        }
        // a filter of the service (the console's browser sessions) may have authenticated the caller already
        Optional<Caller> caller = request.getAttribute(Caller.ATTRIBUTE) instanceof Caller known
                ? Optional.of(known)
                : authenticator.authenticate(request.getHeader("Authorization"));
        if (caller.isEmpty()) {
            response.setHeader("WWW-Authenticate", "Bearer realm=\"backup\", Basic realm=\"backup\"");
            ProblemResponses.write(
                    response,
                    HttpStatus.UNAUTHORIZED,
                    "unauthenticated",
                    "Authentication required",
                    "Send a valid bearer token or operator credentials in the Authorization header.");
            return;
        }
        for (AccessRule rule : rules.rules()) {
            if (rule.matches(request.getMethod(), path)) {
                if (!caller.get().hasAny(rule.anyOf())) {
                    ProblemResponses.write(
                            response,
                            HttpStatus.FORBIDDEN,
                            "forbidden",
                            "Not allowed",
                            "This call needs one of the roles " + rule.anyOf() + ".");
                    return;
                }
                break;
            }
        }
        request.setAttribute(Caller.ATTRIBUTE, caller.get());
        chain.doFilter(request, response);
    }
}
