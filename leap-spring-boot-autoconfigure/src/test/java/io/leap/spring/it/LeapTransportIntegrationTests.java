package io.leap.spring.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.leap.client.transport.JdkWebSocketTransport;
import io.leap.client.transport.WebSocketTransport;
import io.leap.server.LeapServer;
import io.leap.spring.event.LeapMessageEvent;
import io.leap.spring.transport.SpringWebSocketTransport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.event.EventListener;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;

/**
 * Both transports end to end, with messages far larger than the Spring transport's frame buffers (and compressed and
 * uncompressed frames).
 */
class LeapTransportIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @ParameterizedTest
    @ValueSource(strings = {"spring-none", "spring-zlib", "jdk-none"})
    void largeMessagesArriveWhole(String variant) {
        boolean spring = variant.startsWith("spring");
        ApplicationContextRunner runner = IntegrationSupport.embeddedRunner()
                // A 16 MiB frame delays heartbeat acks on a loaded machine: use a realistic heartbeat interval here.
                .withPropertyValues(
                        "leap.channels=big",
                        "leap.compression=" + variant.endsWith("zlib"),
                        "leap.embedded.heartbeat-interval=10s")
                .withBean(Collector.class);
        if (!spring) {
            runner = runner.withClassLoader(new FilteredClassLoader(StandardWebSocketClient.class));
        }
        runner.run((context) -> {
            assertThat(context).hasNotFailed();
            WebSocketTransport transport = context.getBean(WebSocketTransport.class);
            assertThat(transport).isInstanceOf(spring ? SpringWebSocketTransport.class : JdkWebSocketTransport.class);
            LeapServer server = context.getBean(LeapServer.class);
            await().atMost(TIMEOUT).until(() -> server.onlineCount("big") == 1);
            // Close to Leap's 16 MiB limit, through the Spring transport's 64 KiB container buffers.
            int size = 16 * 1024 * 1024 - 4096;
            String big = "x".repeat(size) + "é€";
            server.publish("big", "large", Map.of("text", big));
            server.publish("big", "small", Map.of("n", 1));
            Collector collector = context.getBean(Collector.class);
            await().atMost(TIMEOUT).until(() -> collector.events.size() == 2);
            assertThat(context.getBean(io.leap.client.LeapClient.class).stats().reconnects())
                    .isZero();
            assertThat(collector.events.get(0).getData().get("text").asString()).isEqualTo(big);
            assertThat(collector.events.get(1).getEvent()).isEqualTo("small");
        });
    }

    static class Collector {

        final List<LeapMessageEvent> events = new CopyOnWriteArrayList<>();

        @EventListener
        public void on(LeapMessageEvent event) {
            this.events.add(event);
        }
    }
}
