package io.backupsuite.worker.download;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class ContentDigestTests {

    private static final byte[] SHA = sha("hello");

    @Test
    void readsTheSha256MemberOfADictionaryWithOtherAlgorithmsAndParameters() throws Exception {
        String b64 = Base64.getEncoder().encodeToString(SHA);

        assertThat(ContentDigest.sha256("sha-256=:" + b64 + ":")).isEqualTo(SHA);
        assertThat(ContentDigest.sha256("sha-512=:AAAA:, SHA-256=:" + b64 + ":;p=1")).isEqualTo(SHA);
        assertThat(ContentDigest.field(SHA)).isEqualTo("sha-256=:" + b64 + ":");
    }

    @Test
    void aFieldWithoutAWellFormedSha256CountsAsAbsent() {
        assertThat(ContentDigest.sha256(null)).isNull();
        assertThat(ContentDigest.sha256("sha-512=:AAAA:")).isNull();
        assertThat(ContentDigest.sha256("sha-256=:not base64!:")).isNull();
        assertThat(ContentDigest.sha256("sha-256=:AAAA:")).as("not 32 bytes").isNull();
        assertThat(ContentDigest.sha256("sha-256=" + Base64.getEncoder().encodeToString(SHA))).as("not a byte sequence").isNull();
        assertThat(ContentDigest.sha256("x".repeat(5000))).isNull();
    }

    private static byte[] sha(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
