package io.leap.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.leap.server.ChannelType;
import io.leap.server.ConnectionInfo;
import io.leap.server.LeapServer;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

/**
 * Runs the live page ({@code static/index.html} and its vanilla-JS Leap Edge client) in headless Chromium against the
 * application on a random port: the page connects with its own token, shows orders the application publishes, shows
 * its reconnect after the server closed its connection with 4000, cannot read a private channel it was not granted,
 * stops for good when its token is refused (4001), reads zlib-compressed binary frames when it asks for them, and logs
 * no errors to the browser console.
 *
 * <p>Needs Debian's {@code chromium} and {@code chromium-driver} ({@code /usr/bin/chromium},
 * {@code /usr/bin/chromedriver}; other paths with {@code -Dsample.chromium=...} and {@code -Dsample.chromedriver=...}).
 * When they are missing the test fails; it never downloads a driver. The last screenshot is written to
 * {@code target/sample-live-page.png}.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "sample.publisher.enabled=false",
            "leap.embedded.heartbeat-interval=2s",
            // Selenium warns that it has no CDP classes for this Chromium; the test does not use CDP.
            "logging.level.org.openqa.selenium.devtools.CdpVersionFinder=error",
            "logging.level.org.openqa.selenium.chromium.ChromiumDriver=error"
        })
class LivePageBrowserTests {

    private static final Path CHROMIUM = Path.of(System.getProperty("sample.chromium", "/usr/bin/chromium"));

    private static final Path CHROMEDRIVER =
            Path.of(System.getProperty("sample.chromedriver", "/usr/bin/chromedriver"));

    private static final Path SCREENSHOT = Path.of("target", "sample-live-page.png");

    private static final Path FAILURE_SCREENSHOTS = Path.of("target", "screenshots");

    private static final Duration PAGE_TIMEOUT = Duration.ofSeconds(15);

    @LocalServerPort
    int port;

    @Autowired
    LeapServer server;

    @Autowired
    LivePageToken pageToken;

    @TempDir
    Path profile;

    private final HttpClient http = HttpClient.newHttpClient();

    private ChromeDriverService service;

    private WebDriver driver;

    @BeforeAll
    static void chromiumIsInstalled() {
        assertThat(Files.isExecutable(CHROMIUM))
                .as(
                        "No Chromium at %s: install Debian's 'chromium' and 'chromium-driver' packages (CI installs them) "
                                + "or point -Dsample.chromium at a Chromium binary",
                        CHROMIUM)
                .isTrue();
        assertThat(Files.isExecutable(CHROMEDRIVER))
                .as(
                        "No ChromeDriver at %s: install Debian's 'chromium-driver' package (CI installs it) "
                                + "or point -Dsample.chromedriver at the chromedriver matching the Chromium",
                        CHROMEDRIVER)
                .isTrue();
    }

    @BeforeEach
    void startBrowser() throws Exception {
        // The application's own client is connected first: /actuator/health/leap answers 503 before, which the
        // browser would report as a console error.
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() ->
                        assertThat(get("/actuator/health/leap").statusCode()).isEqualTo(200));
        // The driver path is given explicitly, so Selenium Manager has nothing to look up or download.
        System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, CHROMEDRIVER.toString());
        this.service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--window-size=1280,1100",
                "--user-data-dir=" + this.profile.toAbsolutePath());
        LoggingPreferences logging = new LoggingPreferences();
        logging.enable(LogType.BROWSER, Level.ALL);
        options.setCapability(ChromeOptions.LOGGING_PREFS, logging);
        this.driver = new ChromeDriver(this.service, options);
    }

    @AfterEach
    void stopBrowser(TestInfo test) throws IOException {
        try {
            if (this.driver != null) {
                // Every test leaves its last view behind, which helps when one fails in CI.
                screenshot(FAILURE_SCREENSHOTS.resolve(
                        test.getTestMethod().map(Method::getName).orElse("test") + ".png"));
            }
        } finally {
            if (this.driver != null) {
                this.driver.quit();
            }
            if (this.service != null) {
                this.service.stop();
            }
        }
    }

    @Test
    void pageShowsOrdersLiveAndReconnectsAfterTheServerClosedItsConnection() throws Exception {
        this.driver.get("http://localhost:" + this.port + "/");
        WebDriverWait wait = new WebDriverWait(this.driver, PAGE_TIMEOUT);

        // Connected with the page's own token, never the project token.
        wait.until(ExpectedConditions.attributeToBe(By.id("state"), "data-state", "connected"));
        String firstCid = text("cid");
        assertThat(firstCid).startsWith("conn_");
        String token = this.pageToken.get();
        assertThat(token).startsWith("leap_token_").isNotEqualTo(this.server.projectToken());
        assertThat(this.server.connections())
                .filteredOn((info) -> info.cid().equals(firstCid))
                .singleElement()
                .extracting(ConnectionInfo::token)
                .isEqualTo(token);
        assertThat(this.driver.getPageSource()).doesNotContain(this.server.projectToken());
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("channel-state"), "available"));

        // Heartbeats: the periodic ones are acked, and a tagged one from the server is answered with its tag.
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("heartbeat"), "last ack"));
        assertThat(this.server.sendTaggedHeartbeat(firstCid)).isTrue();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("tagged-heartbeat"), "answered"));

        // An order the application publishes (LeapTemplate) shows up within a few seconds.
        long published = publishOrder();
        new WebDriverWait(this.driver, Duration.ofSeconds(5))
                .until(ExpectedConditions.presenceOfElementLocated(orderRow(published)));
        assertThat(this.driver.findElement(orderRow(published)).getText()).contains(String.valueOf(published));

        // The page's button does the same through POST /live/orders.
        this.driver.findElement(By.id("publish")).click();
        wait.until(ExpectedConditions.textMatches(By.id("action-result"), Pattern.compile("published order #\\d+")));
        long fromButton = Long.parseLong(text("action-result").replaceAll("^.*order #(\\d+).*$", "$1"));
        wait.until(ExpectedConditions.presenceOfElementLocated(orderRow(fromButton)));

        // The second button has the server close the page's connection with 4000; the page reconnects.
        wait.until(ExpectedConditions.elementToBeClickable(By.id("close"))).click();
        wait.until(ExpectedConditions.attributeToBe(By.id("last-close"), "data-code", "4000"));
        wait.until((d) -> !firstCid.equals(text("cid")) && "connected".equals(attribute("state", "data-state")));
        assertThat(text("reconnects")).isEqualTo("1");
        assertThat(this.server.connections()).noneMatch((info) -> info.cid().equals(firstCid));
        long afterReconnect = publishOrder();
        new WebDriverWait(this.driver, Duration.ofSeconds(5))
                .until(ExpectedConditions.presenceOfElementLocated(orderRow(afterReconnect)));

        // The application's Leap health and meters, read from Actuator.
        wait.until(ExpectedConditions.attributeToBe(By.id("health"), "data-status", "UP"));
        wait.until(
                ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-meter='leap.messages.received']")));
        assertThat(this.driver.findElements(By.cssSelector("#metrics tbody tr")))
                .hasSizeGreaterThanOrEqualTo(3);

        assertNoConsoleErrors();
        screenshot(SCREENSHOT);
    }

    @Test
    void pageTokenCannotReadOtherPrivateChannelsNorCallTheRestApi() throws Exception {
        this.server.createChannel("payroll", ChannelType.PRIVATE, null);
        try {
            this.driver.get("http://localhost:" + this.port + "/");
            WebDriverWait wait = new WebDriverWait(this.driver, PAGE_TIMEOUT);
            wait.until(ExpectedConditions.attributeToBe(By.id("state"), "data-state", "connected"));
            ((JavascriptExecutor) this.driver)
                    .executeScript("window.leapLive.client.send({op: 0, d: {c: 'payroll', e: 'SUBSCRIBE', d: null}});");
            wait.until((d) -> d.findElements(By.cssSelector("#log li.in")).stream()
                    .map(WebElement::getText)
                    .anyMatch((line) -> line.contains("\"c\":\"payroll\"")
                            && line.contains("\"e\":\"UNAVAILABLE\"")
                            && line.contains("\"error_code\":\"NOT_GRANTED\"")));
            assertThat(attribute("state", "data-state")).isEqualTo("connected");

            // A Leap token is a socket credential only: the Channels REST API refuses it (REST spec §2.1).
            HttpResponse<String> rest = this.http.send(
                    HttpRequest.newBuilder(URI.create(this.server.apiUrl() + "/v1/channels"))
                            .header("Authorization", this.pageToken.get())
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(rest.statusCode()).isEqualTo(401);
            assertNoConsoleErrors();
        } finally {
            this.server.deleteChannel("payroll");
        }
    }

    @Test
    void pageReadsZlibCompressedFramesWhenItAsksForThem() throws Exception {
        this.driver.get("http://localhost:" + this.port + "/?compression=zlib");
        WebDriverWait wait = new WebDriverWait(this.driver, PAGE_TIMEOUT);
        wait.until(ExpectedConditions.attributeToBe(By.id("state"), "data-state", "connected"));
        String cid = text("cid");
        assertThat(this.server.connections())
                .filteredOn((info) -> info.cid().equals(cid))
                .singleElement()
                .satisfies((info) -> assertThat(info.compressed()).isTrue());
        long published = publishOrder();
        new WebDriverWait(this.driver, Duration.ofSeconds(5))
                .until(ExpectedConditions.presenceOfElementLocated(orderRow(published)));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("heartbeat"), "last ack"));
        assertNoConsoleErrors();
    }

    @Test
    @DirtiesContext(methodMode = DirtiesContext.MethodMode.AFTER_METHOD)
    void pageStopsWhenItsTokenIsRefused() throws Exception {
        this.driver.get("http://localhost:" + this.port + "/");
        WebDriverWait wait = new WebDriverWait(this.driver, PAGE_TIMEOUT);
        wait.until(ExpectedConditions.attributeToBe(By.id("state"), "data-state", "connected"));

        // Deleting the token closes its connections with 4001 (protocol spec §12); a client never retries that token.
        this.server.deleteToken(this.pageToken.get());
        wait.until(ExpectedConditions.attributeToBe(By.id("last-close"), "data-code", "4001"));
        wait.until(ExpectedConditions.attributeToBe(By.id("state"), "data-state", "stopped"));
        long attempts = this.server.connectionAttempts();
        await().during(Duration.ofSeconds(3))
                .atMost(Duration.ofSeconds(5))
                .untilAsserted(
                        () -> assertThat(this.server.connectionAttempts()).isEqualTo(attempts));
        assertThat(text("state")).contains("4001");
        assertNoConsoleErrors();
    }

    private void screenshot(Path target) throws IOException {
        Path shot =
                ((TakesScreenshot) this.driver).getScreenshotAs(OutputType.FILE).toPath();
        Files.createDirectories(target.getParent());
        Files.copy(shot, target, StandardCopyOption.REPLACE_EXISTING);
    }

    private void assertNoConsoleErrors() {
        List<LogEntry> errors = this.driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter((entry) -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
                .toList();
        assertThat(errors).as("errors in the browser console").isEmpty();
    }

    private long publishOrder() throws Exception {
        HttpResponse<String> response = this.http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + "/live/orders"))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return Long.parseLong(response.body().replaceAll("^.*\"id\":(\\d+).*$", "$1"));
    }

    private static By orderRow(long id) {
        return By.cssSelector("#orders tr[data-order-id='" + id + "']");
    }

    private String text(String id) {
        WebElement element = this.driver.findElement(By.id(id));
        return element.getText();
    }

    private String attribute(String id, String name) {
        return this.driver.findElement(By.id(id)).getDomAttribute(name);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return this.http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
