package io.leap.spring.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.leap.client.ChannelEvent;
import io.leap.client.ChannelType;
import io.leap.client.LeapClient;
import io.leap.client.LeapMessage;
import io.leap.client.ReconnectPolicy;
import io.leap.client.rest.ChannelListOptions;
import io.leap.client.rest.LeapApiException;
import io.leap.client.rest.LeapChannel;
import io.leap.client.rest.LeapToken;
import io.leap.server.LeapServer;
import io.leap.spring.autoconfigure.LeapTemplateAutoConfiguration;
import io.leap.spring.autoconfigure.metrics.LeapApiMetricsAutoConfiguration;
import io.leap.spring.core.LeapOperations;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import tools.jackson.databind.JsonNode;

/**
 * {@code LeapTemplate} against a real {@link LeapServer}: messages, direct messages and state changes reach a
 * {@link LeapClient} subscriber with payloads converted by Boot's {@code JsonMapper} (snake_case naming proves it is
 * Boot's and not a default one), channel and token management, and the {@code leap.api.requests} timer.
 */
class LeapTemplateIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private static final String PROJECT_TOKEN = "ptk_templateIntegration";

    private static LeapServer server;

    private LeapClient subscriber;

    private String subscriberToken;

    private final List<LeapMessage> received = new CopyOnWriteArrayList<>();

    private final List<ChannelEvent> channelEvents = new CopyOnWriteArrayList<>();

    private ApplicationContextRunner runner;

    @BeforeAll
    static void startServer() {
        server = LeapServer.builder()
                .port(0)
                .projectToken(PROJECT_TOKEN)
                .heartbeatInterval(Duration.ofMillis(250))
                .build()
                .start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @BeforeEach
    void subscribe() throws Exception {
        for (String channel : server.channelIds()) {
            server.deleteChannel(channel);
        }
        server.createChannel("orders", io.leap.server.ChannelType.PUBLIC, null);
        this.subscriberToken = server.createToken(Map.of("user", "subscriber"));
        this.subscriber = LeapClient.builder(server.projectId())
                .token(this.subscriberToken)
                .url(server.wsUrl())
                .reconnectPolicy(ReconnectPolicy.none())
                .build();
        this.subscriber.addMessageListener(this.received::add);
        this.subscriber.addChannelEventListener(this.channelEvents::add);
        this.subscriber.connectAsync().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        this.subscriber.subscribe("orders", TIMEOUT);
        this.runner = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(
                        JacksonAutoConfiguration.class,
                        LeapTemplateAutoConfiguration.class,
                        LeapApiMetricsAutoConfiguration.class,
                        MetricsAutoConfiguration.class,
                        CompositeMeterRegistryAutoConfiguration.class,
                        SimpleMetricsExportAutoConfiguration.class))
                .withPropertyValues(
                        "leap.api.token=" + PROJECT_TOKEN,
                        "leap.api.url=" + server.apiUrl(),
                        "spring.jackson.property-naming-strategy=SNAKE_CASE");
    }

    @AfterEach
    void close() {
        this.subscriber.close();
    }

    @Test
    void publishReachesSubscriberConvertedByBootsMapper() {
        this.runner.run((context) -> {
            assertThat(context).hasNotFailed();
            LeapOperations leap = context.getBean(LeapOperations.class);
            Instant shippedAt = Instant.parse("2025-05-01T10:15:30.123Z");
            leap.publish(
                    "orders",
                    "order.shipped",
                    new OrderShipped(42, shippedAt, LocalDate.of(2025, 5, 3), new BigDecimal("19.90")));

            LeapMessage message = awaitMessage("order.shipped");
            assertThat(message.channelId()).isEqualTo("orders");
            assertThat(message.isDirect()).isFalse();
            JsonNode data = message.data();
            // Boot's mapper (spring.jackson.property-naming-strategy) wrote the record; java.time as ISO-8601.
            assertThat(data.get("order_id").asLong()).isEqualTo(42);
            assertThat(data.get("shipped_at").asString()).isEqualTo("2025-05-01T10:15:30.123Z");
            assertThat(data.get("delivery_date").asString()).isEqualTo("2025-05-03");
            assertThat(data.get("total").decimalValue()).isEqualByComparingTo("19.90");
            assertThat(data.has("orderId")).isFalse();

            assertThat(timer(context, "publish", "success").count()).isEqualTo(1);
        });
    }

    @Test
    void publishAsyncAndNullPayload() {
        this.runner.run((context) -> {
            LeapOperations leap = context.getBean(LeapOperations.class);
            leap.publishAsync("orders", "ping", Map.of("n", 1)).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            leap.publish("orders", "empty", null);
            assertThat(awaitMessage("ping").data().get("n").asInt()).isEqualTo(1);
            assertThat(awaitMessage("empty").data().isNull()).isTrue();
            // The async timer is recorded when the API client's future completes, possibly just after get() returns.
            await().atMost(TIMEOUT)
                    .untilAsserted(() -> assertThat(
                                    timer(context, "publish", "success").count())
                            .isEqualTo(2));
        });
    }

    @Test
    void publishDirectReachesTheTokensConnection() {
        this.runner.run((context) -> {
            LeapOperations leap = context.getBean(LeapOperations.class);
            leap.publishDirect(this.subscriberToken, "hint", new Hint("castle", LocalDate.of(2025, 1, 2)));
            LeapMessage message = awaitMessage("hint");
            assertThat(message.isDirect()).isTrue();
            assertThat(message.channelId()).isNull();
            assertThat(message.data().get("text").asString()).isEqualTo("castle");
            assertThat(message.data().get("valid_until").asString()).isEqualTo("2025-01-02");

            leap.publishDirectAsync(this.subscriberToken, "hint2", Map.of()).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            awaitMessage("hint2");
            await().atMost(TIMEOUT)
                    .untilAsserted(() -> assertThat(
                                    timer(context, "publish_direct", "success").count())
                            .isEqualTo(2));
        });
    }

    @Test
    void setAndPatchChannelState() {
        this.runner.run((context) -> {
            LeapOperations leap = context.getBean(LeapOperations.class);
            leap.setChannelState("orders", new RoundState(1, "open"));
            await().atMost(TIMEOUT)
                    .untilAsserted(() -> assertThat(stateUpdates()).isNotEmpty());
            assertThat(stateUpdates().get(0).state().get("round_number").asInt())
                    .isEqualTo(1);
            assertThat(server.channelState("orders").get("status").asString()).isEqualTo("open");

            leap.patchChannelState("orders", Map.of("status", "closed"));
            await().atMost(TIMEOUT)
                    .untilAsserted(() -> assertThat(stateUpdates()).hasSize(2));
            JsonNode full = stateUpdates().get(1).state();
            assertThat(full.get("round_number").asInt()).isEqualTo(1);
            assertThat(full.get("status").asString()).isEqualTo("closed");

            leap.setChannelStateAsync("orders", new RoundState(2, "open")).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            leap.patchChannelStateAsync("orders", Map.of("status", "paused"))
                    .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            // Read back through Boot's mapper (snake_case in, camelCase record out).
            assertThat(leap.getChannelState("orders", RoundState.class)).isEqualTo(new RoundState(2, "paused"));
            assertThat(leap.getChannelState("orders").get("status").asString()).isEqualTo("paused");

            await().atMost(TIMEOUT).untilAsserted(() -> {
                assertThat(timer(context, "set_channel_state", "success").count())
                        .isEqualTo(2);
                assertThat(timer(context, "patch_channel_state", "success").count())
                        .isEqualTo(2);
                assertThat(timer(context, "get_channel_state", "success").count())
                        .isEqualTo(2);
            });
        });
    }

    @Test
    void stateThatIsNotAnObjectIsRefusedBeforeAnyRequest() {
        this.runner.run((context) -> {
            LeapOperations leap = context.getBean(LeapOperations.class);
            long before = server.restRequestCount();
            assertThatThrownBy(() -> leap.setChannelState("orders", List.of(1, 2)))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> leap.publish("orders", "bad", new Unserializable()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(Unserializable.class.getName());
            assertThat(server.restRequestCount()).isEqualTo(before);
            assertThat(timer(context, "set_channel_state", "error").count()).isEqualTo(1);
            assertThat(timer(context, "publish", "error").count()).isEqualTo(1);
        });
    }

    @Test
    void notFoundIsAClientErrorInTheTimer() {
        this.runner.run((context) -> {
            LeapOperations leap = context.getBean(LeapOperations.class);
            assertThatThrownBy(() -> leap.publish("missing", "x", Map.of()))
                    .isInstanceOfSatisfying(
                            LeapApiException.class,
                            (ex) -> assertThat(ex.isNotFound()).isTrue());
            assertThat(timer(context, "publish", "client_error").count()).isEqualTo(1);
            assertThat(timer(context, "publish", "client_error").totalTime(TimeUnit.NANOSECONDS))
                    .isPositive();
            assertThat(context.getBean(MeterRegistry.class)
                            .find("leap.api.requests")
                            .tags("operation", "publish", "outcome", "success")
                            .timer())
                    .isNull();

            // Async failures are recorded too, and fail the future.
            assertThat(leap.publishDirectAsync("leap_token_unknown", "x", Map.of()))
                    .failsWithin(TIMEOUT);
            await().atMost(TIMEOUT)
                    .untilAsserted(() -> assertThat(timer(context, "publish_direct", "client_error")
                                    .count())
                            .isEqualTo(1));
            // findChannel maps 404 to empty: a success.
            assertThat(leap.findChannel("missing")).isEmpty();
            assertThat(timer(context, "get_channel", "success").count()).isEqualTo(1);
        });
    }

    @Test
    void serverErrorIsAServerErrorInTheTimer() {
        this.runner.run((context) -> {
            LeapOperations leap = context.getBean(LeapOperations.class);
            server.failNextRequests(1, 503);
            // POST is not retried after a response.
            assertThatThrownBy(() -> leap.publish("orders", "x", Map.of()))
                    .isInstanceOfSatisfying(
                            LeapApiException.class,
                            (ex) -> assertThat(ex.statusCode()).isEqualTo(503));
            assertThat(timer(context, "publish", "server_error").count()).isEqualTo(1);
        });
    }

    @Test
    void connectionFailureIsAnErrorInTheTimer() {
        LeapServer stopped =
                LeapServer.builder().port(0).projectToken(PROJECT_TOKEN).build().start();
        URI deadUrl = stopped.apiUrl();
        stopped.close();
        this.runner
                .withPropertyValues("leap.api.url=" + deadUrl, "leap.api.retry.enabled=false")
                .run((context) -> {
                    LeapOperations leap = context.getBean(LeapOperations.class);
                    assertThatThrownBy(() -> leap.publish("orders", "x", Map.of()))
                            .isInstanceOfSatisfying(
                                    LeapApiException.class,
                                    (ex) -> assertThat(ex.hasResponse()).isFalse());
                    assertThat(timer(context, "publish", "error").count()).isEqualTo(1);
                });
    }

    @Test
    void channelAndTokenManagement() {
        this.runner.run((context) -> {
            LeapOperations leap = context.getBean(LeapOperations.class);
            LeapChannel room = leap.createChannel("room_1", ChannelType.PRIVATE, new RoundState(1, "open"));
            assertThat(room.id()).isEqualTo("room_1");
            assertThat(room.state().get("round_number").asInt()).isEqualTo(1);
            LeapChannel generated = leap.createChannel(ChannelType.PUBLIC, null);
            assertThat(generated.id()).isNotBlank();
            assertThat(leap.getChannel("room_1").type()).isEqualTo(ChannelType.PRIVATE);
            assertThat(leap.listChannels())
                    .extracting(LeapChannel::id)
                    .containsExactlyInAnyOrder("orders", "room_1", generated.id());
            assertThat(leap.streamChannels(ChannelListOptions.defaults().withPageSize(1))
                            .map(LeapChannel::id))
                    .containsExactlyInAnyOrder("orders", "room_1", generated.id());
            assertThat(leap.listChannels(1, ChannelListOptions.defaults().withPageSize(2))
                            .channels())
                    .hasSize(2);

            // Map keys are not renamed by the naming strategy, record components are.
            LeapToken token = leap.createToken(Map.of("userId", "alice"));
            assertThat(token.id()).startsWith("leap_token_");
            assertThat(token.toString()).doesNotContain(token.id());
            assertThat(leap.createTokenAsync(null)
                            .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                            .id())
                    .isNotEqualTo(token.id());
            assertThat(leap.createToken().id()).startsWith("leap_token_");
            assertThat(leap.getToken(token.id()).state().get("userId").asString())
                    .isEqualTo("alice");
            assertThat(leap.isTokenOnline(token.id())).isFalse();
            assertThat(leap.isTokenOnline(this.subscriberToken)).isTrue();
            assertThat(leap.listTokens()).extracting(LeapToken::id).contains(token.id(), this.subscriberToken);

            leap.subscribeToken("room_1", token.id());
            leap.subscribeTokenAsync("room_1", this.subscriberToken).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertThat(leap.listChannelTokens("room_1"))
                    .extracting(LeapToken::id)
                    .containsExactlyInAnyOrder(token.id(), this.subscriberToken);
            // The subscriber's connection learns about the private channel it was subscribed to.
            await().atMost(TIMEOUT)
                    .untilAsserted(() -> assertThat(this.channelEvents)
                            .anySatisfy((event) -> assertThat(event)
                                    .isInstanceOfSatisfying(
                                            ChannelEvent.ChannelAvailable.class,
                                            (available) -> assertThat(available.channelId())
                                                    .isEqualTo("room_1"))));
            assertThat(leap.getChannelStats("room_1").onlineCount()).isEqualTo(1);
            leap.unsubscribeToken("room_1", token.id());
            assertThat(leap.listChannelTokens("room_1"))
                    .extracting(LeapToken::id)
                    .containsExactly(this.subscriberToken);

            assertThat(leap.setTokenState(token.id(), Map.of("userId", "bob"))
                            .state()
                            .get("userId")
                            .asString())
                    .isEqualTo("bob");
            leap.deleteToken(token.id());
            assertThatThrownBy(() -> leap.getToken(token.id()))
                    .isInstanceOfSatisfying(
                            LeapApiException.class,
                            (ex) -> assertThat(ex.isNotFound()).isTrue());
            leap.deleteChannel("room_1");
            assertThat(leap.findChannel("room_1")).isEmpty();

            assertThat(timer(context, "create_channel", "success").count()).isEqualTo(2);
            assertThat(timer(context, "list_channels", "success").count()).isGreaterThanOrEqualTo(4);
            await().atMost(TIMEOUT)
                    .untilAsserted(() -> assertThat(
                                    timer(context, "subscribe_token", "success").count())
                            .isEqualTo(2));
            assertThat(timer(context, "get_token", "client_error").count()).isEqualTo(1);
            assertThat(timer(context, "delete_channel", "success").count()).isEqualTo(1);
        });
    }

    private LeapMessage awaitMessage(String event) {
        return await().atMost(TIMEOUT)
                .until(
                        () -> this.received.stream()
                                .filter((m) -> event.equals(m.event()))
                                .findFirst()
                                .orElse(null),
                        (m) -> m != null);
    }

    private List<ChannelEvent.StateUpdate> stateUpdates() {
        return this.channelEvents.stream()
                .filter(ChannelEvent.StateUpdate.class::isInstance)
                .map(ChannelEvent.StateUpdate.class::cast)
                .toList();
    }

    private static Timer timer(AssertableApplicationContext context, String operation, String outcome) {
        return context.getBean(MeterRegistry.class)
                .get("leap.api.requests")
                .tags("operation", operation, "outcome", outcome)
                .timer();
    }

    record OrderShipped(long orderId, Instant shippedAt, LocalDate deliveryDate, BigDecimal total) {}

    record Hint(String text, LocalDate validUntil) {}

    record RoundState(int roundNumber, String status) {}

    /** Jackson cannot write this: a getter that always fails. */
    static class Unserializable {

        public String getValue() {
            throw new IllegalStateException("boom");
        }
    }
}
