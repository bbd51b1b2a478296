package io.backupsuite.common.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

class AuthenticatorTests {

    private final Authenticator authenticator = new Authenticator(new SecurityProperties(
            List.of(new SecurityProperties.TokenGrant("uploads", Secrets.tokenHash("tok-1"), Set.of(Role.UPLOADER))),
            List.of(new SecurityProperties.UserGrant("op", Secrets.passwordHash("pw"), Set.of(Role.OPERATOR))),
            null,
            DataSize.ofMegabytes(1),
            List.of()));

    @Test
    void bearerTokenGrantsItsRoles() {
        assertThat(authenticator.authenticate("Bearer tok-1"))
                .hasValueSatisfying(c -> assertThat(c.roles()).containsExactly(Role.UPLOADER));
        assertThat(authenticator.authenticate("bearer tok-1")).isPresent();
    }

    @Test
    void wrongOrMalformedCredentialsAreRejected() {
        assertThat(authenticator.authenticate(null)).isEmpty();
        assertThat(authenticator.authenticate("Bearer tok-2")).isEmpty();
        assertThat(authenticator.authenticate("Bearer ")).isEmpty();
        assertThat(authenticator.authenticate("Token tok-1")).isEmpty();
        assertThat(authenticator.authenticate("Basic !!!not-base64")).isEmpty();
        assertThat(authenticator.authenticate(basic("op", "wrong"))).isEmpty();
        assertThat(authenticator.authenticate(basic("nobody", "pw"))).isEmpty();
        assertThat(authenticator.authenticate("Basic " + b64("no-colon"))).isEmpty();
    }

    @Test
    void basicCredentialsGrantUserRolesAndAreRemembered() {
        assertThat(authenticator.authenticate(basic("op", "pw")))
                .hasValueSatisfying(c -> assertThat(c.name()).isEqualTo("op"));
        assertThat(authenticator.authenticate(basic("op", "pw"))).isPresent();
        assertThat(authenticator.authenticate(basic("op", "pw2"))).isEmpty();
    }

    private static String basic(String user, String password) {
        return "Basic " + b64(user + ":" + password);
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
