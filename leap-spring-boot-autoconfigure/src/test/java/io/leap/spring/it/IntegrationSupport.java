package io.leap.spring.it;

import io.leap.spring.autoconfigure.LeapAutoConfiguration;
import io.leap.spring.autoconfigure.embedded.LeapEmbeddedServerAutoConfiguration;
import io.leap.spring.autoconfigure.health.LeapHealthContributorAutoConfiguration;
import io.leap.spring.autoconfigure.metrics.LeapMetricsAutoConfiguration;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Shared set-up of the integration tests: every Leap auto-configuration plus Jackson, health and metrics, with short
 * timings so that reconnects and heartbeats happen quickly.
 */
final class IntegrationSupport {

	private IntegrationSupport() {
	}

	static ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class,
					LeapEmbeddedServerAutoConfiguration.class, LeapAutoConfiguration.class,
					LeapHealthContributorAutoConfiguration.class, LeapMetricsAutoConfiguration.class,
					HealthContributorRegistryAutoConfiguration.class, MetricsAutoConfiguration.class,
					CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class))
			.withPropertyValues("leap.reconnect.initial-backoff=50ms", "leap.reconnect.max-backoff=250ms",
					"leap.connect-timeout=10s", "leap.lifecycle.shutdown-timeout=5s");
	}

	static ApplicationContextRunner embeddedRunner() {
		return runner().withPropertyValues("leap.embedded.enabled=true", "leap.embedded.heartbeat-interval=250ms");
	}

}
