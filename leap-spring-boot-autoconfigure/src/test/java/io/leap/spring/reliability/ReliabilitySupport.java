package io.leap.spring.reliability;

import java.net.URI;
import java.util.Set;
import java.util.stream.Collectors;

import io.leap.spring.autoconfigure.LeapAutoConfiguration;
import io.leap.spring.autoconfigure.LeapConnectionDetails;
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
 * Shared set-up of the Spring reliability scenarios: every Leap auto-configuration with health and metrics, short
 * reconnect timings.
 */
final class ReliabilitySupport {

	private ReliabilitySupport() {
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

	static Set<String> liveThreadNames() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter(Thread::isAlive)
			.map(Thread::getName)
			.collect(Collectors.toSet());
	}

	/** Connection details pointing at a server the test manages. */
	record Details(URI url, String projectId, String token) implements LeapConnectionDetails {

		@Override
		public URI getUrl() {
			return this.url;
		}

		@Override
		public String getProjectId() {
			return this.projectId;
		}

		@Override
		public String getToken() {
			return this.token;
		}

		@Override
		public String toString() {
			return "Details[" + this.url + "]";
		}

	}

}
