package io.leap.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.leap.client.LeapMessage;
import io.leap.server.LeapServer;
import io.leap.spring.annotation.LeapListener;
import io.leap.spring.config.LeapListenerEndpointRegistry;
import io.leap.spring.event.LeapMessageEvent;
import io.leap.spring.listener.LeapListenerErrorHandler;
import io.leap.spring.listener.LeapListenerExecutionFailedException;
import io.leap.spring.listener.LeapListenerStats;
import io.leap.spring.support.LeapHeaders;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Positive;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.messaging.Message;
import org.springframework.messaging.converter.MessageConversionException;
import org.springframework.messaging.handler.annotation.Header;
import org.springframework.messaging.handler.annotation.Payload;
import org.springframework.messaging.handler.invocation.MethodArgumentResolutionException;
import tools.jackson.databind.JsonNode;

/**
 * Every argument kind of a {@code @LeapListener} method against the embedded server, plus conversion failures,
 * validation, the error handler, and {@code @EventListener} next to listeners.
 */
class LeapListenerArgumentsIntegrationTests {

    private final ApplicationContextRunner runner =
            ListenerTestSupport.embeddedRunner().withUserConfiguration(Config.class);

    @Test
    void everyArgumentKindIsResolved() {
        this.runner.run((context) -> {
            assertThat(context).hasNotFailed();
            LeapServer server = awaitSubscribed(context, "orders");
            Received received = context.getBean(Received.class);
            server.publish("orders", "order.created", Map.of("id", 7, "product", "coffee", "quantity", 2));
            server.publish(
                    "orders", "order.batch", List.of(Map.of("sku", "a", "count", 1), Map.of("sku", "b", "count", 2)));

            await().atMost(ListenerTestSupport.TIMEOUT).untilAsserted(() -> {
                assertThat(received.orders).containsExactly(new Order(7, "coffee", 2));
                assertThat(received.batches).containsExactly(List.of(new Item("a", 1), new Item("b", 2)));
                assertThat(received.trees).hasSize(2);
                assertThat(received.rawTexts).hasSize(2);
                assertThat(received.rawBytes).hasSize(2);
                assertThat(received.headers).hasSize(2);
                assertThat(received.leapMessages).hasSize(2);
                assertThat(received.springMessages).hasSize(1);
            });
            assertThat(received.trees.get(0).get("product").asString()).isEqualTo("coffee");
            // Raw JSON text exactly as received, not re-serialised.
            assertThat(received.rawTexts.get(0))
                    .isEqualTo(received.leapMessages.get(0).rawData())
                    .startsWith("{")
                    .contains("\"product\":\"coffee\"");
            assertThat(received.rawTexts.get(1)).startsWith("[");
            assertThat(new String(received.rawBytes.get(0), StandardCharsets.UTF_8))
                    .isEqualTo(received.rawTexts.get(0));
            Map<String, Object> headers = received.headers.get(0);
            assertThat(headers)
                    .containsEntry("channel", "orders")
                    .containsEntry("event", "order.created")
                    .containsEntry("unicast", false)
                    .containsEntry("direct", false)
                    .containsEntry("listener", "headers");
            assertThat((String) headers.get("connection")).isNotBlank();
            LeapMessage leapMessage = received.leapMessages.get(0);
            assertThat(leapMessage.channelId()).isEqualTo("orders");
            assertThat(leapMessage.event()).isEqualTo("order.created");
            Message<Order> springMessage = received.springMessages.get(0);
            assertThat(springMessage.getPayload()).isEqualTo(new Order(7, "coffee", 2));
            assertThat(springMessage.getHeaders())
                    .containsEntry(LeapHeaders.CHANNEL_ID, "orders")
                    .containsEntry(LeapHeaders.EVENT, "order.created");
        });
    }

    @Test
    void directMessagesReachDirectListenersOnly() {
        this.runner.run((context) -> {
            LeapServer server = awaitSubscribed(context, "orders");
            Received received = context.getBean(Received.class);
            String token = context.getBean(LeapConnectionDetails.class).getToken();
            server.sendDirectMessage(token, "ping", Map.of("n", 1));
            server.sendDirectMessage(token, "ignored", Map.of("n", 2));
            server.publish("orders", "ping", Map.of("n", 3));
            await().atMost(ListenerTestSupport.TIMEOUT)
                    .untilAsserted(() -> assertThat(received.directs)
                            .extracting((n) -> n.get("n").asInt())
                            .containsExactly(1));
            // The channel message with the same event went to channel listeners, never to the direct one.
            await().atMost(ListenerTestSupport.TIMEOUT)
                    .untilAsserted(() -> assertThat(received.leapMessages).hasSize(1));
            assertThat(received.directHeaders).containsExactly(Boolean.TRUE);
            assertThat(received.directs).hasSize(1);
        });
    }

