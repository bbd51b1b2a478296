package io.backupsuite.console.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupsuite.console.ConsoleIntegrationTest;
import io.backupsuite.console.TestApi;
import io.backupsuite.console.TestApi.Response;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** Login, session cookie and CSRF protection of the admin page, over real HTTP. */
class SessionIntegrationTests extends ConsoleIntegrationTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void aLoginSetsAStrictHttpOnlyCookieAndTheSessionKnowsItsCsrfToken() throws Exception {
        HttpResponse<String> login = login("viewer", "viewer-pw", null);

        assertThat(login.statusCode()).isEqualTo(200);
        String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).startsWith(SessionFilter.COOKIE + "=").contains("HttpOnly").contains("SameSite=Strict");
        String csrf = TestApi.JSON.readTree(login.body()).get("csrf").asString();
        Response me = call("GET", "/api/v1/session", cookie(setCookie), null);
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.json().get("user").asString()).isEqualTo("viewer");
        assertThat(me.json().get("csrf").asString()).isEqualTo(csrf);
        assertThat(call("GET", "/api/v1/nodes", cookie(setCookie), null).status()).isEqualTo(200);
        assertThat(login.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(v -> assertThat(v).contains("default-src 'self'"));
    }

    @Test
    void wrongPasswordsUnknownUsersAndNodeTokensCannotLogIn() throws Exception {
        assertThat(login("viewer", "nope", null).statusCode()).isEqualTo(401);
        assertThat(login("nobody", "viewer-pw", null).statusCode()).isEqualTo(401);
        assertThat(call("POST", "/login", null, "{").status()).isEqualTo(400);
        assertThat(call("POST", "/login", null, "{}").problemType()).isEqualTo("urn:backup-suite:problem:validation");
        assertThat(call("GET", "/api/v1/session", "BACKUP_SESSION=forged", null).status()).isEqualTo(401);
    }

    @Test
    void aLoginPostedFromAnotherSiteIsRefused() throws Exception {
        HttpResponse<String> response = login("operator", "operator-pw", "https://evil.example");

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(login("operator", "operator-pw", "http://127.0.0.1:" + port).statusCode()).isEqualTo(200);
    }

    @Test
    void actionsOfASessionNeedItsCsrfTokenAndTheOperatorRole() throws Exception {
        report("http://127.0.0.1:9", status("p", io.backupsuite.common.wire.GroupRole.PRIMARY, 1, 1));
        HttpResponse<String> operator = login("operator", "operator-pw", null);
        String cookie = cookie(operator.headers().firstValue("Set-Cookie").orElseThrow());
        String csrf = TestApi.JSON.readTree(operator.body()).get("csrf").asString();
        String path = "/api/v1/groups/g1/members/p/availability";

        Response noToken = call("POST", path, cookie, "{\"available\":true}");
        Response wrongToken = callWith(path, cookie, "forged", "{\"available\":true}");
        Response withToken = callWith(path, cookie, csrf, "{\"available\":true}");

        assertThat(noToken.status()).isEqualTo(403);
        assertThat(noToken.problemType()).isEqualTo("urn:backup-suite:problem:csrf");
        assertThat(wrongToken.problemType()).isEqualTo("urn:backup-suite:problem:csrf");
        assertThat(withToken.status()).isNotIn(401, 403); // past authentication and CSRF: the table's answer

        HttpResponse<String> viewer = login("viewer", "viewer-pw", null);
        String viewerCookie = cookie(viewer.headers().firstValue("Set-Cookie").orElseThrow());
        String viewerCsrf = TestApi.JSON.readTree(viewer.body()).get("csrf").asString();
        Response refused = callWith("/api/v1/groups/g1/switchover", viewerCookie, viewerCsrf, "{}");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.problemType()).isEqualTo("urn:backup-suite:problem:forbidden");
    }

    @Test
    void signingInAgainWithASessionNeedsNoCsrfTokenAndGivesANewSession() throws Exception {
        String first = cookie(login("viewer", "viewer-pw", null).headers().firstValue("Set-Cookie").orElseThrow());
        HttpRequest again = HttpRequest.newBuilder(api.uri("/login")).header("Content-Type", "application/json")
                .header("Cookie", first)
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"operator\",\"password\":\"operator-pw\"}")).build();

        HttpResponse<String> response = HTTP.send(again, HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(cookie(response.headers().firstValue("Set-Cookie").orElseThrow())).isNotEqualTo(first);
    }

    @Test
    void aLoggedOutSessionIsGone() throws Exception {
        HttpResponse<String> login = login("viewer", "viewer-pw", null);
        String cookie = cookie(login.headers().firstValue("Set-Cookie").orElseThrow());
        String csrf = TestApi.JSON.readTree(login.body()).get("csrf").asString();

        HttpRequest logout = HttpRequest.newBuilder(api.uri("/api/v1/session")).header("Cookie", cookie)
                .header(SessionFilter.CSRF_HEADER, csrf).DELETE().build();
        assertThat(HTTP.send(logout, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(204);

        assertThat(call("GET", "/api/v1/session", cookie, null).status()).isEqualTo(401);
    }

    @Test
    void thePageAndItsAssetsAreServedWithoutCredentialsButNoData() {
        assertThat(api.get("/", null).status()).isEqualTo(200);
        assertThat(api.get("/login.html", null).body()).contains("Sign in");
        assertThat(api.get("/assets/app.js", null).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/audit", null).status()).isEqualTo(401);
        assertThat(api.get("/api/v1/roles/history", null).status()).isEqualTo(401);
    }

    private HttpResponse<String> login(String user, String password, @Nullable String origin) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(api.uri("/login")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(TestApi.JSON.writeValueAsString(
                        Map.of("username", user, "password", password))));
        if (origin != null) {
            b.header("Origin", origin);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String cookie(String setCookie) {
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    private Response call(String method, String path, @Nullable String cookie, @Nullable String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(api.uri(path)).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        return TestApi.send(b.build());
    }

    private Response callWith(String path, String cookie, String csrf, String body) {
        return TestApi.send(HttpRequest.newBuilder(api.uri(path)).header("Content-Type", "application/json")
                .header("Cookie", cookie).header(SessionFilter.CSRF_HEADER, csrf)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }
}
