package io.leap.spring.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.leap.client.LeapClient;
import io.leap.client.LeapMessage;
import io.leap.server.ChannelType;
import io.leap.server.LeapServer;
import io.leap.server.testing.LeapServerExtension;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.core.MethodParameter;
import org.springframework.messaging.Message;
import org.springframework.messaging.converter.MessageConversionException;
import org.springframework.messaging.handler.annotation.Header;
import org.springframework.messaging.handler.annotation.Payload;
import org.springframework.messaging.support.GenericMessage;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@link LeapPayloadMethodArgumentResolver} and {@link LeapListenerMessage} with messages a real client received from
 * the embedded server: which parameters it takes, what each type gets, and the errors of data it cannot bind.
 */
class LeapPayloadMethodArgumentResolverTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @RegisterExtension
    final LeapServerExtension leap = LeapServerExtension.create().channel("orders", ChannelType.UNPROTECTED);

    private final LeapPayloadMethodArgumentResolver resolver =
            new LeapPayloadMethodArgumentResolver(JsonMapper.builder().build());

    private final List<LeapMessage> received = new CopyOnWriteArrayList<>();

    private LeapServer server;

    private LeapClient client;

    @BeforeEach
    void connect(LeapServer server) {
        this.server = server;
        this.client = LeapClient.builder(server.projectId())
                .token(server.createToken(Map.of()))
                .url(server.wsUrl())
                .build();
        this.client.addMessageListener(this.received::add);
        this.client.connect();
        this.client.subscribe("orders");
    }

    @AfterEach
    void close() {
        this.client.close();
    }

    @Test
    void takesPlainPayloadParametersOnlyAndLeavesTheRestToSpring() {
        assertThat(this.resolver.supportsParameter(parameter("order", 0))).isTrue();
        assertThat(this.resolver.supportsParameter(parameter("payload", 0))).isTrue();
        assertThat(this.resolver.supportsParameter(parameter("items", 0))).isTrue();
        assertThat(this.resolver.supportsParameter(parameter("text", 0))).isTrue();
        // Optional, not required, with an expression, other annotations: Spring's payload and header resolvers.
        assertThat(this.resolver.supportsParameter(parameter("optional", 0))).isFalse();
        assertThat(this.resolver.supportsParameter(parameter("notRequired", 0))).isFalse();
        assertThat(this.resolver.supportsParameter(parameter("expression", 0))).isFalse();
        assertThat(this.resolver.supportsParameter(parameter("header", 0))).isFalse();
        assertThat(this.resolver.supportsParameter(parameter("deprecated", 0))).isFalse();
        // The message itself: the Leap message and Spring message resolvers.
        assertThat(this.resolver.supportsParameter(parameter("leapMessage", 0))).isFalse();
        assertThat(this.resolver.supportsParameter(parameter("springMessage", 0)))
                .isFalse();
    }

    @Test
    void eachTypeGetsTheDataAsReceived() {
        LeapMessage order = receive(Map.of("id", 7, "product", "caf\u00e9", "quantity", 2));
        LeapMessage items = receive(List.of(Map.of("sku", "a", "count", 1), Map.of("sku", "b", "count", 2)));
        Message<String> message = new LeapListenerMessage(order, "l1");

        assertThat(resolve("order", message)).isEqualTo(new Order(7, "caf\u00e9", 2));
        assertThat(resolve("payload", message)).isEqualTo(new Order(7, "caf\u00e9", 2));
        assertThat(resolve("items", new LeapListenerMessage(items, "l1")))
                .isEqualTo(List.of(new Item("a", 1), new Item("b", 2)));
        assertThat(resolve("text", message)).isEqualTo(order.rawData());
        assertThat((byte[]) resolve("bytes", message)).isEqualTo(order.rawData().getBytes(StandardCharsets.UTF_8));
        // The tree the message already holds, not a second parse.
        assertThat(resolve("tree", message)).isSameAs(order.data());
    }

    @Test
    void aSpringMessageWithoutTheLeapMessageIsReadFromItsPayload() {
        GenericMessage<String> text = new GenericMessage<>("{\"id\":1,\"product\":\"tea\",\"quantity\":3}");
        GenericMessage<byte[]> bytes = new GenericMessage<>(text.getPayload().getBytes(StandardCharsets.UTF_8));
        assertThat(resolve("order", text)).isEqualTo(new Order(1, "tea", 3));
        assertThat(resolve("order", bytes)).isEqualTo(new Order(1, "tea", 3));
        assertThat(resolve("text", bytes)).isEqualTo(text.getPayload());
        assertThatThrownBy(() -> resolve("order", new GenericMessage<>(42)))
                .isInstanceOf(MessageConversionException.class)
                .hasMessageContaining("java.lang.Integer");
    }

    @Test
    void dataThatDoesNotBindIsAConversionErrorNamingTheTypeAndTheParameter() {
        Message<String> wrong = new LeapListenerMessage(receive(Map.of("id", "seven")), "l1");
        Message<String> none = new LeapListenerMessage(receive(null), "l1");

        assertThatThrownBy(() -> resolve("order", wrong))
                .isInstanceOf(MessageConversionException.class)
                .hasMessageStartingWith("Cannot convert message data to " + Order.class.getName())
                .hasMessageContaining("\"seven\"")
                .hasMessageContaining("method 'order' parameter 0")
                .satisfies((ex) -> assertThat(((MessageConversionException) ex).getFailedMessage())
                        .isSameAs(wrong));
        assertThatThrownBy(() -> resolve("order", none))
                .isInstanceOf(MessageConversionException.class)
                .hasMessageContaining("Cannot convert JSON null to [" + Order.class.getName() + "]");
        // Text and bytes are never bound: JSON null is the text "null".
        assertThat(resolve("text", none)).isEqualTo("null");
    }

    @Test
    void theListenerMessageBuildsItsHeadersOnFirstUse() {
        LeapMessage order = receive(Map.of("id", 1));
        LeapListenerMessage message = new LeapListenerMessage(order, "l1");
        assertThat(message.getLeapMessage()).isSameAs(order);
        assertThat(message.getPayload()).isEqualTo(order.rawData());
        assertThat(message.getHeaders())
                .isSameAs(message.getHeaders())
                .containsEntry(LeapHeaders.CHANNEL_ID, "orders")
                .containsEntry(LeapHeaders.EVENT, "e")
                .containsEntry(LeapHeaders.LEAP_MESSAGE, order)
                .containsEntry(LeapHeaders.LISTENER_ID, "l1");
        assertThat(message.toString()).contains("listener=l1");
    }

    private LeapMessage receive(Object data) {
        int before = this.received.size();
        this.server.publish("orders", "e", data);
        await().atMost(TIMEOUT).until(() -> this.received.size() > before);
        return this.received.get(before);
    }

    private Object resolve(String method, Message<?> message) {
        return this.resolver.resolveArgument(parameter(method, 0), message);
    }

    private static MethodParameter parameter(String name, int index) {
        Method method = Arrays.stream(Listeners.class.getDeclaredMethods())
                .filter((m) -> m.getName().equals(name))
                .findFirst()
                .orElseThrow();
        return new MethodParameter(method, index);
    }

    record Order(long id, String product, int quantity) {}

    record Item(String sku, int count) {}

    @SuppressWarnings("unused")
    static class Listeners {

        void order(Order order) {}

        void payload(@Payload Order order) {}

        void items(List<Item> items) {}

        void text(String json) {}

        void bytes(byte[] json) {}

        void tree(JsonNode tree) {}

        void optional(Optional<Order> order) {}

        void notRequired(@Payload(required = false) Order order) {}

        void expression(@Payload(expression = "id") Long id) {}

        void header(@Header(LeapHeaders.EVENT) String event) {}

        void deprecated(@Deprecated Order order) {}

        void leapMessage(LeapMessage message) {}

        void springMessage(Message<Order> message) {}
    }
}
