package io.leap.spring.autoconfigure;

import io.leap.server.LeapServer;
import io.leap.spring.autoconfigure.metrics.LeapListenerMetricsAutoConfiguration;
import io.leap.spring.testsupport.LeapTestSupport;
import java.net.URI;
import java.time.Duration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;

/**
 * Context runners for the listener integration tests: {@link LeapTestSupport#runner()} plus validation and the
 * listener auto-configurations (containers and meters), with short resubscribe timings.
 */
final class ListenerTestSupport {

    static final Duration TIMEOUT = Duration.ofSeconds(20);

    private ListenerTestSupport() {}

    static ApplicationContextRunner runner() {
        return LeapTestSupport.runner()
                .withConfiguration(AutoConfigurations.of(
                        ValidationAutoConfiguration.class,
                        LeapListenerAutoConfiguration.class,
                        LeapListenerMetricsAutoConfiguration.class))
                .withPropertyValues("leap.subscription-retry-interval=200ms", "leap.listener.shutdown-timeout=5s");
    }

    /** Embedded server (token connection); listener channels are created on it automatically. */
    static ApplicationContextRunner embeddedRunner() {
        return runner().withPropertyValues("leap.embedded.enabled=true", "leap.embedded.heartbeat-interval=250ms");
    }

    /** Connection details of an anonymous connection to a server started by the test. */
    static LeapConnectionDetails anonymous(URI url, String projectId) {
        return LeapTestSupport.connectionDetails(url, projectId, null);
    }

    static LeapServer startServer(int port, String projectId) {
        return LeapServer.builder()
                .port(port)
                .projectId(projectId)
                .heartbeatInterval(Duration.ofMillis(250))
                .build()
                .start();
    }
}
