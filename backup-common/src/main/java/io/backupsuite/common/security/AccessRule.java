package io.backupsuite.common.security;

import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.util.AntPathMatcher;

/**
 * Which roles may call a path. Rules are checked in order and the first match decides; a path that
 * no rule names only needs an authenticated caller.
 *
 * @param method HTTP method, or {@code null} for any
 * @param pathPattern Ant-style path pattern, e.g. {@code /api/v1/tasks/**}
 * @param anyOf the caller needs at least one of these roles
 */
public record AccessRule(@Nullable String method, String pathPattern, Set<Role> anyOf) {

    private static final AntPathMatcher MATCHER = new AntPathMatcher();

    public AccessRule {
        anyOf = Set.copyOf(anyOf);
    }

    public static AccessRule any(String pathPattern, Role... roles) {
        return new AccessRule(null, pathPattern, Set.of(roles));
    }

    public static AccessRule of(String method, String pathPattern, Role... roles) {
        return new AccessRule(method, pathPattern, Set.of(roles));
    }

    public boolean matches(String requestMethod, String path) {
        return (method == null || method.equalsIgnoreCase(requestMethod)) && MATCHER.match(pathPattern, path);
    }
}
