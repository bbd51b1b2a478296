package io.backupsuite.worker.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The allow-list and the address checks after DNS resolution. */
class SourcePolicyTests {

    /** A resolver with fixed answers, so the tests do not depend on DNS. */
    private static final Map<String, String> DNS = Map.of(
            "files.example.com", "203.0.113.10",
            "a.uploads.example.net", "10.1.2.3",
            "rebind.uploads.example.net", "169.254.169.254",
            "loop.uploads.example.net", "127.0.0.1",
            "alibaba.uploads.example.net", "100.100.100.200",
            "localhost", "127.0.0.1");

    private final SourcePolicy policy = new SourcePolicy(
            List.of("files.example.com", "*.uploads.example.net", "127.0.0.1", "169.254.169.254", "[::1]"), SourcePolicyTests::resolve);

    private static InetAddress[] resolve(String host) throws UnknownHostException {
        String ip = DNS.getOrDefault(host, host);
        if (!Character.isDigit(ip.charAt(0)) && !ip.contains(":")) {
            throw new UnknownHostException(host);
        }
        return new InetAddress[] {InetAddress.getByName(ip)};
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "http://files.example.com/a",
        "https://FILES.example.com./a?x=1",
        "http://a.uploads.example.net:8070/b",
        "http://127.0.0.1:8070/c",
        "http://[::1]:8070/d"
    })
    void allowsListedHosts(String url) throws DownloadException {
        assertThat(policy.check(url)).hasToString(url);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "file:///etc/passwd",
        "gopher://files.example.com/",
        "ftp://files.example.com/a",
        "http://other.example.com/a",
        "http://uploads.example.net/a",
        "http://evil.com/?files.example.com",
        "http://files.example.com@evil.com/",
        "http://user:pw@files.example.com/",
        "http://169.254.169.254/latest/meta-data",
        "http://rebind.uploads.example.net/a",
        "http://loop.uploads.example.net/a",
        "http://alibaba.uploads.example.net/a",
        "http://localhost:8070/a",
        "not a url",
        "http:///nohost"
    })
    void refusesEverythingElse(String url) {
        assertThatThrownBy(() -> policy.check(url))
                .isInstanceOfSatisfying(DownloadException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.SOURCE_NOT_ALLOWED));
    }
}
