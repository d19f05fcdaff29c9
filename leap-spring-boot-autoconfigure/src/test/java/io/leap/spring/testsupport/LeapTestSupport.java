package io.leap.spring.testsupport;

import io.leap.spring.autoconfigure.LeapAutoConfiguration;
import io.leap.spring.autoconfigure.LeapConnectionDetails;
import io.leap.spring.autoconfigure.embedded.LeapEmbeddedServerAutoConfiguration;
import io.leap.spring.autoconfigure.health.LeapHealthContributorAutoConfiguration;
import io.leap.spring.autoconfigure.metrics.LeapMetricsAutoConfiguration;
import java.net.URI;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

/**
 * Set-up shared by the integration, listener and reliability tests: the Leap auto-configurations with Jackson, health
 * and metrics, short reconnect timings, and connection details pointing at a server the test manages.
 */
public final class LeapTestSupport {

    private LeapTestSupport() {}

    /**
     * @return a runner with every client-side Leap auto-configuration plus Jackson, health and metrics, reconnect
     * timings short enough for restarts to be quick, and a heartbeat-ack timeout long enough for a loaded machine
     */
    public static ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(
                        JacksonAutoConfiguration.class,
                        LeapEmbeddedServerAutoConfiguration.class,
                        LeapAutoConfiguration.class,
                        LeapHealthContributorAutoConfiguration.class,
                        LeapMetricsAutoConfiguration.class,
                        HealthContributorRegistryAutoConfiguration.class,
                        MetricsAutoConfiguration.class,
                        CompositeMeterRegistryAutoConfiguration.class,
                        SimpleMetricsExportAutoConfiguration.class))
                .withPropertyValues(
                        "leap.reconnect.initial-backoff=50ms",
                        "leap.reconnect.max-backoff=250ms",
                        "leap.connect-timeout=10s",
                        "leap.lifecycle.shutdown-timeout=5s",
                        // Servers in these tests send heartbeats every 250-300 ms, and the client's default ack timeout
                        // equals that interval: on a loaded machine a late ack then looked like a dead link and caused
                        // a
                        // stray reconnect (seen in scenario 10). No Spring test relies on ack-timeout detection.
                        "leap.heartbeat-ack-timeout=10s");
    }

    /**
     * @param url the socket URL
     * @param projectId the project id
     * @param token the Leap token, or {@code null} for an anonymous connection
     * @return connection details pointing at a server the test manages
     */
    public static LeapConnectionDetails connectionDetails(URI url, String projectId, @Nullable String token) {
        return new TestConnectionDetails(url, projectId, token);
    }

    /**
     * @param context the application context
     * @return the {@code leap} health indicator
     */
    public static HealthIndicator leapHealth(ApplicationContext context) {
        return (HealthIndicator)
                context.getBean(HealthContributorRegistry.class).getContributor("leap");
    }

    private record TestConnectionDetails(
            URI url, String projectId, @Nullable String token) implements LeapConnectionDetails {

        @Override
        public URI getUrl() {
            return this.url;
        }

        @Override
        public String getProjectId() {
            return this.projectId;
        }

        @Override
        public @Nullable String getToken() {
            return this.token;
        }

        @Override
        public String toString() {
            return "TestConnectionDetails[" + this.url + "]";
        }
    }
}
