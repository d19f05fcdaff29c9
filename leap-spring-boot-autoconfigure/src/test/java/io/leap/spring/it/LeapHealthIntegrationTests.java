package io.leap.spring.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.leap.server.LeapServer;
import io.leap.spring.autoconfigure.LeapConnectionDetails;
import io.leap.spring.testsupport.LeapTestSupport;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * The health indicator follows the real connection: UP when connected, DOWN with details while the server is gone,
 * UP again once a server is back on the same port.
 */
class LeapHealthIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final AtomicReference<LeapServer> server = new AtomicReference<>();

    @AfterEach
    void closeServer() {
        LeapServer current = this.server.get();
        if (current != null) {
            current.close();
        }
    }

    @Test
    void healthFlipsDownAndBackUpWhenServerRestarts() {
        LeapServer first = LeapServer.builder()
                .heartbeatInterval(Duration.ofMillis(250))
                .build()
                .start();
        this.server.set(first);
        int port = first.port();
        String projectId = first.projectId();
        URI url = first.wsUrl();
        IntegrationSupport.runner()
                .withPropertyValues("leap.anonymous=true")
                .withBean(LeapConnectionDetails.class, () -> LeapTestSupport.connectionDetails(url, projectId, null))
                .run((context) -> {
                    assertThat(context).hasNotFailed();
                    HealthIndicator leap = LeapTestSupport.leapHealth(context);
                    await().atMost(TIMEOUT)
                            .until(() -> leap.health(true).getStatus().equals(Status.UP));
                    Health up = leap.health(true);
                    assertThat(up.getDetails())
                            .containsEntry("state", "CONNECTED")
                            .containsKey("timeInState");

                    first.close();
                    await().atMost(TIMEOUT)
                            .until(() -> leap.health(true).getStatus().equals(Status.DOWN));
                    await().atMost(TIMEOUT)
                            .untilAsserted(() -> assertThat(leap.health(true).getDetails())
                                    .containsEntry("willReconnect", true)
                                    .containsKey("lastError")
                                    .containsKey("timeInState"));

                    LeapServer second = LeapServer.builder()
                            .port(port)
                            .projectId(projectId)
                            .heartbeatInterval(Duration.ofMillis(250))
                            .build()
                            .start();
                    this.server.set(second);
                    await().atMost(TIMEOUT)
                            .until(() -> leap.health(true).getStatus().equals(Status.UP));
                    assertThat(leap.health(true).getDetails())
                            .containsEntry("state", "CONNECTED")
                            .doesNotContainKey("lastError");
                });
    }

    @Test
    void lastErrorNeverShowsTheToken() {
        LeapServer leapServer = LeapServer.builder().build().start();
        this.server.set(leapServer);
        String badToken = "leap_token_doesnotexist42";
        IntegrationSupport.runner()
                .withBean(
                        LeapConnectionDetails.class,
                        () -> LeapTestSupport.connectionDetails(leapServer.wsUrl(), leapServer.projectId(), badToken))
                .run((context) -> {
                    HealthIndicator leap = LeapTestSupport.leapHealth(context);
                    await().atMost(TIMEOUT)
                            .untilAsserted(() ->
                                    assertThat(leap.health(true).getDetails()).containsKey("lastError"));
                    Health health = leap.health(true);
                    assertThat(health.getStatus()).isEqualTo(Status.DOWN);
                    assertThat(health.getDetails()).containsEntry("willReconnect", false);
                    assertThat(health.toString()).doesNotContain("doesnotexist42");
                });
    }
}
