package io.leap.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged, ahead-of-time processed sample (the {@code process-aot} execution of this module's build) started on
 * the JVM with {@code -Dspring.aot.enabled=true}: it runs from the generated bean definitions, {@code /actuator/health/leap}
 * reports UP and a demo order reaches the {@code @LeapListener} method. Run by failsafe after {@code package}
 * ({@code ./mvnw -pl leap-sample-app -am verify}).
 */
class SampleAotModeTests {

    private static final Duration STARTUP = Duration.ofSeconds(120);

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private Process process;

    @AfterEach
    void stop() throws InterruptedException {
        if (this.process != null) {
            this.process.destroy();
            if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
                this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void aotProcessedSampleBecomesHealthyAndDeliversAnOrderToItsListener() throws Exception {
        Path jar = Path.of(System.getProperty("sample.jar", "target/leap-sample-app.jar"));
        assertThat(jar)
                .as("the packaged sample; run through failsafe after package")
                .isRegularFile();
        Path log = Files.createTempFile(jar.getParent(), "sample-aot-", ".log");
        int port = freePort();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        this.process = new ProcessBuilder(List.of(
                        java,
                        "-Dspring.aot.enabled=true",
                        "-jar",
                        jar.toString(),
                        "--server.port=" + port,
                        "--spring.main.banner-mode=off",
                        "--sample.publisher.initial-delay=0s",
                        "--sample.publisher.interval=500ms"))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        URI health = URI.create("http://127.0.0.1:" + port + "/actuator/health/leap");
        await().atMost(STARTUP)
                .pollInterval(Duration.ofMillis(500))
                .failFast("the sample exited; see " + log, () -> !this.process.isAlive())
                .until(() -> body(health).contains("\"status\":\"UP\""));
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> read(log).contains("@LeapListener got order #"));
        String output = read(log);
        // Boot says so when it runs from the generated initializer rather than from reflection on the classes.
        assertThat(output).contains("Starting AOT-processed SampleApplication");
        assertThat(body(URI.create("http://127.0.0.1:" + port + "/actuator/leaplisteners/orders")))
                .contains("\"processed\":");
    }

    private String body(URI uri) {
        try {
            HttpResponse<String> response = this.http.send(
                    HttpRequest.newBuilder(uri)
                            .timeout(Duration.ofSeconds(5))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return (response.statusCode() == 200) ? response.body() : "";
        } catch (IOException ex) {
            return "";
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static String read(Path log) throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
