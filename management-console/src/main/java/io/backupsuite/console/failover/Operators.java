package io.backupsuite.console.failover;

import io.backupsuite.common.security.Caller;
import jakarta.servlet.http.HttpServletRequest;

/** Who is acting, for the audit log: the name of the caller's credential. */
public final class Operators {

    private Operators() {}

    public static String who(HttpServletRequest http) {
        return http.getAttribute(Caller.ATTRIBUTE) instanceof Caller caller ? caller.name() : "unknown";
    }
}
