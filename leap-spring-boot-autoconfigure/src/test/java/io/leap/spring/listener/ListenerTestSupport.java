package io.leap.spring.listener;

import java.net.URI;
import java.time.Duration;

import io.leap.server.LeapServer;
import io.leap.spring.autoconfigure.LeapAutoConfiguration;
import io.leap.spring.autoconfigure.LeapConnectionDetails;
import io.leap.spring.autoconfigure.LeapListenerAutoConfiguration;
import io.leap.spring.autoconfigure.embedded.LeapEmbeddedServerAutoConfiguration;
import io.leap.spring.autoconfigure.metrics.LeapMetricsAutoConfiguration;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;

/**
 * Context runners for the listener integration tests: every Leap auto-configuration used by listeners plus Jackson,
 * validation and metrics, with short reconnect and resubscribe timings.
 */
final class ListenerTestSupport {

	static final Duration TIMEOUT = Duration.ofSeconds(20);

	private ListenerTestSupport() {
	}

	static ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class,
					ValidationAutoConfiguration.class, LeapEmbeddedServerAutoConfiguration.class,
					LeapAutoConfiguration.class, LeapListenerAutoConfiguration.class, LeapMetricsAutoConfiguration.class,
					MetricsAutoConfiguration.class,
					CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class))
			.withPropertyValues("leap.reconnect.initial-backoff=50ms", "leap.reconnect.max-backoff=250ms",
					"leap.connect-timeout=10s", "leap.lifecycle.shutdown-timeout=5s",
					"leap.listener.resubscribe-interval=200ms", "leap.listener.shutdown-timeout=5s");
	}

	/** Embedded server (token connection); listener channels are created on it automatically. */
	static ApplicationContextRunner embeddedRunner() {
		return runner().withPropertyValues("leap.embedded.enabled=true", "leap.embedded.heartbeat-interval=250ms");
	}

	/** Connection details of an anonymous connection to a server started by the test. */
	static LeapConnectionDetails anonymous(URI url, String projectId) {
		return new LeapConnectionDetails() {

			@Override
			public URI getUrl() {
				return url;
			}

			@Override
			public String getProjectId() {
				return projectId;
			}

			@Override
			public @Nullable String getToken() {
				return null;
			}

		};
	}

	static LeapServer startServer(int port, String projectId) {
		return LeapServer.builder().port(port).projectId(projectId).heartbeatInterval(Duration.ofMillis(250)).build()
			.start();
	}

}
