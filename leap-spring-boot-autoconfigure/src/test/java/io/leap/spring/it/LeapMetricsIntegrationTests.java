package io.leap.spring.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.leap.server.LeapServer;
import io.leap.spring.event.LeapMessageEvent;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.context.event.EventListener;

/**
 * Meter values against the embedded server.
 */
class LeapMetricsIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    @Test
    void metersReflectTheConnection() {
        IntegrationSupport.embeddedRunner()
                .withPropertyValues("leap.channels=orders")
                .run((context) -> {
                    assertThat(context).hasNotFailed();
                    LeapServer server = context.getBean(LeapServer.class);
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    await().atMost(TIMEOUT).until(() -> server.onlineCount("orders") == 1);
                    assertThat(registry.get("leap.connection.up")
                                    .tag("project", server.projectId())
                                    .gauge()
                                    .value())
                            .isEqualTo(1.0);
                    assertThat(registry.get("leap.connection.state")
                                    .tag("state", "connected")
                                    .gauge()
                                    .value())
                            .isEqualTo(1.0);
                    assertThat(registry.get("leap.connection.state")
                                    .tag("state", "idle")
                                    .gauge()
                                    .value())
                            .isZero();

                    for (int i = 0; i < 5; i++) {
                        server.publish("orders", "order.created", Map.of("n", i));
                    }
                    await().atMost(TIMEOUT)
                            .untilAsserted(() -> assertThat(registry.get("leap.messages.received")
                                            .functionCounter()
                                            .count())
                                    .isEqualTo(5.0));
                    // Heartbeats every 250 ms: the round-trip timer fills up.
                    await().atMost(TIMEOUT)
                            .untilAsserted(() -> assertThat(registry.get("leap.heartbeat.rtt")
                                            .timer()
                                            .count())
                                    .isPositive());
                    assertThat(registry.get("leap.reconnects").functionCounter().count())
                            .isZero();

                    server.closeAll(4000, "Unknown error");
                    await().atMost(TIMEOUT)
                            .untilAsserted(() -> assertThat(registry.get("leap.reconnects")
                                            .functionCounter()
                                            .count())
                                    .isGreaterThanOrEqualTo(1.0));
                    await().atMost(TIMEOUT)
                            .until(() ->
                                    registry.get("leap.connection.up").gauge().value() == 1.0);
                });
    }

    @Test
    void listenerErrorsDroppedAndBufferedEvents() {
        IntegrationSupport.embeddedRunner()
                .withPropertyValues(
                        "leap.channels=orders",
                        "leap.delivery.buffer-size=2",
                        "leap.delivery.overflow-policy=drop-newest")
                .withBean(BlockingListener.class)
                .run((context) -> {
                    LeapServer server = context.getBean(LeapServer.class);
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    BlockingListener listener = context.getBean(BlockingListener.class);
                    await().atMost(TIMEOUT).until(() -> server.onlineCount("orders") == 1);
                    server.publish("orders", "block", Map.of());
                    assertThat(listener.blocking.await(15, TimeUnit.SECONDS)).isTrue();
                    for (int i = 0; i < 6; i++) {
                        server.publish("orders", "fail", Map.of("n", i));
                    }
                    // The blocked listener's buffer holds 2, the other 4 are dropped.
                    await().atMost(TIMEOUT)
                            .untilAsserted(() -> assertThat(registry.get("leap.events.dropped")
                                            .functionCounter()
                                            .count())
                                    .isEqualTo(4.0));
                    assertThat(registry.get("leap.events.buffered").gauge().value())
                            .isEqualTo(2.0);
                    listener.release.countDown();
                    await().atMost(TIMEOUT)
                            .untilAsserted(() -> assertThat(registry.get("leap.events.errors")
                                            .functionCounter()
                                            .count())
                                    .isEqualTo(2.0));
                    await().atMost(TIMEOUT)
                            .until(() ->
                                    registry.get("leap.events.buffered").gauge().value() == 0.0);
                });
    }

    @Test
    void eventNameTagIsOptIn() {
        IntegrationSupport.embeddedRunner()
                .withPropertyValues("leap.channels=orders", "leap.metrics.event-name-tag=true")
                .run((context) -> {
                    LeapServer server = context.getBean(LeapServer.class);
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    await().atMost(TIMEOUT).until(() -> server.onlineCount("orders") == 1);
                    server.publish("orders", "order.created", Map.of());
                    server.publish("orders", "order.created", Map.of());
                    server.publish("orders", "order.cancelled", Map.of());
                    await().atMost(TIMEOUT).untilAsserted(() -> {
                        assertThat(registry.get("leap.messages.received")
                                        .tag("event", "order.created")
                                        .counter()
                                        .count())
                                .isEqualTo(2.0);
                        assertThat(registry.get("leap.messages.received")
                                        .tag("event", "order.cancelled")
                                        .counter()
                                        .count())
                                .isEqualTo(1.0);
                    });
                });
    }

    static class BlockingListener {

        final CountDownLatch blocking = new CountDownLatch(1);

        final CountDownLatch release = new CountDownLatch(1);

        @EventListener
        public void on(LeapMessageEvent event) throws InterruptedException {
            if ("block".equals(event.getEvent())) {
                this.blocking.countDown();
                this.release.await(30, TimeUnit.SECONDS);
            } else if ("fail".equals(event.getEvent())) {
                throw new IllegalStateException("failing on purpose");
            }
        }
    }
}
