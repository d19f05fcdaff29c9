package io.leap.spring.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.leap.client.LeapClient;
import io.leap.server.LeapServer;
import io.leap.spring.autoconfigure.LeapConnectionDetails;
import io.leap.spring.autoconfigure.LeapTemplateAutoConfiguration;
import io.leap.spring.autoconfigure.metrics.LeapApiMetricsAutoConfiguration;
import io.leap.spring.core.LeapOperations;
import io.leap.spring.event.LeapMessageEvent;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

/**
 * Embedded mode end to end: with only {@code leap.embedded.enabled=true}, the auto-configured {@code LeapTemplate}
 * publishes through the embedded server's REST API and the application's own {@link LeapClient} receives it.
 */
class LeapTemplateEmbeddedIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private final ApplicationContextRunner runner = IntegrationSupport.embeddedRunner()
            .withConfiguration(
                    AutoConfigurations.of(LeapTemplateAutoConfiguration.class, LeapApiMetricsAutoConfiguration.class))
            .withPropertyValues("leap.channels=orders")
            .withUserConfiguration(Listener.class);

    @Test
    void templatePublishesToTheEmbeddedServer() {
        this.runner.run((context) -> {
            assertThat(context).hasNotFailed();
            LeapServer server = context.getBean(LeapServer.class);
            await().atMost(TIMEOUT).until(() -> server.onlineCount("orders") == 1);
            LeapOperations leap = context.getBean(LeapOperations.class);
            Received received = context.getBean(Received.class);

            leap.publish("orders", "order.created", new Order(7, "coffee", Instant.parse("2025-06-01T08:00:00Z")));
            String appToken = context.getBean(LeapConnectionDetails.class).getToken();
            leap.publishDirect(appToken, "ping", List.of(1, 2, 3));

            await().atMost(TIMEOUT)
                    .untilAsserted(() -> assertThat(received.events)
                            .extracting(LeapMessageEvent::getEvent)
                            .containsExactlyInAnyOrder("order.created", "ping"));
            LeapMessageEvent order = received.events.stream()
                    .filter((e) -> "order.created".equals(e.getEvent()))
                    .findFirst()
                    .orElseThrow();
            assertThat(order.getData(Order.class))
                    .isEqualTo(new Order(7, "coffee", Instant.parse("2025-06-01T08:00:00Z")));
            assertThat(context.getBean(MeterRegistry.class)
                            .get("leap.api.requests")
                            .tags("operation", "publish", "outcome", "success")
                            .timer()
                            .count())
                    .isEqualTo(1);
        });
    }

    record Order(long id, String product, Instant at) {}

    static class Received {

        final List<LeapMessageEvent> events = new CopyOnWriteArrayList<>();

        @EventListener
        void on(LeapMessageEvent event) {
            this.events.add(event);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Listener {

        @Bean
        Received received() {
            return new Received();
        }
    }
}
