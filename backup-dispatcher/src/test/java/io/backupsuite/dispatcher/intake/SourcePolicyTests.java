package io.backupsuite.dispatcher.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SourcePolicyTests {

    private final SourcePolicy policy = new SourcePolicy(
            List.of("files.example.com", "*.cdn.example.net", "127.0.0.1", "[::1]", "169.254.169.254", "metadata.google.internal"));

    @ParameterizedTest
    @ValueSource(strings = {
        "https://files.example.com/a", "http://FILES.example.com:8080/a?b=c", "https://a.b.cdn.example.net/x",
        "http://127.0.0.1:8070/x", "http://[::1]:8070/x", "http://[0:0:0:0:0:0:0:1]/x", "https://files.example.com./a"
    })
    void allows(String url) {
        assertThat(policy.refusal(url)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "file:///etc/passwd", "gopher://files.example.com/", "ftp://files.example.com/", "//files.example.com/x",
        "https://user@files.example.com/", "http://169.254.169.254/latest", "http://[fe80::1]/", "http://[fe80::1%25eth0]/",
        "http://[::ffff:169.254.169.254]/", "http://metadata.google.internal/", "http://100.100.100.200/",
        "http://2852039166/", "http://0xa9fea9fe/", "http://0251.0376.0251.0376/", "http://127.1/", "http://localhost/",
        "http://127.0.0.2/", "https://cdn.example.net/", "https://evilfiles.example.com/", "http://0.0.0.0/",
        "http://[::]/", "https://exa mple.com/", "https:///nohost"
    })
    void refuses(String url) {
        assertThat(policy.refusal(url)).isNotNull();
    }
}
