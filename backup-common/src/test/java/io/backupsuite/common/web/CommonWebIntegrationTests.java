package io.backupsuite.common.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupsuite.common.security.AccessRule;
import io.backupsuite.common.security.AccessRules;
import io.backupsuite.common.security.Role;
import io.backupsuite.common.security.Secrets;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.mvc.problemdetails.enabled=true",
            "backup.security.max-body-size=1KB",
        })
class CommonWebIntegrationTests {

    @DynamicPropertySource
    static void credentials(DynamicPropertyRegistry registry) {
        // a list binds from one property source only, so every element's fields come from here
        registry.add("backup.security.tokens[0].name", () -> "uploads");
        registry.add("backup.security.tokens[0].roles", () -> "UPLOADER");
        registry.add("backup.security.tokens[0].sha256", () -> Secrets.tokenHash("up-token"));
        registry.add("backup.security.tokens[1].name", () -> "node");
        registry.add("backup.security.tokens[1].roles", () -> "NODE");
        registry.add("backup.security.tokens[1].sha256", () -> Secrets.tokenHash("node-token"));
    }

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void missingOrWrongCredentialsGet401Problem() throws Exception {
        HttpResponse<String> none = send(get("/api/echo").build());
        assertProblem(none, 401, "urn:backup-suite:problem:unauthenticated");
        assertThat(none.headers().firstValue("WWW-Authenticate")).isPresent();
        assertProblem(send(get("/api/echo").header("Authorization", "Bearer nope").build()), 401, null);
    }

    @Test
    void wrongRoleGets403Problem() throws Exception {
        assertProblem(send(post("/api/echo", "{}").header("Authorization", "Bearer node-token").build()), 403,
                "urn:backup-suite:problem:forbidden");
    }

    @Test
    void rightRolePasses() throws Exception {
        HttpResponse<String> ok = send(post("/api/echo", "{\"a\":1}").header("Authorization", "Bearer up-token").build());
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).contains("\"a\":1");
    }

    @Test
    void oversizedBodyGets413WithDeclaredLengthAndWhenChunked() throws Exception {
        String big = "{\"a\":\"" + "x".repeat(2000) + "\"}";
        assertProblem(send(post("/api/echo", big).header("Authorization", "Bearer up-token").build()), 413,
                "urn:backup-suite:problem:body-too-large");
        HttpRequest chunked = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/echo"))
                .header("Authorization", "Bearer up-token")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big.getBytes())))
                .build();
        assertProblem(send(chunked), 413, "urn:backup-suite:problem:body-too-large");
    }

    @Test
    void malformedJsonGets400Problem() throws Exception {
        assertProblem(send(post("/api/echo", "{not json").header("Authorization", "Bearer up-token").build()), 400,
                "urn:backup-suite:problem:malformed-body");
    }

    @Test
    void domainRefusalKeepsItsStatusAndUnexpectedErrorsLeakNothing() throws Exception {
        assertProblem(send(get("/api/conflict").header("Authorization", "Bearer up-token").build()), 409,
                "urn:backup-suite:problem:busy");
        HttpResponse<String> boom = send(get("/api/boom").header("Authorization", "Bearer up-token").build());
        assertProblem(boom, 500, "urn:backup-suite:problem:internal");
        assertThat(boom.body()).doesNotContain("secret internal detail");
    }

    @Test
    void unknownPathIs404ProblemAndHealthIsPublic() throws Exception {
        assertProblem(send(get("/api/nothing-here").header("Authorization", "Bearer up-token").build()), 404,
                "urn:backup-suite:problem:http-404");
    }

    private HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET();
    }

    private HttpRequest.Builder post(String path, String body) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static void assertProblem(HttpResponse<String> response, int status, String type) {
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                ct -> assertThat(ct).startsWith("application/problem+json"));
        assertThat(response.body()).contains("\"status\":" + status);
        if (type != null) {
            assertThat(response.body()).contains("\"type\":\"" + type + "\"");
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(CommonWebConfiguration.class)
    static class TestApp {

        @Bean
        AccessRules accessRules() {
            return AccessRules.of(AccessRule.of("POST", "/api/echo", Role.UPLOADER));
        }

        @Bean
        EchoController echoController() {
            return new EchoController();
        }
    }

    @RestController
    static class EchoController {

        @PostMapping("/api/echo")
        Map<String, Object> echo(@RequestBody Map<String, Object> body) {
            return body;
        }

        @GetMapping("/api/echo")
        Map<String, Object> read() {
            return Map.of("ok", true);
        }

        @GetMapping("/api/conflict")
        void conflict() {
            throw ApiException.conflict("busy", "Something else is running.");
        }

        @GetMapping("/api/boom")
        void boom() {
            throw new IllegalStateException("secret internal detail");
        }
    }
}
