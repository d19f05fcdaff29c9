package io.leap.client;

import static io.leap.client.ClientTestSupport.WAIT;
import static io.leap.client.ClientTestSupport.client;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.leap.server.LeapServer;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The policy the client owns, against a real {@link LeapServer}: retry of the first connection, token provider with
 * rotation after 4001, forced {@link LeapClient#reconnect()}, remembered channels with their status, and the options.
 */
class LeapClientPolicyTests {

    LeapServer server;
    LeapClient client;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static ReconnectPolicy fast() {
        return ReconnectPolicy.exponential(Duration.ofMillis(50), Duration.ofMillis(200), 2.0)
                .stableAfter(Duration.ofMillis(100));
    }

    @Test
    void connectStaysFailFastByDefault() throws Exception {
        int port = freePort();
        client = LeapClient.builder("project_x")
                .url(URI.create("ws://127.0.0.1:" + port + "/ws"))
                .reconnectPolicy(fast())
                .build();
        assertThatThrownBy(client::connect).isInstanceOf(LeapConnectException.class);
        assertThat(client.lastStateChange().willReconnect()).isFalse();
        assertThat(client.options().retryInitialConnect()).isFalse();
    }

    @Test
    void retryInitialConnectWaitsForTheServerWithTheReconnectBackoff() throws Exception {
        int port = freePort();
        client = LeapClient.builder("project_retry")
                .url(URI.create("ws://127.0.0.1:" + port + "/ws?encoding=json"))
                .reconnectPolicy(fast())
                .retryInitialConnect(true)
                .build();
        List<ConnectionStateChange> states = new CopyOnWriteArrayList<>();
        client.addConnectionStateListener(states::add);
        CompletableFuture<InitInfo> init = client.connectAsync();
        await().atMost(WAIT)
                .until(() -> states.stream()
                                .filter(c -> c.current() == ConnectionState.ERRORED)
                                .count()
                        >= 2);
        assertThat(init).isNotDone();
        assertThat(states)
                .filteredOn(c -> c.current() == ConnectionState.ERRORED)
                .allSatisfy(c -> assertThat(c.willReconnect()).isTrue());
        server = LeapServer.builder()
                .port(port)
                .projectId("project_retry")
                .build()
                .start();
        assertThat(init.get(WAIT.toSeconds(), TimeUnit.SECONDS).connectionId()).isNotEmpty();
        assertThat(client.state()).isEqualTo(ConnectionState.CONNECTED);
    }

    @Test
    void retryInitialConnectGivesUpWhenThePolicyDoes() throws Exception {
        int port = freePort();
        client = LeapClient.builder("project_x")
                .url(URI.create("ws://127.0.0.1:" + port + "/ws"))
                .reconnectPolicy(fast().maxAttempts(2))
                .retryInitialConnect(true)
                .build();
        assertThatThrownBy(client::connect).isInstanceOf(LeapConnectException.class);
        assertThat(client.lastStateChange().willReconnect()).isFalse();
        assertThat(client.stats().reconnects()).isEqualTo(2);
    }

    @Test
    void tokenProviderIsAskedOnEveryConnectionAndANewTokenIsTriedOnceAfter4001() throws Exception {
        server = ClientTestSupport.server();
        String first = server.createToken(Map.of("n", 1));
        String second = server.createToken(Map.of("n", 2));
        AtomicReference<String> current = new AtomicReference<>(first);
        AtomicInteger calls = new AtomicInteger();
        client = client(server)
                .tokenProvider(() -> {
                    calls.incrementAndGet();
                    return current.get();
                })
                .build();
        assertThat(client.options().authenticated()).isTrue();
        client.connectAsync().get(15, TimeUnit.SECONDS);
        assertThat(calls.get()).isEqualTo(1);
        String cid = client.init().orElseThrow().connectionId();
        // a plain reconnect asks again
        server.closeConnection(cid, 4000, "test");
        await().atMost(WAIT)
                .until(() -> client.state() == ConnectionState.CONNECTED
                        && !client.init().orElseThrow().connectionId().equals(cid));
        assertThat(calls.get()).isEqualTo(2);
        // the token is revoked and rotated: the provider's new token is tried at once
        current.set(second);
        server.deleteToken(first);
        await().atMost(WAIT).until(() -> server.isOnline(second) && client.state() == ConnectionState.CONNECTED);
        assertThat(client.init().orElseThrow().metadata().path("n").asInt()).isEqualTo(2);
        assertThat(client.lastStateChange().current()).isEqualTo(ConnectionState.CONNECTED);
    }

    @Test
    void aProviderWithTheSameTokenAfter4001GivesUp() throws Exception {
        server = ClientTestSupport.server();
        String token = server.createToken(Map.of());
        AtomicInteger calls = new AtomicInteger();
        client = client(server)
                .tokenProvider(() -> {
                    calls.incrementAndGet();
                    return token;
                })
                .build();
        client.connectAsync().get(15, TimeUnit.SECONDS);
        long attempts = server.connectionAttempts();
        server.deleteToken(token);
        await().atMost(WAIT).until(() -> client.state() == ConnectionState.ERRORED);
        assertThat(client.lastStateChange().willReconnect()).isFalse();
        assertThat(client.lastStateChange().error()).isInstanceOf(LeapAuthenticationException.class);
        await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> server.connectionAttempts() == attempts);
        assertThat(calls.get()).as("asked on connect and once after the 4001").isEqualTo(2);
    }

    @Test
    void aRotatedTokenThatIsAlsoRejectedIsTriedOnlyOnce() throws Exception {
        server = ClientTestSupport.server();
        String token = server.createToken(Map.of());
        AtomicReference<String> current = new AtomicReference<>(token);
        client = client(server).tokenProvider(current::get).build();
        client.connectAsync().get(15, TimeUnit.SECONDS);
        long attempts = server.connectionAttempts();
        current.set("leap_token_neverissued");
        server.deleteToken(token);
        await().atMost(WAIT)
                .until(() -> client.state() == ConnectionState.ERRORED
                        && !client.lastStateChange().willReconnect());
        await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> server.connectionAttempts() == attempts + 1);
        assertThat(client.lastStateChange().error().getMessage()).doesNotContain("neverissued");
    }

    @Test
    void reconnectForcesAFreshConnectionAndKeepsChannels() throws Exception {
        server = ClientTestSupport.server();
        server.createChannel("room", io.leap.server.ChannelType.UNPROTECTED, Map.of());
        client = client(server).build();
        assertThatThrownBy(client::reconnect).isInstanceOf(IllegalStateException.class);
        client.connectAsync().get(15, TimeUnit.SECONDS);
        client.subscribe("room");
        String cid = client.init().orElseThrow().connectionId();
        client.reconnect();
        await().atMost(WAIT)
                .until(() -> client.state() == ConnectionState.CONNECTED
                        && !client.init().orElseThrow().connectionId().equals(cid)
                        && client.channels().contains("room"));
        assertThat(server.onlineCount("room")).isEqualTo(1);
        assertThat(client.stats().reconnects()).isEqualTo(1);
        client.close();
        assertThatThrownBy(client::reconnect).isInstanceOf(LeapClosedException.class);
    }

    @Test
    void disconnectClosesTheConnectionAndAKeptClientConnectsAgainWithItsChannelsAndListeners() throws Exception {
        server = ClientTestSupport.server();
        server.createChannel("room", io.leap.server.ChannelType.UNPROTECTED, Map.of());
        client = client(server).reconnectPolicy(fast()).build();
        client.disconnect(); // never connected: nothing to do
        assertThat(client.state()).isEqualTo(ConnectionState.IDLE);
        List<LeapMessage> received = new CopyOnWriteArrayList<>();
        ListenerRegistration registration = client.addMessageListener(received::add);
        client.connectAsync().get(15, TimeUnit.SECONDS);
        client.subscribe("room");
        String cid = client.init().orElseThrow().connectionId();

        client.disconnect();
        assertThat(client.state()).isEqualTo(ConnectionState.ERRORED);
        assertThat(client.lastStateChange().willReconnect()).isFalse();
        await().atMost(WAIT).until(() -> server.onlineCount("room") == 0);
        await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> client.state() == ConnectionState.ERRORED);
        assertThat(client.channelStatus("room").orElseThrow().state()).isEqualTo(ChannelStatus.State.PENDING);
        client.disconnect(); // idempotent
        assertThatThrownBy(client::reconnect).isInstanceOf(IllegalStateException.class);

        client.connectAsync().get(15, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> client.channels().contains("room"));
        assertThat(client.init().orElseThrow().connectionId()).isNotEqualTo(cid);
        assertThat(server.onlineCount("room")).isEqualTo(1);
        client.publish("room", "hello", Map.of("n", 1));
        await().atMost(WAIT).until(() -> received.size() == 1);
        assertThat(registration.isClosed()).isFalse();
        client.close();
        assertThatThrownBy(client::disconnect).isInstanceOf(LeapClosedException.class);
    }

    @Test
    void disconnectWhileRetryingTheFirstConnectionStopsTheRetriesAndFailsTheFuture() throws Exception {
        int port = freePort();
        client = LeapClient.builder("project_retry")
                .url(URI.create("ws://127.0.0.1:" + port + "/ws?encoding=json"))
                .reconnectPolicy(fast())
                .retryInitialConnect(true)
                .build();
        CompletableFuture<InitInfo> init = client.connectAsync();
        await().atMost(WAIT)
                .until(() -> client.lastStateChange() != null
                        && client.lastStateChange().current() == ConnectionState.ERRORED
                        && client.lastStateChange().willReconnect());
        client.disconnect();
        assertThat(init).failsWithin(WAIT).withThrowableThat().havingCause().isInstanceOf(LeapConnectException.class);
        assertThat(client.lastStateChange().willReconnect()).isFalse();
        long reconnects = client.stats().reconnects();
        await().during(Duration.ofMillis(500))
                .atMost(WAIT)
                .until(() -> client.stats().reconnects() == reconnects);
    }

    @Test
    void timersRunOnAnInjectedSchedulerThatTheClientDoesNotShutDown() throws Exception {
        server = ClientTestSupport.server(Duration.ofMillis(200));
        java.util.concurrent.ScheduledThreadPoolExecutor timers =
                new java.util.concurrent.ScheduledThreadPoolExecutor(2, r -> {
                    Thread t = new Thread(r, "app-timers");
                    t.setDaemon(true);
                    return t;
                });
        timers.setRemoveOnCancelPolicy(true);
        try {
            client = client(server)
                    .scheduler(timers)
                    .subscriptionRetryInterval(Duration.ofMillis(100))
                    .build();
            client.connectAsync().get(15, TimeUnit.SECONDS);
            assertThat(ClientTestSupport.allLeapClientThreads()).noneMatch(n -> n.endsWith("-scheduler"));
            // Heartbeats and the subscription retry run on it: a refused channel is asked for again.
            assertThatThrownBy(() -> client.subscribe("soon")).isInstanceOf(LeapSubscriptionException.class);
            server.createChannel("soon", io.leap.server.ChannelType.UNPROTECTED, Map.of());
            await().atMost(WAIT).until(() -> client.channels().contains("soon"));
            long completed = timers.getCompletedTaskCount();
            await().atMost(WAIT).until(() -> timers.getCompletedTaskCount() > completed + 2);
            assertThat(client.state()).isEqualTo(ConnectionState.CONNECTED);

            client.close();
            assertThat(timers.isShutdown()).isFalse();
            await().atMost(WAIT).until(() -> timers.getQueue().isEmpty());
        } finally {
            timers.shutdownNow();
        }
    }

    @Test
    void refusedChannelIsRememberedRetriedAndItsStatusObservable() throws Exception {
        server = ClientTestSupport.server();
        client =
                client(server).subscriptionRetryInterval(Duration.ofMillis(100)).build();
        client.connectAsync().get(15, TimeUnit.SECONDS);
        assertThatThrownBy(() -> client.subscribe("later")).isInstanceOf(LeapSubscriptionException.class);
        ChannelStatus refused = client.channelStatus("later").orElseThrow();
        assertThat(refused.state()).isEqualTo(ChannelStatus.State.REFUSED);
        assertThat(refused.errorCode()).isNotNull();
        List<ChannelEvent> events = new CopyOnWriteArrayList<>();
        client.addChannelEventListener(events::add);
        server.createChannel("later", io.leap.server.ChannelType.UNPROTECTED, Map.of());
        await().atMost(WAIT).until(() -> client.channels().contains("later"));
        assertThat(client.channelStatus("later").orElseThrow().state()).isEqualTo(ChannelStatus.State.SUBSCRIBED);
        assertThat(events).as("retries are answers, not events").isEmpty();
        // re-established after a reconnect, and forgotten after unsubscribe
        String cid = client.init().orElseThrow().connectionId();
        server.closeConnection(cid, 4000, "test");
        await().atMost(WAIT)
                .until(() -> client.state() == ConnectionState.CONNECTED
                        && client.channels().contains("later"));
        client.unsubscribe("later");
        assertThat(client.channelStatus("later")).isEmpty();
        assertThat(client.channelStatuses()).isEmpty();
    }

    @Test
    void withoutRetryARefusedChannelIsForgottenButItsRefusalVisible() throws Exception {
        server = ClientTestSupport.server();
        client = client(server).build();
        client.connectAsync().get(15, TimeUnit.SECONDS);
        assertThatThrownBy(() -> client.subscribe("nope")).isInstanceOf(LeapSubscriptionException.class);
        assertThat(client.channelStatus("nope").orElseThrow().state()).isEqualTo(ChannelStatus.State.REFUSED);
        server.createChannel("nope", io.leap.server.ChannelType.UNPROTECTED, Map.of());
        await().during(Duration.ofMillis(400))
                .atMost(WAIT)
                .until(() -> !client.channels().contains("nope"));
        assertThat(client.subscribeAsync("nope").get(15, TimeUnit.SECONDS).type())
                .isEqualTo(ChannelType.UNPROTECTED);
        assertThat(client.channelStatus("nope").orElseThrow().state()).isEqualTo(ChannelStatus.State.SUBSCRIBED);
    }

    @Test
    void optionsAreReadableAndFreeOfSecrets() {
        client = LeapClient.builder("project_o")
                .token("leap_token_secretvalue")
                .bufferSize(77)
                .subscriptionRetryInterval(Duration.ofSeconds(3))
                .redirectAllowedHosts(List.of("edge.example"))
                .build();
        LeapClientOptions o = client.options();
        assertThat(o.projectId()).isEqualTo("project_o");
        assertThat(o.authenticated()).isTrue();
        assertThat(o.bufferSize()).isEqualTo(77);
        assertThat(o.subscriptionRetryInterval()).isEqualTo(Duration.ofSeconds(3));
        assertThat(o.redirectAllowedHosts()).containsExactly("edge.example");
        assertThat(o.url()).isEqualTo(LeapClient.DEFAULT_URL);
        assertThat(o.toString()).doesNotContain("secretvalue");
        assertThat(client.toString()).doesNotContain("secretvalue");
    }
}