    @Test
    void conversionAndListenerFailuresGoToTheErrorHandlerAndDeliveryGoesOn() {
        this.runner.run((context) -> {
            LeapServer server = awaitSubscribed(context, "strict");
            Received received = context.getBean(Received.class);
            RecordingErrorHandler errors = context.getBean(RecordingErrorHandler.class);
            LeapListenerEndpointRegistry registry = context.getBean(LeapListenerEndpointRegistry.class);

            server.publish("strict", "order", Map.of("id", "not a number", "product", "x", "quantity", 1));
            server.publish("strict", "order", Map.of("id", 1, "product", "", "quantity", 1));
            server.publish("strict", "order", Map.of("id", 2, "product", "boom", "quantity", 1));
            server.publish("strict", "order", Map.of("id", 3, "product", "tea", "quantity", 1));

            await().atMost(ListenerTestSupport.TIMEOUT)
                    .untilAsserted(() ->
                            assertThat(received.strict).extracting(Order::id).containsExactly(2L, 3L));
            await().atMost(ListenerTestSupport.TIMEOUT)
                    .untilAsserted(() -> assertThat(errors.failures).hasSize(3));
            List<LeapListenerExecutionFailedException> failures = errors.failures;
            assertThat(failures).allSatisfy((failure) -> {
                assertThat(failure.getListenerId()).isEqualTo("strict");
                assertThat(failure.getLeapMessage().channelId()).isEqualTo("strict");
                assertThat(failure.getMessage()).contains("'strict'").contains("'order'");
            });
            assertThat(failures.get(0).getKind()).isEqualTo(LeapListenerExecutionFailedException.Kind.CONVERSION);
            // @Valid: the blank product fails validation.
            assertThat(failures.get(1).getKind()).isEqualTo(LeapListenerExecutionFailedException.Kind.CONVERSION);
            assertThat(failures.get(1).getCause())
                    .isInstanceOf(MethodArgumentResolutionException.class)
                    .hasMessageContaining("product");
            assertThat(failures.get(2).getKind()).isEqualTo(LeapListenerExecutionFailedException.Kind.LISTENER);
            assertThat(failures.get(2).getCause())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("boom");
            LeapListenerStats stats = registry.getListenerContainer("strict").getStats();
            assertThat(stats.received()).isEqualTo(4);
            assertThat(stats.processed()).isEqualTo(1);
            assertThat(stats.failed()).isEqualTo(3);
            assertThat(stats.dropped()).isZero();
        });
    }

    @Test
    void dataThatDoesNotBindToAPlainTypedParameterIsAConversionFailure() {
        this.runner.run((context) -> {
            LeapServer server = awaitSubscribed(context, "lenient");
            Received received = context.getBean(Received.class);
            RecordingErrorHandler errors = context.getBean(RecordingErrorHandler.class);

            server.publish("lenient", "order", Map.of("id", "not a number", "product", "x", "quantity", 1));
            server.publish("lenient", "order", null);
            // No @Valid: a blank product binds.
            server.publish("lenient", "order", Map.of("id", 4, "product", "", "quantity", 1));

            await().atMost(ListenerTestSupport.TIMEOUT)
                    .untilAsserted(() ->
                            assertThat(received.lenient).extracting(Order::id).containsExactly(4L));
            await().atMost(ListenerTestSupport.TIMEOUT)
                    .untilAsserted(() -> assertThat(errors.failures).hasSize(2));
            assertThat(errors.failures).allSatisfy((failure) -> {
                assertThat(failure.getListenerId()).isEqualTo("lenient");
                assertThat(failure.getKind()).isEqualTo(LeapListenerExecutionFailedException.Kind.CONVERSION);
                assertThat(failure.getCause())
                        .isInstanceOf(MessageConversionException.class)
                        .hasMessageContaining(Order.class.getName());
            });
            assertThat(errors.failures.get(0).getCause()).hasMessageContaining("not a number");
            assertThat(errors.failures.get(1).getCause()).hasMessageContaining("JSON null");
        });
    }

    @Test
    void eventListenersKeepWorkingNextToLeapListeners() {
        this.runner.run((context) -> {
            LeapServer server = awaitSubscribed(context, "orders");
            Received received = context.getBean(Received.class);
            server.publish("orders", "order.created", Map.of("id", 8, "product", "tea", "quantity", 1));
            await().atMost(ListenerTestSupport.TIMEOUT).untilAsserted(() -> {
                assertThat(received.orders).extracting(Order::id).containsExactly(8L);
                assertThat(received.applicationEvents).containsExactly("orders/order.created");
            });
        });
    }

