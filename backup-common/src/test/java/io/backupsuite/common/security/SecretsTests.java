package io.backupsuite.common.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SecretsTests {

    @Test
    void passwordHashVerifiesOnlyTheRightPassword() {
        String hash = Secrets.passwordHash("s3cret");
        assertThat(hash).startsWith("pbkdf2-sha256$");
        assertThat(Secrets.passwordMatches("s3cret", hash)).isTrue();
        assertThat(Secrets.passwordMatches("s3cret!", hash)).isFalse();
    }

    @Test
    void samePasswordHashesDifferentlyEachTime() {
        assertThat(Secrets.passwordHash("x")).isNotEqualTo(Secrets.passwordHash("x"));
    }

    @Test
    void malformedHashesMatchNothing() {
        assertThat(Secrets.passwordMatches("x", null)).isFalse();
        assertThat(Secrets.passwordMatches("x", "plain")).isFalse();
        assertThat(Secrets.passwordMatches("x", "pbkdf2-sha256$abc$%%$%%")).isFalse();
    }

    @Test
    void tokenHashIsHexSha256() {
        assertThat(Secrets.tokenHash("abc"))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(Secrets.newToken()).hasSizeGreaterThanOrEqualTo(43).isNotEqualTo(Secrets.newToken());
    }
}
