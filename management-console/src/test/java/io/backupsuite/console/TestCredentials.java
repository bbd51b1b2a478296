package io.backupsuite.console;

import io.backupsuite.common.security.Secrets;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.springframework.test.context.DynamicPropertyRegistry;

/** Credentials the tests configure (as hashes, like production) and present (raw). */
public final class TestCredentials {

    public static final String NODE_TOKEN = "test-node-token";
    public static final String UPLOAD_TOKEN = "test-upload-token";
    public static final String VIEWER = basic("viewer", "viewer-pw");
    public static final String OPERATOR = basic("operator", "operator-pw");

    private static final String VIEWER_HASH = Secrets.passwordHash("viewer-pw");
    private static final String OPERATOR_HASH = Secrets.passwordHash("operator-pw");

    private TestCredentials() {}

    public static String bearer(String token) {
        return "Bearer " + token;
    }

    public static void register(DynamicPropertyRegistry registry) {
        registry.add("backup.security.tokens[0].name", () -> "node");
        registry.add("backup.security.tokens[0].sha256", () -> Secrets.tokenHash(NODE_TOKEN));
        registry.add("backup.security.tokens[0].roles", () -> "NODE");
        registry.add("backup.security.tokens[1].name", () -> "upload");
        registry.add("backup.security.tokens[1].sha256", () -> Secrets.tokenHash(UPLOAD_TOKEN));
        registry.add("backup.security.tokens[1].roles", () -> "UPLOADER");
        registry.add("backup.security.users[0].name", () -> "viewer");
        registry.add("backup.security.users[0].password-hash", () -> VIEWER_HASH);
        registry.add("backup.security.users[0].roles", () -> "VIEWER");
        registry.add("backup.security.users[1].name", () -> "operator");
        registry.add("backup.security.users[1].password-hash", () -> OPERATOR_HASH);
        registry.add("backup.security.users[1].roles", () -> "OPERATOR,VIEWER");
    }

    /** The same settings as command-line arguments, for a second application context. */
    public static String[] arguments() {
        return new String[] {
            "--backup.security.tokens[0].name=node",
            "--backup.security.tokens[0].sha256=" + Secrets.tokenHash(NODE_TOKEN),
            "--backup.security.tokens[0].roles=NODE",
            "--backup.security.users[0].name=viewer",
            "--backup.security.users[0].password-hash=" + VIEWER_HASH,
            "--backup.security.users[0].roles=VIEWER",
        };
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