    static LeapServer awaitSubscribed(AssertableApplicationContext context, String... channels) {
        assertThat(context).hasNotFailed();
        LeapServer server = context.getBean(LeapServer.class);
        await().atMost(ListenerTestSupport.TIMEOUT).until(() -> {
            for (String channel : channels) {
                if (server.onlineCount(channel) != 1) {
                    return false;
                }
            }
            return true;
        });
        return server;
    }

    record Order(
            long id, @NotBlank String product, @Positive int quantity) {}

    record Item(String sku, int count) {}

    static class Received {

        final List<Order> orders = new CopyOnWriteArrayList<>();

        final List<List<Item>> batches = new CopyOnWriteArrayList<>();

        final List<JsonNode> trees = new CopyOnWriteArrayList<>();

        final List<String> rawTexts = new CopyOnWriteArrayList<>();

        final List<byte[]> rawBytes = new CopyOnWriteArrayList<>();

        final List<Map<String, Object>> headers = new CopyOnWriteArrayList<>();

        final List<LeapMessage> leapMessages = new CopyOnWriteArrayList<>();

        final List<Message<Order>> springMessages = new CopyOnWriteArrayList<>();

        final List<JsonNode> directs = new CopyOnWriteArrayList<>();

        final List<Boolean> directHeaders = new CopyOnWriteArrayList<>();

        final List<Order> strict = new CopyOnWriteArrayList<>();

        final List<Order> lenient = new CopyOnWriteArrayList<>();

        final List<String> applicationEvents = new CopyOnWriteArrayList<>();
    }

    static class RecordingErrorHandler implements LeapListenerErrorHandler {

        final List<LeapListenerExecutionFailedException> failures = new CopyOnWriteArrayList<>();

        @Override
        public void handleError(LeapListenerExecutionFailedException exception) {
            this.failures.add(exception);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Config {

        @Bean
        Received received() {
            return new Received();
        }

        @Bean
        RecordingErrorHandler recordingErrorHandler() {
            return new RecordingErrorHandler();
        }

        @Bean
        Listeners listeners(Received received) {
            return new Listeners(received);
        }
    }

    static class Listeners {

        private final Received received;

        Listeners(Received received) {
            this.received = received;
        }

        @LeapListener(channels = "orders", events = "order.created")
        void order(@Payload Order order) {
            this.received.orders.add(order);
        }

        @LeapListener(channels = "orders", events = "order.batch")
        void batch(List<Item> items) {
            this.received.batches.add(items);
        }

        @LeapListener(
                channels = "orders",
                events = {"order.created", "order.batch"})
        void tree(JsonNode tree) {
            this.received.trees.add(tree);
        }

        @LeapListener(
                channels = "orders",
                events = {"order.created", "order.batch"})
        void raw(String json) {
            this.received.rawTexts.add(json);
        }

        @LeapListener(
                channels = "orders",
                events = {"order.created", "order.batch"})
        void bytes(byte[] json) {
            this.received.rawBytes.add(json);
        }

        @LeapListener(
                id = "headers",
                channels = "orders",
                events = {"order.created", "order.batch"})
        void headers(
                @Header(LeapHeaders.CHANNEL_ID) String channel,
                @Header(LeapHeaders.EVENT) String event,
                @Header(LeapHeaders.UNICAST) boolean unicast,
                @Header(LeapHeaders.DIRECT) boolean direct,
                @Header(LeapHeaders.CONNECTION_ID) String connectionId,
                @Header(LeapHeaders.LISTENER_ID) String id) {
            this.received.headers.add(Map.of(
                    "channel",
                    channel,
                    "event",
                    event,
                    "unicast",
                    unicast,
                    "direct",
                    direct,
                    "connection",
                    connectionId,
                    "listener",
                    id));
        }

        @LeapListener(channels = "orders")
        void leapMessage(LeapMessage message) {
            this.received.leapMessages.add(message);
        }

        @LeapListener(channels = "orders", events = "order.created")
        void springMessage(Message<Order> message) {
            this.received.springMessages.add(message);
        }

        @LeapListener(directMessages = "true", events = "ping")
        void direct(JsonNode data, @Header(LeapHeaders.DIRECT) Boolean direct) {
            this.received.directs.add(data);
            this.received.directHeaders.add(direct);
        }

        @LeapListener(id = "strict", channels = "strict", errorHandler = "recordingErrorHandler")
        void strict(@Valid Order order) {
            if ("boom".equals(order.product())) {
                this.received.strict.add(order);
                throw new IllegalStateException("boom");
            }
            this.received.strict.add(order);
        }

        @LeapListener(id = "lenient", channels = "lenient", errorHandler = "recordingErrorHandler")
        void lenient(Order order) {
            this.received.lenient.add(order);
        }

        @EventListener
        void applicationEvent(LeapMessageEvent event) {
            if (!event.isDirect() && "orders".equals(event.getChannelId())) {
                this.received.applicationEvents.add(event.getChannelId() + "/" + event.getEvent());
            }
        }
    }
}
