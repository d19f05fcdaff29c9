package io.leap.spring.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.leap.client.ConnectionState;
import io.leap.client.LeapClient;
import io.leap.server.ChannelType;
import io.leap.server.LeapServer;
import io.leap.spring.autoconfigure.LeapConnectionDetails;
import io.leap.spring.testsupport.LeapTestSupport;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ApplicationContext;

/**
 * The Spring scenarios of the fault suite: scenario 10 (50 context lifecycles in one JVM, no thread or
 * connection leak) and the health parts of scenarios 1 (DOWN then UP across a server restart) and 3 (4001: DOWN with a
 * clear reason, no reconnect attempt). The client-level scenarios are in leap-client's
 * {@code io.leap.client.reliability.FaultSuiteTests}.
 */
class SpringFaultSuiteTests {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final AtomicReference<LeapServer> server = new AtomicReference<>();

    @AfterEach
    void closeServer() {
        LeapServer current = this.server.get();
        if (current != null) {
            current.close();
        }
    }

    private static HealthIndicator health(ApplicationContext context) {
        return LeapTestSupport.leapHealth(context);
    }

    @Test
    @DisplayName("Scenario 10: Spring context started and closed 50 times: no thread or connection leak")
    void scenario10ContextStartedAndClosedFiftyTimes() {
        LeapServer leap = LeapServer.builder()
                .heartbeatInterval(Duration.ofMillis(300))
                .build()
                .start();
        this.server.set(leap);
        leap.createChannel("orders", ChannelType.UNPROTECTED, Map.of());
        // one warm-up round so that JVM-wide threads (JDK HttpClient internals, Awaitility) exist before the baseline
        runOnce(leap);
        await().atMost(WAIT).until(() -> leap.connectionCount() == 0);
        System.gc();
        Set<String> baseline = ReliabilitySupport.liveThreadNames();
        long attemptsBefore = leap.connectionAttempts();
        int peakThreads = 0;
        for (int i = 0; i < 50; i++) {
            runOnce(leap);
            await().atMost(WAIT).until(() -> leap.connectionCount() == 0);
            peakThreads = Math.max(peakThreads, Thread.activeCount());
        }
        assertThat(leap.connectionAttempts() - attemptsBefore)
                .as("one connection per context, no stray reconnects")
                .isEqualTo(50);
        Set<String> leaked = new HashSet<>();
        await().atMost(WAIT).untilAsserted(() -> {
            System.gc(); // on JDK 17 the JDK HttpClient's selector thread ends once the client is collected
            leaked.clear();
            ReliabilitySupport.liveThreadNames().stream()
                    .filter((name) -> !baseline.contains(name))
                    .filter((name) -> !name.startsWith("awaitility"))
                    // the test's own LeapServer starts its event-loop threads lazily; it outlives the contexts by
                    // design
                    .filter((name) -> !name.startsWith("leap-server-"))
                    .forEach(leaked::add);
            assertThat(leaked)
                    .as("threads created by the 50 contexts and still alive")
                    .isEmpty();
        });
        System.out.printf(
                "[reliability] scenario 10: 50 contexts started and closed; %d connections opened, 0 left "
                        + "open; threads after: %d live (baseline %d, peak %d during the loop), none leaked%n",
                leap.connectionAttempts() - attemptsBefore,
                ReliabilitySupport.liveThreadNames().size(),
                baseline.size(),
                peakThreads);
    }

    private void runOnce(LeapServer leap) {
        LeapTestSupport.runner()
                .withPropertyValues("leap.anonymous=true")
                .withBean(
                        LeapConnectionDetails.class,
                        () -> LeapTestSupport.connectionDetails(leap.wsUrl(), leap.projectId(), null))
                .run((context) -> {
                    assertThat(context).hasNotFailed();
                    LeapClient client = context.getBean(LeapClient.class);
                    await().atMost(WAIT).until(() -> client.state() == ConnectionState.CONNECTED);
                    client.subscribe("orders", Duration.ofSeconds(10));
                    assertThat(health(context).health(true).getStatus()).isEqualTo(Status.UP);
                });
    }

    @Test
    @DisplayName("Scenario 1 (health): DOWN while the server is gone, UP again after the restart")
    void scenario01HealthDownThenUpOnServerRestart() {
        LeapServer first = LeapServer.builder()
                .heartbeatInterval(Duration.ofMillis(300))
                .build()
                .start();
        this.server.set(first);
        int port = first.port();
        String projectId = first.projectId();
        LeapTestSupport.runner()
                .withPropertyValues("leap.anonymous=true")
                .withBean(
                        LeapConnectionDetails.class,
                        () -> LeapTestSupport.connectionDetails(first.wsUrl(), projectId, null))
                .run((context) -> {
                    HealthIndicator leap = health(context);
                    LeapClient client = context.getBean(LeapClient.class);
                    await().atMost(WAIT)
                            .until(() -> leap.health(true).getStatus().equals(Status.UP));
                    first.close();
                    await().atMost(WAIT)
                            .until(() -> leap.health(true).getStatus().equals(Status.DOWN));
                    await().atMost(WAIT).untilAsserted(() -> {
                        Health down = leap.health(true);
                        assertThat(down.getStatus()).isEqualTo(Status.DOWN);
                        assertThat(down.getDetails()).containsEntry("willReconnect", true);
                        assertThat(String.valueOf(down.getDetails().get("lastError")))
                                .isNotBlank();
                    });
                    LeapServer second = LeapServer.builder()
                            .port(port)
                            .projectId(projectId)
                            .heartbeatInterval(Duration.ofMillis(300))
                            .build()
                            .start();
                    this.server.set(second);
                    await().atMost(WAIT)
                            .until(() -> leap.health(true).getStatus().equals(Status.UP));
                    assertThat(client.stats().reconnects()).isPositive();
                    assertThat(second.connectionCount()).isEqualTo(1);
                });
    }

    @Test
    @DisplayName("Scenario 3 (health): 4001 keeps health DOWN with a clear reason and no reconnect attempt")
    void scenario03HealthStaysDownWithAClearReasonAfter4001() {
        LeapServer leap = LeapServer.builder()
                .heartbeatInterval(Duration.ofMillis(300))
                .build()
                .start();
        this.server.set(leap);
        String token = leap.createToken(Map.of());
        LeapTestSupport.runner()
                .withBean(
                        LeapConnectionDetails.class,
                        () -> LeapTestSupport.connectionDetails(leap.wsUrl(), leap.projectId(), token))
                .run((context) -> {
                    HealthIndicator health = health(context);
                    await().atMost(WAIT)
                            .until(() -> health.health(true).getStatus().equals(Status.UP));
                    long attempts = leap.connectionAttempts();
                    leap.deleteToken(token); // D-8: 4001
                    await().atMost(WAIT)
                            .until(() -> health.health(true).getStatus().equals(Status.DOWN));
                    await().during(Duration.ofMillis(1500))
                            .atMost(WAIT)
                            .until(() -> health.health(true).getStatus().equals(Status.DOWN)
                                    && leap.connectionAttempts() == attempts);
                    Health down = health.health(true);
                    assertThat(down.getDetails())
                            .containsEntry("state", "ERRORED")
                            .containsEntry("willReconnect", false)
                            .doesNotContainKey("nextAttemptAt");
                    assertThat(String.valueOf(down.getDetails().get("lastError")))
                            .contains("LeapAuthenticationException")
                            .contains("Invalid auth");
                    assertThat(down.toString()).doesNotContain(token);
                });
    }
}
