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
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LeapClientResilienceTests {

    LeapServer server;
    LeapServer other;
    LeapClient client;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
        if (other != null) {
            other.close();
        }
    }

    private String cid() {
        return client.init().orElseThrow().connectionId();
    }

    private void awaitNewConnection(String oldCid) {
        await().atMost(WAIT)
                .until(() -> client.state() == ConnectionState.CONNECTED
                        && !client.init().orElseThrow().connectionId().equals(oldCid));
    }

    @ParameterizedTest
    @ValueSource(ints = {4000, 4002, 4003, 4004, 4005, 4007, 1000, 1001})
    void reconnectsAfterCloseCode(int code) throws Exception {
        server = ClientTestSupport.server();
        client = client(server).build();
        Recorder<ConnectionStateChange> states = new Recorder<>();
        client.addConnectionStateListener(states::add);
        client.connectAsync().get(15, TimeUnit.SECONDS);
        String before = cid();
        assertThat(server.closeConnection(before, code, "test")).isTrue();
        awaitNewConnection(before);
        await().atMost(WAIT).until(() -> states.size() == 7);
        assertThat(states(states))
                .containsExactly(
                        ConnectionState.CONNECTING,
                        ConnectionState.AUTHENTICATING,
                        ConnectionState.CONNECTED,
                        ConnectionState.ERRORED,
                        ConnectionState.CONNECTING,
                        ConnectionState.AUTHENTICATING,
                        ConnectionState.CONNECTED);
        ConnectionStateChange errored = states.items.get(3);
        assertThat(errored.willReconnect()).isTrue();
        assertThat(errored.nextAttemptAt()).isNotNull();
        assertThat(errored.error())
                .isInstanceOfSatisfying(
                        LeapCloseException.class, e -> assertThat(e.code()).isEqualTo(code));
        assertThat(client.stats().reconnects()).isEqualTo(1);
    }

    @Test
    void noReconnectAfter4001() throws Exception {
        server = ClientTestSupport.server();
        String token = server.createToken(Map.of());
        client = client(server).token(token).build();
        Recorder<ConnectionStateChange> states = new Recorder<>();
        client.addConnectionStateListener(states::add);
        client.connectAsync().get(15, TimeUnit.SECONDS);
        long attempts = server.connectionAttempts();
        server.deleteToken(token);
        await().atMost(WAIT).until(() -> client.state() == ConnectionState.ERRORED);
        ConnectionStateChange last = client.lastStateChange();
        assertThat(last.willReconnect()).isFalse();
        assertThat(last.error()).isInstanceOf(LeapAuthenticationException.class);
        await().during(Duration.ofMillis(700))
                .atMost(WAIT)
                .until(() -> server.connectionAttempts() == attempts && client.state() == ConnectionState.ERRORED);
        assertThat(client.stats().reconnects()).isZero();
    }

    @Test
    void connectAsyncFailsOnInvalidAuth() {
        server = ClientTestSupport.server();
        client = client(server).token("leap_token_unknown").build();
        assertThatThrownBy(() -> client.connectAsync().get(15, TimeUnit.SECONDS))
                .hasCauseInstanceOf(LeapAuthenticationException.class);
        assertThat(client.lastStateChange().willReconnect()).isFalse();
        assertThat(client.toString()).doesNotContain("leap_token_unknown");
        assertThat(client.lastStateChange().error().getMessage()).doesNotContain("leap_token_unknown");
    }

    @Test
    void followsRedirectKeepsItAndFallsBackAfterThreeFailures() throws Exception {
        server = ClientTestSupport.server();
        other = LeapServer.builder().projectId(server.projectId()).build().start();
        GatedTransport transport = new GatedTransport();
        client = client(server).transport(transport).build();
        client.connectAsync().get(15, TimeUnit.SECONDS);
        String first = cid();
        server.redirect(first, other.wsUrl().toString());
        await().atMost(WAIT).until(() -> other.connectionCount() == 1 && client.state() == ConnectionState.CONNECTED);
        assertThat(transport.uris.get(1).getPort()).isEqualTo(other.port());
        assertThat(transport.uris.get(1).getQuery()).isEqualTo("encoding=json&compression=none");

        // later reconnects keep using the redirect target
        String second = cid();
        other.closeConnection(second, 4000, "Unknown error");
        awaitNewConnection(second);
        assertThat(other.connectionCount()).isEqualTo(1);
        assertThat(server.connectionCount()).isZero();

        // the target fails three times in a row: back to the configured URL
        long before = server.connectionAttempts();
        transport.refuse = true;
        int seen = transport.uris.size();
        other.cutAll();
        await().atMost(WAIT).until(() -> transport.uris.size() >= seen + 3);
        transport.refuse = false;
        await().atMost(WAIT).until(() -> server.connectionCount() == 1 && client.state() == ConnectionState.CONNECTED);
        assertThat(transport.uris.subList(seen, seen + 3)).allMatch(u -> u.getPort() == other.port());
        assertThat(server.connectionAttempts()).isGreaterThan(before);
    }

    @Test
    void missingHeartbeatAckClosesAndReconnects() throws Exception {
        server = ClientTestSupport.server(Duration.ofMillis(200));
        client = client(server).build();
        client.connectAsync().get(15, TimeUnit.SECONDS);
        String before = cid();
        Recorder<ConnectionStateChange> states = new Recorder<>();
        client.addConnectionStateListener(states::add);
        server.heartbeatAcks(false);
        await().atMost(WAIT).until(() -> states.any(s -> s.current() == ConnectionState.ERRORED));
        server.heartbeatAcks(true);
        ConnectionStateChange errored = states.items.get(0);
        assertThat(errored.error()).isInstanceOf(LeapTimeoutException.class).hasMessageContaining("heartbeat ack");
        assertThat(errored.willReconnect()).isTrue();
        awaitNewConnection(before);
    }

    @Test
    void silentLinkIsDetected() throws Exception {
        server = ClientTestSupport.server(Duration.ofMillis(200));
        client = client(server)
                .heartbeatAckTimeout(Duration.ofSeconds(30))
                .readTimeoutGrace(Duration.ofMillis(200))
                .build();
        client.connectAsync().get(15, TimeUnit.SECONDS);
        String before = cid();
        Recorder<ConnectionStateChange> states = new Recorder<>();
        client.addConnectionStateListener(states::add);
        server.pauseWrites(before);
        await().atMost(WAIT).until(() -> states.any(s -> s.current() == ConnectionState.ERRORED));
        assertThat(states.items.get(0).error())
                .isInstanceOf(LeapTimeoutException.class)
                .hasMessageContaining("Nothing received");
        awaitNewConnection(before);
    }

    @Test
    void taggedHeartbeatsAreAnsweredSoTheServerKeepsTheConnection() throws Exception {
        server = LeapServer.builder()
                .heartbeatInterval(Duration.ofMillis(200))
                .taggedHeartbeatInterval(Duration.ofMillis(100))
                .taggedHeartbeatTimeout(Duration.ofSeconds(2))
                .build()
                .start();
        client = client(server).build();
        AtomicInteger acks = new AtomicInteger();
        client.close();
        client = client(server)
                .observer(new LeapClientObserver() {
                    @Override
                    public void onHeartbeatAck(Duration rtt) {
                        acks.incrementAndGet();
                    }
                })
                .build();
        client.connectAsync().get(15, TimeUnit.SECONDS);
        String before = cid();
        server.sendTaggedHeartbeat(before);
        await().during(Duration.ofMillis(800))
                .atMost(WAIT)
                .until(() -> client.state() == ConnectionState.CONNECTED && cid().equals(before));
        assertThat(acks.get()).isPositive();
        assertThat(client.stats().lastHeartbeatRtt()).isNotNull();
    }

    @Test
    void anonymousSubscriptionsComeBackAfterACut() throws Exception {
        server = ClientTestSupport.server();
        server.createChannel("game", ChannelType.UNPROTECTED, Map.of());
        client = client(server).build();
        Recorder<LeapMessage> messages = new Recorder<>();
        client.addMessageListener(messages::add);
        client.connectAsync().get(15, TimeUnit.SECONDS);
        client.subscribe("game", Duration.ofSeconds(10));
        String before = cid();
        server.cutAll();
        awaitNewConnection(before);
        await().atMost(WAIT)
                .until(() ->
                        server.onlineCount("game") == 1 && client.channels().contains("game"));
        server.publish("game", "after", Map.of("n", 1));
        await().atMost(WAIT).until(() -> messages.size() == 1);
        assertThat(client.lastStateChange().current()).isEqualTo(ConnectionState.CONNECTED);
    }

    /**
     * The server closes TCP without a close frame while a full {@code BLOCK} listener holds the reading back. The JDK
     * WebSocket never reports an end of stream that arrives while nothing is requested, so this relies on the heartbeat
     * checks once the pause ends (docs/RELIABILITY.md); either way the client must notice and reconnect.
     */
    @Test
    void aServerThatWentAwayDuringABlockPauseIsNoticed() throws Exception {
        // No tagged heartbeats: the server must not drop the paused client for not answering them.
        server = LeapServer.builder()
                .heartbeatInterval(Duration.ofMillis(500))
                .taggedHeartbeatInterval(Duration.ZERO)
                .build()
                .start();
        server.createChannel("game", ChannelType.UNPROTECTED, Map.of());
        client = client(server).build();
        java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        client.addMessageListener(
                m -> {
                    entered.countDown();
                    try {
                        release.await(WAIT.toSeconds(), TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                ListenerOptions.defaults().withBufferSize(1).withOverflowPolicy(OverflowPolicy.BLOCK));
        client.connectAsync().get(15, TimeUnit.SECONDS);
        client.subscribe("game", Duration.ofSeconds(10));
        String before = cid();
        server.publish("game", "tick", Map.of("n", 0));
        assertThat(entered.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        // The listener holds the first message; the second fills the buffer, the third goes over it: the client has
        // stopped reading.
        server.publish("game", "tick", Map.of("n", 1));
        server.publish("game", "tick", Map.of("n", 2));
        await().atMost(WAIT).until(() -> client.stats().buffered() == 2);
        assertThat(server.cut(before)).isTrue();
        release.countDown();
        awaitNewConnection(before);
    }

    @Test
    void tokenSubscriptionsAreReconciledWithInit() throws Exception {
        server = ClientTestSupport.server();
        server.createChannel("kept", ChannelType.PUBLIC, Map.of());
        server.createChannel("later", ChannelType.PUBLIC, Map.of());
        String token = server.createToken(Map.of());
        GatedTransport transport = new GatedTransport();
        client = client(server).token(token).transport(transport).build();
        client.connectAsync().get(15, TimeUnit.SECONDS);
        client.subscribe("kept", Duration.ofSeconds(10));
        transport.refuse = true;
        server.cutAll();
        await().atMost(WAIT)
                .until(() -> client.state() == ConnectionState.ERRORED
                        && client.lastStateChange().willReconnect());
        CompletableFuture<Channel> later = client.subscribeAsync("later");
        transport.refuse = false;
        assertThat(later.get(15, TimeUnit.SECONDS).id()).isEqualTo("later");
        assertThat(client.init().orElseThrow().channels())
                .extracting(Channel::id)
                .containsExactly("kept");
        await().atMost(WAIT).until(() -> client.channels().equals(java.util.Set.of("kept", "later")));
    }

    @Test
    void stateChangesStayStrictlyOrderedThroughManyReconnects() throws Exception {
        server = ClientTestSupport.server();
        client = client(server).build();
        Recorder<ConnectionStateChange> states = new Recorder<>();
        client.addConnectionStateListener(states::add);
        client.connectAsync().get(15, TimeUnit.SECONDS);
        for (int i = 0; i < 5; i++) {
            String before = cid();
            if (i % 2 == 0) {
                server.cutAll();
            } else {
                server.closeAll(4000, "Unknown error");
            }
            awaitNewConnection(before);
        }
        await().atMost(WAIT).until(() -> states.size() == 3 + 5 * 4);
        List<ConnectionStateChange> list = states.snapshot();
        assertThat(list.get(0).previous()).isEqualTo(ConnectionState.IDLE);
        for (int i = 1; i < list.size(); i++) {
            assertThat(list.get(i).previous()).isEqualTo(list.get(i - 1).current());
            assertThat(list.get(i).at()).isAfterOrEqualTo(list.get(i - 1).at());
        }
    }

    @Test
    void backoffIsBoundedAndNoReconnectWithPolicyNone() throws Exception {
        server = ClientTestSupport.server();
        client = client(server).reconnectPolicy(ReconnectPolicy.none()).build();
        client.connectAsync().get(15, TimeUnit.SECONDS);
        long attempts = server.connectionAttempts();
        server.closeAll(4000, "Unknown error");
        await().atMost(WAIT).until(() -> client.state() == ConnectionState.ERRORED);
        assertThat(client.lastStateChange().willReconnect()).isFalse();
        await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> server.connectionAttempts() == attempts);
        // connect() may be called again after giving up
        client.connectAsync().get(15, TimeUnit.SECONDS);
        assertThat(client.state()).isEqualTo(ConnectionState.CONNECTED);
    }

    @Test
    void serverRestartOnSamePortIsSurvived() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        server = LeapServer.builder()
                .port(port)
                .projectId("project_restart")
                .build()
                .start();
        client = LeapClient.builder("project_restart")
                .url(URI.create("ws://127.0.0.1:" + port + "/ws"))
                .reconnectPolicy(ReconnectPolicy.exponential(Duration.ofMillis(50), Duration.ofMillis(300), 2.0))
                .build();
        client.connectAsync().get(15, TimeUnit.SECONDS);
        server.close();
        await().atMost(WAIT).until(() -> client.state() != ConnectionState.CONNECTED);
        server = LeapServer.builder()
                .port(port)
                .projectId("project_restart")
                .build()
                .start();
        await().atMost(WAIT).until(() -> client.state() == ConnectionState.CONNECTED);
    }
}
