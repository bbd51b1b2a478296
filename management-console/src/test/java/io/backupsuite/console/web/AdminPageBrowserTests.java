package io.backupsuite.console.web;

import static io.backupsuite.common.wire.GroupRole.PRIMARY;
import static io.backupsuite.common.wire.GroupRole.STANDBY;
import static io.backupsuite.console.TestCredentials.NODE_TOKEN;
import static io.backupsuite.console.TestCredentials.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import io.backupsuite.common.wire.NodeStatus;
import io.backupsuite.console.Browser;
import io.backupsuite.console.ConsoleIntegrationTest;
import io.backupsuite.console.TestMember;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The admin page in a real headless Chromium against a whole console with real Redis. */
class AdminPageBrowserTests extends ConsoleIntegrationTest {

    private Browser browser;
    private ChromeDriver page;

    @BeforeEach
    void openBrowser() {
        browser = new Browser();
        page = browser.driver();
    }

    @AfterEach
    void closeBrowser() {
        browser.close();
    }

    @Test
    void aViewerSeesFiftyNodesLiveButCannotSwitchOver() throws Exception {
        for (int i = 0; i < 50; i++) {
            String id = String.format("worker-%02d", i);
            api.postJson("/api/v1/nodes/heartbeat", bearer(NODE_TOKEN), new NodeStatus(id, "worker", "g" + (i / 5),
                    "http://127.0.0.1:" + (9000 + i), i % 5 == 0 ? "PRIMARY" : "STANDBY", 1, 100 + i, 100, "UP", 0, 0));
        }
        login("viewer", "viewer-pw");
        long firstLoadMs = firstLoad();
        waitFor(() -> page.findElements(By.cssSelector("#nodes tbody tr")).size() == 50);
        Files.writeString(Path.of("target", "admin-page-first-load.txt"), "first_load_ms=" + firstLoadMs + " nodes=50\n");
        System.out.println("Admin page first load with 50 nodes: " + firstLoadMs + " ms");
        browser.screenshot("viewer-nodes");

        assertThat(page.findElement(By.id("who")).getText()).contains("viewer");
        Object visibleActions = page.executeScript("return [...document.querySelectorAll('[data-action]')]"
                + ".filter(b => b.offsetParent !== null).length");
        assertThat(((Number) visibleActions).intValue()).isZero();
        String before = page.findElement(By.cssSelector("#live")).getText();
        waitFor(() -> !page.findElement(By.cssSelector("#live")).getText().equals(before)); // it refreshes by itself
        Object status = page.executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "fetch('/api/v1/session', {headers: {'X-Requested-With': 'test'}}).then(r => r.json())"
                        + ".then(me => fetch('/api/v1/groups/g0/switchover', {method: 'POST', headers: {'X-CSRF-Token': me.csrf,"
                        + " 'X-Requested-With': 'test', 'Content-Type': 'application/json'}, body: '{}'}))"
                        + ".then(r => done(r.status));");
        assertThat(((Number) status).intValue()).isEqualTo(403);
        assertThat(firstLoadMs).isPositive();
    }

    @Test
    void anOperatorSwitchesOverAndSeesTheRolesChange() {
        var beats = Executors.newSingleThreadScheduledExecutor();
        try (TestMember p = new TestMember(); TestMember a = new TestMember()) {
            // both members stay alive (heartbeats), so the page shows their roles, not UNAVAILABLE for silence
            beats.scheduleAtFixedRate(() -> {
                heartbeat("worker-p", p.address(), "PRIMARY", 1);
                heartbeat("worker-a", a.address(), "STANDBY", 1);
            }, 0, 500, TimeUnit.MILLISECONDS);
            report(p.address(), new io.backupsuite.common.wire.ReplicationStatus(
                    "worker-p", "g1", PRIMARY, 1, 1, 10, 10, "worker-p", true, List.of()));
            report(a.address(), new io.backupsuite.common.wire.ReplicationStatus(
                    "worker-a", "g1", STANDBY, 1, 1, 10, 10, "worker-p", false, List.of()));

            login("operator", "operator-pw");
            firstLoad();
            waitFor(() -> roleShown("worker-a").equals("QUASI_PRIMARY"));
            browser.screenshot("operator-before-switchover");
            waitFor(() -> {
                page.findElement(By.cssSelector("[data-action=switchover][data-group=g1]")).click();
                return true;
            });

            waitFor(() -> roleShown("worker-a").equals("PRIMARY") && roleShown("worker-p").equals("STANDBY"));
            waitFor(() -> page.findElement(By.id("notice")).getText().contains("write pause"));
            waitFor(() -> page.findElement(By.cssSelector("#audit tbody")).getText().contains("switchover"));
            browser.screenshot("operator-after-switchover");
            assertThat(p.calls("/internal/v1/replication/handover")).hasSize(1);
        } finally {
            beats.shutdownNow();
        }
    }

    @Test
    void aWrongPasswordIsRefusedOnTheLoginPage() {
        page.get(api.uri("/").toString());
        waitFor(() -> page.getCurrentUrl().endsWith("/login.html"));
        page.findElement(By.id("username")).sendKeys("operator");
        page.findElement(By.id("password")).sendKeys("wrong");
        page.findElement(By.id("sign-in")).click();
        waitFor(() -> page.findElement(By.id("login-error")).isDisplayed());
        browser.screenshot("login-refused");
        assertThat(page.manage().getCookieNamed(SessionFilter.COOKIE)).isNull();
    }

    private void heartbeat(String id, String address, String role, long epoch) {
        api.postJson("/api/v1/nodes/heartbeat", bearer(NODE_TOKEN),
                new NodeStatus(id, "worker", "g1", address, role, epoch, 10, 10, "UP", 0, System.currentTimeMillis()));
    }

    private void login(String user, String password) {
        page.get(api.uri("/login.html").toString());
        page.findElement(By.id("username")).sendKeys(user);
        page.findElement(By.id("password")).sendKeys(password);
        page.findElement(By.id("sign-in")).click();
        waitFor(() -> page.getCurrentUrl().equals(api.uri("/").toString()));
        var cookie = page.manage().getCookieNamed(SessionFilter.COOKIE);
        assertThat(cookie.isHttpOnly()).isTrue();
        assertThat(cookie.getSameSite()).isEqualTo("Strict");
    }

    /** Loads the page afresh and returns the time from navigation start until every part was drawn once. */
    private long firstLoad() {
        page.get(api.uri("/").toString());
        waitFor(() -> "true".equals(page.executeScript("return document.body.dataset.loaded || null")));
        return ((Number) page.executeScript("return Math.round(performance.now())")).longValue();
    }

    private String roleShown(String nodeId) {
        // read in one script: the table is redrawn every second, so element handles go stale
        Object text = page.executeScript(
                "const c = document.querySelector(`#nodes tr[data-node='${arguments[0]}'] td.role`);"
                        + " return c ? c.textContent : '';", nodeId);
        return String.valueOf(text);
    }

    private void waitFor(java.util.function.BooleanSupplier condition) {
        new WebDriverWait(page, Duration.ofSeconds(20))
                .ignoring(StaleElementReferenceException.class)
                .until(d -> condition.getAsBoolean());
    }
}
