package io.backupsuite.localstack;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** A user name and password for HTTP Basic. */
public record Credentials(String user, String password) {

    public Credentials {
        if (user.isBlank() || user.contains(":")) {
            throw new IllegalArgumentException("a user name must not be blank or contain ':'");
        }
        if (password.isEmpty()) {
            throw new IllegalArgumentException("a password must not be empty");
        }
    }

    /** The value of an {@code Authorization} header for these credentials. */
    public String basicAuthorization() {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return user + ":" + password;
    }
}
