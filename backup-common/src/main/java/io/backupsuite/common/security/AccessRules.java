package io.backupsuite.common.security;

import java.util.List;

/** The ordered access rules of one service; each service declares one bean of this type. */
public record AccessRules(List<AccessRule> rules) {

    public AccessRules {
        rules = List.copyOf(rules);
    }

    public static AccessRules of(AccessRule... rules) {
        return new AccessRules(List.of(rules));
    }
}
