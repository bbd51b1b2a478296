package io.backupsuite.console.roles;

/**
 * The console's answer to a request for a new epoch.
 *
 * @param outcome {@code authorised}, {@code stale} (the caller's epoch is behind), {@code not-candidate},
 *     {@code not-quasi-primary} or {@code busy} (another candidate holds the authorisation)
 * @param epoch the authorised epoch, or the group's current one when refused
 */
public record Authorisation(String outcome, long epoch) {

    public boolean granted() {
        return "authorised".equals(outcome);
    }
}
