package io.leap.spring.annotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.leap.client.ConnectionState;
import io.leap.client.LeapClient;
import io.leap.server.ChannelType;
import io.leap.server.LeapServer;
import io.leap.server.testing.LeapServerExtension;
import io.leap.spring.config.LeapListenerConfigUtils;
import io.leap.spring.config.LeapListenerEndpointRegistry;
import io.leap.spring.core.LeapClientLifecycle;
import io.leap.spring.listener.LeapListenerContainer;
import io.leap.spring.support.LeapHeaders;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.handler.annotation.Header;
import org.springframework.messaging.handler.annotation.SendTo;
import org.springframework.util.ClassUtils;

/**
 * {@link EnableLeap} and {@link LeapListener} in a plain Spring Framework context (no Spring Boot on the classpath):
 * the application defines the {@link LeapClient} and its {@link LeapClientLifecycle}, and listeners receive from a
 * real embedded {@link LeapServer}, with typed payloads, headers, event filters and {@code @SendTo} replies.
 */
class EnableLeapPlainSpringTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @RegisterExtension
    final LeapServerExtension leap = LeapServerExtension.create()
            .channel("orders", ChannelType.PUBLIC)
            .channel("confirmations", ChannelType.PUBLIC);

    @Test
    void springBootIsNotOnTheClasspath() {
        assertThat(ClassUtils.isPresent(
                        "org.springframework.boot.SpringApplication", getClass().getClassLoader()))
                .isFalse();
    }

    @Test
    void listenersReceiveAndReplyInAPlainContext(LeapServer server) {
        try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext()) {
            context.registerBean(LeapServer.class, () -> server);
            context.register(ClientConfig.class, ListenerConfig.class);
            context.refresh();

            LeapListenerEndpointRegistry registry = context.getBean(
                    LeapListenerConfigUtils.LEAP_LISTENER_ENDPOINT_REGISTRY_BEAN_NAME,
                    LeapListenerEndpointRegistry.class);
            assertThat(registry.getListenerContainerIds()).containsExactlyInAnyOrder("orders", "confirmations");
            assertThat(registry.isRunning()).isTrue();
            LeapClient client = context.getBean(LeapClient.class);
            await().atMost(TIMEOUT)
                    .until(() -> client.state() == ConnectionState.CONNECTED
                            && server.onlineCount("orders") == 1
                            && server.onlineCount("confirmations") == 1);

            server.publish("orders", "ignored", Map.of("id", "o-0", "quantity", 9));
            server.publish("orders", "order.created", Map.of("id", "o-1", "quantity", 3));

            Received received = context.getBean(Received.class);
            await().atMost(TIMEOUT)
                    .untilAsserted(() -> assertThat(received.confirmations).containsExactly("order.confirmed:o-1"));
            assertThat(received.orders).containsExactly(new Order("o-1", 3));
            assertThat(received.orderChannels).containsExactly("orders");
            LeapListenerContainer orders = registry.getListenerContainer("orders");
            assertThat(orders).isNotNull();
            assertThat(orders.getStats().failed()).isZero();

            context.close();
            assertThat(registry.isRunning()).isFalse();
            assertThat(orders.isRunning()).isFalse();
        }
    }

    /** What an application without Boot writes instead of the auto-configuration. */
    @Configuration(proxyBeanMethods = false)
    static class ClientConfig {

        @Bean(destroyMethod = "close")
        LeapClient leapClient(LeapServer server) {
            return LeapClient.builder(server.projectId())
                    .token(server.createToken(Map.of()))
                    .url(server.wsUrl())
                    .build();
        }

        @Bean
        LeapClientLifecycle leapClientLifecycle(LeapClient client, LeapServer server) {
            return new LeapClientLifecycle(
                    client,
                    server.wsUrl(),
                    List.of(),
                    new LeapClientLifecycle.Settings(
                            true, Duration.ofSeconds(10), true, Integer.MAX_VALUE - 4096, Duration.ofSeconds(5)));
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableLeap
    static class ListenerConfig {

        @Bean
        Received received() {
            return new Received();
        }

        @Bean
        OrderListener orderListener(Received received) {
            return new OrderListener(received);
        }
    }

    record Order(String id, int quantity) {}

    static class Received {

        final List<Order> orders = new CopyOnWriteArrayList<>();

        final List<String> orderChannels = new CopyOnWriteArrayList<>();

        final List<String> confirmations = new CopyOnWriteArrayList<>();
    }

    static class OrderListener {

        private final Received received;

        OrderListener(Received received) {
            this.received = received;
        }

        @LeapListener(id = "orders", channels = "orders", events = "order.created", replyEvent = "order.confirmed")
        @SendTo("confirmations")
        Map<String, String> onOrder(Order order, @Header(LeapHeaders.CHANNEL_ID) String channel) {
            this.received.orders.add(order);
            this.received.orderChannels.add(channel);
            return Map.of("id", order.id());
        }

        @LeapListener(id = "confirmations", channels = "confirmations")
        void onConfirmation(Map<String, String> confirmation, @Header(LeapHeaders.EVENT) String event) {
            this.received.confirmations.add(event + ":" + confirmation.get("id"));
        }
    }
}
