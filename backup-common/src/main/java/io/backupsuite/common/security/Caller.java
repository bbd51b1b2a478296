package io.backupsuite.common.security;

import java.util.Set;

/** An authenticated caller: the name of its credential and the roles that credential grants. */
public record Caller(String name, Set<Role> roles) {

    /** Request attribute under which the {@link AccessFilter} leaves the caller for controllers. */
    public static final String ATTRIBUTE = Caller.class.getName();

    public Caller {
        roles = Set.copyOf(roles);
    }

    public boolean hasAny(Set<Role> wanted) {
        return wanted.stream().anyMatch(roles::contains);
    }
}
