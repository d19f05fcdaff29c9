package io.leap.client;

import static io.leap.client.ClientTestSupport.WAIT;
import static io.leap.client.ClientTestSupport.client;
import static io.leap.client.ClientTestSupport.states;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.leap.server.ChannelType;
import io.leap.server.LeapServer;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LeapClientBasicTests {

    LeapServer server;
    LeapClient client;

    @BeforeEach
    void start() {
        server = ClientTestSupport.server();
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        server.close();
    }

    record Score(int points) {}

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void connectsSubscribesAndReceivesMessagesInOrder(boolean zlib) throws Exception {
        server.createChannel("game", ChannelType.UNPROTECTED, Map.of("round", 1));
        client = client(server).compression(zlib).build();
        Recorder<ConnectionStateChange> states = new Recorder<>();
        Recorder<LeapMessage> first = new Recorder<>();
        Recorder<LeapMessage> second = new Recorder<>();
        client.addConnectionStateListener(states::add);
        client.addMessageListener(first::add);
        client.addMessageListener(second::add);

        InitInfo init = client.connectAsync().get(15, TimeUnit.SECONDS);
        assertThat(init.scope()).isEqualTo("noauth");
        assertThat(init.connectionId()).startsWith("conn_");
        assertThat(client.state()).isEqualTo(ConnectionState.CONNECTED);

        Channel channel = client.subscribe("game", Duration.ofSeconds(10));
        assertThat(channel.id()).isEqualTo("game");
        assertThat(channel.state().path("round").asInt()).isEqualTo(1);
        assertThat(client.channels()).containsExactly("game");
        assertThat(server.connections().get(0).compressed()).isEqualTo(zlib);

        for (int i = 0; i < 500; i++) {
            server.publish("game", "SCORE", Map.of("points", i));
        }
        await().atMost(WAIT).until(() -> first.size() == 500 && second.size() == 500);
        for (int i = 0; i < 500; i++) {
            LeapMessage m = first.items.get(i);
            assertThat(m.channelId()).isEqualTo("game");
            assertThat(m.event()).isEqualTo("SCORE");
            assertThat(m.isDirect()).isFalse();
            assertThat(m.connectionId()).isEqualTo(init.connectionId());
            assertThat(m.data(Score.class).points()).isEqualTo(i);
            assertThat(m.data().path("points").asInt()).isEqualTo(i);
            assertThat(m.rawData()).isEqualTo("{\"points\":" + i + "}");
            assertThat(second.items.get(i)).isSameAs(m);
        }
        assertThat(first.threads).allMatch(t -> t.startsWith("leap-client-") && t.contains("-delivery-"));
        assertThat(states(states))
                .containsExactly(ConnectionState.CONNECTING, ConnectionState.AUTHENTICATING, ConnectionState.CONNECTED);
        assertThat(client.stats().messages()).isEqualTo(500);
    }

    @Test
    void connectFailsFastAndDoesNotRetry() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        client = LeapClient.builder("project_x")
                .url(URI.create("ws://127.0.0.1:" + port + "/ws"))
                .build();
        Recorder<ConnectionStateChange> states = new Recorder<>();
        client.addConnectionStateListener(states::add);
        assertThatThrownBy(client::connect)
                .isInstanceOf(LeapConnectException.class)
                .hasMessageContaining("127.0.0.1:" + port);
        await().atMost(WAIT).until(() -> states.size() == 2);
        ConnectionStateChange last = states.items.get(1);
        assertThat(last.current()).isEqualTo(ConnectionState.ERRORED);
        assertThat(last.willReconnect()).isFalse();
        assertThat(last.nextAttemptAt()).isNull();
        assertThat(client.state()).isEqualTo(ConnectionState.ERRORED);
        assertThat(client.stats().reconnects()).isZero();
    }

    @Test
    void connectReturnsAfterIdentifyAndInitCompletesLater() {
        client = client(server).build();
        client.connect();
        assertThat(client.state()).isIn(ConnectionState.AUTHENTICATING, ConnectionState.CONNECTED);
        await().atMost(WAIT).until(() -> client.state() == ConnectionState.CONNECTED);
        assertThat(client.init()).isPresent();
        assertThatThrownBy(client::connect).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void tokenConnectionGetsMetadataChannelsAndDirectMessages() throws Exception {
        server.createChannel("private-room", ChannelType.PRIVATE, Map.of("a", 1));
        String token = server.createToken(Map.of("user_id", "42"));
        server.subscribeToken("private-room", token);
        client = client(server).token(token).build();
        Recorder<LeapMessage> messages = new Recorder<>();
        Recorder<ChannelEvent> events = new Recorder<>();
        client.addMessageListener(messages::add);
        client.addChannelEventListener(events::add);
        InitInfo init = client.connectAsync().get(15, TimeUnit.SECONDS);
        assertThat(init.scope()).isEqualTo("token");
        assertThat(init.metadata().path("user_id").asString()).isEqualTo("42");
        assertThat(init.channels()).extracting(Channel::id).containsExactly("private-room");
        assertThat(client.channels()).containsExactly("private-room");

        server.sendDirectMessage(token, "NOTIFY", Map.of("title", "hi"));
        await().atMost(WAIT).until(() -> messages.size() == 1);
        assertThat(messages.items.get(0).isDirect()).isTrue();
        assertThat(messages.items.get(0).channelId()).isNull();
        assertThat(messages.items.get(0).event()).isEqualTo("NOTIFY");

        server.setChannelState("private-room", Map.of("a", 2));
        server.setTokenState(token, Map.of("user_id", "43"));
        server.createChannel("public-room", ChannelType.PUBLIC, Map.of());
        server.subscribeToken("public-room", token);
        server.deleteChannel("private-room");
        await().atMost(WAIT).until(() -> events.size() == 4);
        assertThat(events.items.get(0))
                .isInstanceOfSatisfying(
                        ChannelEvent.StateUpdate.class,
                        s -> assertThat(s.state().path("a").asInt()).isEqualTo(2));
        assertThat(events.items.get(1))
                .isInstanceOfSatisfying(
                        ChannelEvent.TokenStateUpdate.class,
                        s -> assertThat(s.state().path("user_id").asString()).isEqualTo("43"));
        assertThat(events.items.get(2))
                .isInstanceOfSatisfying(
                        ChannelEvent.ChannelAvailable.class,
                        a -> assertThat(a.channel().id()).isEqualTo("public-room"));
        assertThat(events.items.get(3)).isInstanceOfSatisfying(ChannelEvent.ChannelUnavailable.class, u -> {
            assertThat(u.channelId()).isEqualTo("private-room");
            assertThat(u.graceful()).isFalse();
            assertThat(u.errorCode()).isEqualTo("UNKNOWN");
        });
        assertThat(client.channels()).containsExactly("public-room");
        assertThat(client.init().orElseThrow().metadata().path("user_id").asString())
                .isEqualTo("43");
    }

    @Test
    void subscribeRefusalCarriesErrorCodeAndAnswersAreNotDispatched() throws Exception {
        server.createChannel("open", ChannelType.UNPROTECTED, Map.of());
        server.createChannel("vip", ChannelType.PRIVATE, Map.of());
        client = client(server).build();
        Recorder<ChannelEvent> events = new Recorder<>();
        client.addChannelEventListener(events::add);
        client.connectAsync().get(15, TimeUnit.SECONDS);

        assertThatThrownBy(() -> client.subscribe("vip", Duration.ofSeconds(10)))
                .isInstanceOfSatisfying(LeapSubscriptionException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo("NOT_GRANTED");
                    assertThat(e.channelId()).isEqualTo("vip");
                });
        assertThatThrownBy(() -> client.subscribe("missing", Duration.ofSeconds(10)))
                .isInstanceOfSatisfying(
                        LeapSubscriptionException.class,
                        e -> assertThat(e.errorCode()).isEqualTo("UNKNOWN"));
        CompletableFuture<Channel> a = client.subscribeAsync("open");
        CompletableFuture<Channel> b = client.subscribeAsync("open");
        assertThat(a.get(15, TimeUnit.SECONDS).id()).isEqualTo("open");
        assertThat(b.get(15, TimeUnit.SECONDS).id()).isEqualTo("open");
        client.unsubscribeAsync("open").get(15, TimeUnit.SECONDS);
        assertThat(client.channels()).isEmpty();

        // a marker event proves everything before it was processed
        client.subscribeAsync("open").get(15, TimeUnit.SECONDS);
        server.setChannelState("open", Map.of("marker", true));
        await().atMost(WAIT).until(() -> events.any(e -> e instanceof ChannelEvent.StateUpdate));
        assertThat(events.snapshot()).hasSize(1);
    }

    @Test
    void publishAndSetChannelStateAreEchoed() throws Exception {
        server.createChannel("chat", ChannelType.UNPROTECTED, Map.of());
        client = client(server).build();
        Recorder<LeapMessage> messages = new Recorder<>();
        Recorder<ChannelEvent> events = new Recorder<>();
        client.addMessageListener(messages::add);
        client.addChannelEventListener(events::add);
        client.connectAsync().get(15, TimeUnit.SECONDS);
        client.subscribe("chat", Duration.ofSeconds(10));
        client.publishAsync("chat", "said", Map.of("text", "hello")).get(15, TimeUnit.SECONDS);
        client.publishAsync("chat", "raw", "just a string").get(15, TimeUnit.SECONDS);
        client.setChannelStateAsync("chat", Map.of("topic", "x")).get(15, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> messages.size() == 2 && events.size() == 1);
        assertThat(messages.items.get(0).data().path("text").asString()).isEqualTo("hello");
        assertThat(messages.items.get(1).data(String.class)).isEqualTo("just a string");
        assertThat(server.channelState("chat").path("topic").asString()).isEqualTo("x");
        assertThatThrownBy(() -> client.setChannelStateAsync("chat", List.of(1)).join())
                .hasCauseInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void operationsBeforeConnectFailClearly() {
        client = client(server).build();
        assertThat(client.state()).isEqualTo(ConnectionState.IDLE);
        assertThatThrownBy(() -> client.subscribeAsync("x").join()).hasCauseInstanceOf(LeapConnectException.class);
        assertThatThrownBy(() -> client.publishAsync("x", "e", 1).join())
                .hasCauseInstanceOf(LeapConnectException.class);
    }

    @Test
    void tokenNeverInToString() {
        String token = server.createToken(Map.of());
        LeapClient.Builder builder = client(server).token(token);
        client = builder.build();
        assertThat(builder.toString()).doesNotContain(token);
        assertThat(client.toString()).doesNotContain(token).contains("redacted");
    }
}
