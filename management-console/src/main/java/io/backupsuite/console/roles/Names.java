package io.backupsuite.console.roles;

import java.net.URI;
import java.net.URISyntaxException;
import org.jspecify.annotations.Nullable;

/** Checks of the names and addresses members send: printable, bounded, addresses absolute http(s) URLs. */
public final class Names {

    private static final int MAX_NAME = 128;
    private static final int MAX_ADDRESS = 2048;

    private Names() {}

    public static String name(String field, @Nullable String value) {
        if (value == null || value.isBlank() || value.length() > MAX_NAME || value.chars().anyMatch(Character::isISOControl)
                || value.contains(",")) {
            throw RoleException.invalid(field + " must be 1 to " + MAX_NAME + " printable characters without commas.");
        }
        return value;
    }

    public static String address(@Nullable String value) {
        if (value != null && value.length() <= MAX_ADDRESS) {
            try {
                URI uri = new URI(value);
                if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                    return value;
                }
            } catch (URISyntaxException e) {
                // falls through to the refusal
            }
        }
        throw RoleException.invalid("address must be an absolute http(s) URL.");
    }
}
