package io.leap.benchmarks.load;

import java.net.URI;
import java.util.List;
import java.util.function.Supplier;

import io.leap.benchmarks.load.Payloads.Tick;
import io.leap.spring.event.LeapMessageEvent;
import io.leap.spring.transport.SpringWebSocketTransport;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.EventListener;

/**
 * The Spring paths of the load harness: {@code LeapClient} on the Spring WebSocket transport, and a Boot application
 * whose {@code @EventListener} receives every message as a {@link LeapMessageEvent}.
 */
final class SpringPaths {

	private SpringPaths() {
	}

	static List<Supplier<ClientPath>> paths() {
		return List.of(
				() -> new LeapClientPath("LeapClient (Spring WebSocket transport)",
						() -> new SpringWebSocketTransport(SpringWebSocketTransport.createDefaultClient(16 * 1024 * 1024)),
						false),
				EventListenerPath::new);
	}

	/** A Spring Boot application with the Leap starter and one {@code @EventListener}. */
	static final class EventListenerPath implements ClientPath {

		static volatile Recorder recorder;

		private ConfigurableApplicationContext context;

		@Override
		public String name() {
			return "Spring Boot @EventListener";
		}

		@Override
		public void open(URI url, String projectId, Recorder recorder) {
			EventListenerPath.recorder = recorder;
			boolean zlib = url.getQuery() != null && url.getQuery().contains("compression=zlib");
			this.context = new SpringApplicationBuilder(BenchApplication.class).web(WebApplicationType.NONE)
				.logStartupInfo(false)
				.properties("leap.url=" + url, "leap.compression=" + zlib, "leap.project-id=" + projectId,
						"leap.anonymous=true", "leap.fail-fast=true", "leap.reconnect.enabled=false",
						"leap.embedded.enabled=false", "spring.main.banner-mode=off", "logging.level.root=warn")
				.run();
		}

		@Override
		public void close() {
			if (this.context != null) {
				this.context.close();
				this.context = null;
			}
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class BenchApplication {

		@EventListener
		void on(LeapMessageEvent event) {
			Recorder recorder = EventListenerPath.recorder;
			if (recorder.recordsLatency()) {
				recorder.message(event.getData(Tick.class).t());
			}
			else if (event.getEvent() != null) {
				recorder.message(0);
			}
		}

	}

}
