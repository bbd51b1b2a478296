package io.backupsuite.console.web;

import io.backupsuite.common.security.Role;
import java.util.Set;

/**
 * A logged-in person on the admin page.
 *
 * @param user the user's name
 * @param roles the user's roles (VIEWER, OPERATOR)
 * @param csrf the token every state-changing request of this session must carry in {@code X-CSRF-Token}
 */
record Session(String user, Set<Role> roles, String csrf) {

    Session {
        roles = Set.copyOf(roles);
    }
}
