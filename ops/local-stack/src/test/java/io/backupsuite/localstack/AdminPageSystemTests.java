package io.backupsuite.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The console's admin page in a real headless Chromium against the whole local stack (every part its own
 * process): logins with the printed credentials, a viewer who cannot act, a progress bar that moves during a
 * large, throttled transfer, and an operator's switchover that changes the storage group's roles.
 */
class AdminPageSystemTests {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration PATIENCE = Duration.ofSeconds(120);

    private static RunningStack stack;

    @RegisterExtension
    static final StackOnFailure ON_FAILURE = new StackOnFailure(() -> stack);

    @BeforeAll
    static void startStack() throws Exception {
        Path dir = Files.createTempDirectory("admin-page-system");
        stack = LocalStack.start(StackOptions.builder(LocalStackMain.repoRoot()).randomPorts().dataDir(dir).build(),
                System.out::println);
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aViewerSeesTheNodesAndAProgressBarMoveButCannotSwitchOver() throws Exception {
        try (Browser browser = new Browser()) {
            ChromeDriver page = browser.driver();
            login(page, stack.viewer());
            waitFor(page, () -> count(page, "#nodes tbody tr") >= 4);
            browser.screenshot("system-viewer-nodes");

            JsonNode file = JSON.readTree(send("POST", stack.source().url() + "/admin/generate?count=1&size=33554432&prefix=big",
                    null, "")).get(0);
            String notification = "{\"objectKey\":\"page/" + file.get("name").asString() + "\",\"size\":33554432,\"sha256\":\""
                    + file.get("sha256").asString() + "\",\"sources\":[\"" + file.get("url").asString() + "?throttle=2097152\"]}";
            send("POST", stack.dispatcher().url() + "/api/v1/uploads", "Bearer " + stack.uploadToken(), notification);

            Set<Integer> seen = new TreeSet<>();
            waitFor(page, () -> {
                Object value = page.executeScript(
                        "const b = document.querySelector('#transfers [role=progressbar]');"
                                + " return b ? Number(b.getAttribute('aria-valuenow')) : null;");
                if (value instanceof Number n && n.intValue() > 0 && n.intValue() < 100) {
                    seen.add(n.intValue());
                }
                return seen.size() >= 2;
            });
            browser.screenshot("system-progress-bar");

            Object visibleActions = page.executeScript(
                    "return [...document.querySelectorAll('[data-action]')].filter(b => b.offsetParent !== null).length");
            assertThat(((Number) visibleActions).intValue()).isZero();
            assertThat(forcedSwitchover(page)).isEqualTo(403);
        }
    }

    @Test
    void anOperatorSwitchesOverAndSeesTheRolesChange() {
        try (Browser browser = new Browser()) {
            ChromeDriver page = browser.driver();
            login(page, stack.operator());
            // the storage group elects its first primary and a quasi-primary through the console
            waitFor(page, () -> nodeWithRole(page, "PRIMARY") != null && nodeWithRole(page, "QUASI_PRIMARY") != null);
            String before = nodeWithRole(page, "PRIMARY");
            String quasi = nodeWithRole(page, "QUASI_PRIMARY");
            browser.screenshot("system-operator-before-switchover");

            waitFor(page, () -> {
                page.findElement(By.cssSelector("[data-action=switchover][data-group=g1]")).click();
                return true;
            });

            waitFor(page, () -> page.findElement(By.id("notice")).getText().startsWith("Switchover of g1:"));
            assertThat(page.findElement(By.id("notice")).getText()).contains("done").contains("write pause");
            waitFor(page, () -> nodeWithRole(page, "PRIMARY") != null && !before.equals(nodeWithRole(page, "PRIMARY")));
            waitFor(page, () -> page.findElement(By.cssSelector("#audit tbody")).getText().contains("switchover"));
            browser.screenshot("system-operator-after-switchover");
            assertThat(quasi).isNotEqualTo(before);
        }
    }

    private static void login(ChromeDriver page, Credentials who) {
        page.get(stack.console().url() + "/login.html");
        page.findElement(By.id("username")).sendKeys(who.user());
        page.findElement(By.id("password")).sendKeys(who.password());
        page.findElement(By.id("sign-in")).click();
        waitFor(page, () -> "true".equals(page.executeScript("return document.body.dataset.loaded || null")));
    }

    private static int forcedSwitchover(ChromeDriver page) {
        Object status = page.executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "fetch('/api/v1/session', {headers: {'X-Requested-With': 'test'}}).then(r => r.json())"
                        + ".then(me => fetch('/api/v1/groups/g1/switchover', {method: 'POST', headers: {'X-CSRF-Token': me.csrf,"
                        + " 'X-Requested-With': 'test', 'Content-Type': 'application/json'}, body: '{}'}))"
                        + ".then(r => done(r.status));");
        return ((Number) status).intValue();
    }

    private static String nodeWithRole(ChromeDriver page, String role) {
        Object id = page.executeScript(
                "const row = [...document.querySelectorAll('#nodes tbody tr')].find(r => r.querySelector('td.role')"
                        + " && r.querySelector('td.role').textContent === arguments[0]);"
                        + " return row ? row.dataset.node : null;", role);
        return id == null ? null : id.toString();
    }

    private static int count(ChromeDriver page, String css) {
        return ((Number) page.executeScript("return document.querySelectorAll(arguments[0]).length", css)).intValue();
    }

    private static void waitFor(ChromeDriver page, BooleanSupplier condition) {
        new WebDriverWait(page, PATIENCE).ignoring(StaleElementReferenceException.class).until(d -> condition.getAsBoolean());
    }

    private static String send(String method, String url, String authorization, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        HttpResponse<String> response = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(url).isLessThan(300);
        return response.body();
    }
}
