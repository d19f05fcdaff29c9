package io.leap.benchmarks.load;

import io.leap.benchmarks.load.Payloads.Tick;
import io.leap.spring.annotation.LeapListener;
import io.leap.spring.event.LeapMessageEvent;
import io.leap.spring.transport.SpringWebSocketTransport;
import java.net.URI;
import java.util.List;
import java.util.function.Supplier;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.EventListener;

/**
 * The Spring paths of the load harness: {@code LeapClient} on the Spring WebSocket transport, a Boot application whose
 * {@code @EventListener} receives every message as a {@link LeapMessageEvent} and reads its channel, event and data
 * tree, and one whose typed {@code @LeapListener} method receives every message's data as a record.
 */
final class SpringPaths {

    private SpringPaths() {}

    static List<Supplier<ClientPath>> paths() {
        return List.of(
                () -> new LeapClientPath(
                        "LeapClient (Spring WebSocket transport) + data() tree",
                        () -> SpringWebSocketTransport.createDefault(16 * 1024 * 1024),
                        false),
                () -> new BootPath("Spring Boot @EventListener", EventListenerApplication.class),
                () -> new BootPath("Spring Boot typed @LeapListener", LeapListenerApplication.class));
    }

    /** A Spring Boot application with the Leap starter and one listener bean. */
    static final class BootPath implements ClientPath {

        static volatile Recorder recorder;

        private final String name;

        private final Class<?> application;

        private ConfigurableApplicationContext context;

        BootPath(String name, Class<?> application) {
            this.name = name;
            this.application = application;
        }

        @Override
        public String name() {
            return this.name;
        }

        @Override
        public void open(URI url, String projectId, Recorder recorder) {
            BootPath.recorder = recorder;
            boolean zlib = url.getQuery() != null && url.getQuery().contains("compression=zlib");
            this.context = new SpringApplicationBuilder(this.application)
                    .web(WebApplicationType.NONE)
                    .logStartupInfo(false)
                    .properties(
                            "leap.url=" + url,
                            "leap.compression=" + zlib,
                            "leap.project-id=" + projectId,
                            "leap.anonymous=true",
                            "leap.fail-fast=true",
                            "leap.reconnect.enabled=false",
                            "leap.embedded.enabled=false",
                            "spring.main.banner-mode=off",
                            "logging.level.root=warn")
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
    static class EventListenerApplication {

        @EventListener
        void on(LeapMessageEvent event) {
            String channel = event.getChannelId();
            String name = event.getEvent();
            long sent = event.getData().path("t").asLong();
            if (channel != null && name != null) {
                BootPath.recorder.message(sent);
            }
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class LeapListenerApplication {

        @LeapListener(channels = "bench", events = "price.updated")
        void on(Tick tick) {
            BootPath.recorder.message(tick.t());
        }
    }
}
