package io.leap.client.reliability;

import static io.leap.client.reliability.Reliability.WAIT;
import static io.leap.client.reliability.Reliability.client;
import static io.leap.client.reliability.Reliability.json;
import static io.leap.client.reliability.Reliability.mib;
import static io.leap.client.reliability.Reliability.states;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.leap.client.ChannelEvent;
import io.leap.client.ConnectionState;
import io.leap.client.ConnectionStateChange;
import io.leap.client.LeapAuthenticationException;
import io.leap.client.LeapClient;
import io.leap.client.LeapClientObserver;
import io.leap.client.LeapCloseException;
import io.leap.client.LeapMessage;
import io.leap.client.LeapTimeoutException;
import io.leap.client.ListenerOptions;
import io.leap.client.ListenerRegistration;
import io.leap.client.OverflowPolicy;
import io.leap.client.ReconnectPolicy;
import io.leap.client.reliability.Reliability.Recorder;
import io.leap.client.transport.JdkWebSocketTransport;
import io.leap.client.transport.WebSocketConnection;
import io.leap.client.transport.WebSocketHandler;
import io.leap.client.transport.WebSocketTransport;
import io.leap.server.ChannelType;
import io.leap.server.ConnectionInfo;
import io.leap.server.LeapServer;
import io.leap.server.testing.FaultProxy;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The client fault suite (scenarios 1–9; scenario 10 and the health scenarios are in the Spring module's
 * {@code io.leap.spring.reliability} package). Each test names its scenario and asserts concrete outcomes; measured
 * figures are printed as {@code [reliability] ...} lines and summarised in {@code docs/RELIABILITY.md}.
 *
 * <p>Related, not repeated here: every other close code ({@code LeapClientResilienceTests.reconnectsAfterCloseCode}),
 * missing heartbeat acks, tagged heartbeats, and drop-policy details ({@code LeapClientDeliveryTests}).
 */
class FaultSuiteTests {

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void closeAll() {
        Collections.reverse(closeables);
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception e) {
                // best effort
            }
        }
    }

    private <T extends AutoCloseable> T track(T c) {
        closeables.add(c);
        return c;
    }

    private static void report(String line) {
        System.out.println("[reliability] " + line);
    }

    private static String cid(LeapClient client) {
        return client.init().orElseThrow().connectionId();
    }

    private static void awaitNewConnection(LeapClient client, String oldCid) {
        await().atMost(WAIT)
                .until(() -> client.state() == ConnectionState.CONNECTED
                        && !cid(client).equals(oldCid));
    }

    /** Every change's {@code previous} is the prior change's {@code current}, and times never go back. */
    private static void assertChained(List<ConnectionStateChange> list) {
        for (int i = 1; i < list.size(); i++) {
            assertThat(list.get(i).previous())
                    .as("change %d previous", i)
                    .isEqualTo(list.get(i - 1).current());
            assertThat(list.get(i).at()).isAfterOrEqualTo(list.get(i - 1).at());
        }
    }

    // ------------------------------------------------------------------------------------------------ scenario 1

    @Test
    @DisplayName("Scenario 1: server stopped and restarted mid-stream")
    void scenario01ServerRestartMidStream() throws Exception {
        int port = Reliability.freePort();
        String project = "project_restart";
        AtomicReference<LeapServer> current = new AtomicReference<>(LeapServer.builder()
                .port(port)
                .projectId(project)
                .heartbeatInterval(Duration.ofMillis(300))
                .build()
                .start());
        current.get().createChannel("game", ChannelType.UNPROTECTED, Map.of());
        closeables.add(() -> current.get().close());
        // the proxy lets the test hold reconnects back until the new server has its channel again
        FaultProxy proxy = track(FaultProxy.start(new InetSocketAddress("127.0.0.1", port), 0));
        ReconnectPolicy policy = ReconnectPolicy.exponential(Duration.ofMillis(50), Duration.ofMillis(400), 2.0)
                .stableAfter(Duration.ofMillis(100));
        LeapClient client = track(LeapClient.builder(project)
                .url(URI.create("ws://127.0.0.1:" + proxy.port() + "/ws?encoding=json&compression=zlib"))
                .reconnectPolicy(policy)
                .connectTimeout(Duration.ofSeconds(2))
                .build());
        Recorder<ConnectionStateChange> changes = new Recorder<>();
        Recorder<Integer> delivered = new Recorder<>();
        client.addConnectionStateListener(changes::add);
        client.addMessageListener(m -> delivered.add(m.data().path("n").asInt()));
        client.connectAsync().get(15, TimeUnit.SECONDS);
        client.subscribe("game", Duration.ofSeconds(10));

        // a steady stream: 5 messages every 2 ms; a message is "published while connected" when the channel had the
        // client as subscriber before the publish call
        Set<Integer> published = new ConcurrentSkipListSet<>();
        Set<Integer> expected = new ConcurrentSkipListSet<>();
        AtomicInteger seq = new AtomicInteger();
        ReentrantReadWriteLock gate = new ReentrantReadWriteLock();
        ScheduledExecutorService publisher = Executors.newSingleThreadScheduledExecutor(daemon("restart-publisher"));
        closeables.add(publisher::shutdownNow);
        publisher.scheduleAtFixedRate(
                () -> {
                    gate.readLock().lock();
                    try {
                        LeapServer s = current.get();
                        for (int i = 0; i < 5; i++) {
                            int n = seq.getAndIncrement();
                            try {
                                boolean subscribed = s.onlineCount("game") == 1;
                                s.publish("game", "n", Map.of("n", n));
                                published.add(n);
                                if (subscribed) {
                                    expected.add(n);
                                }
                            } catch (IllegalStateException | IllegalArgumentException e) {
                                // server stopped, or the new one has no channel yet: not published
                            }
                        }
                    } finally {
                        gate.readLock().unlock();
                    }
                },
                0,
                2,
                TimeUnit.MILLISECONDS);
        await().atMost(WAIT).until(() -> delivered.size() > 200);

        int changesBefore = changes.size();
        proxy.refuseConnections(true);
        gate.writeLock().lock();
        try {
            current.get().close(); // 1001 to the client, mid-stream
        } finally {
            gate.writeLock().unlock();
        }
        int lastOfFirstServer = seq.get();
        await().atMost(WAIT).until(() -> client.state() != ConnectionState.CONNECTED);
        // the client keeps trying while nothing listens
        await().atMost(WAIT)
                .until(() -> changes.snapshot().stream()
                                .skip(changesBefore)
                                .filter(c -> c.current() == ConnectionState.ERRORED)
                                .count()
                        >= 3);

        LeapServer second = LeapServer.builder()
                .port(port)
                .projectId(project)
                .heartbeatInterval(Duration.ofMillis(300))
                .build()
                .start();
        second.createChannel("game", ChannelType.UNPROTECTED, Map.of());
        current.set(second);
        Instant healed = Instant.now();
        proxy.refuseConnections(false);
        await().atMost(WAIT)
                .until(() -> client.state() == ConnectionState.CONNECTED
                        && client.channels().contains("game")
                        && second.onlineCount("game") == 1);
        Instant reconnected = client.lastStateChange().at();
        int expectedAtResubscribe = expected.size();
        await().atMost(WAIT).until(() -> expected.size() > expectedAtResubscribe + 300);
        publisher.shutdown();
        assertThat(publisher.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

        // every message published while subscribed arrived exactly once, in order
        await().atMost(WAIT).until(() -> delivered.items.containsAll(expected));
        List<Integer> got = delivered.snapshot();
        for (int i = 1; i < got.size(); i++) {
            assertThat(got.get(i)).as("delivery order/duplicates at %d", i).isGreaterThan(got.get(i - 1));
        }
        assertThat(published).containsAll(got);
        assertThat(expected.stream().filter(n -> n < lastOfFirstServer).count())
                .as("from the first server")
                .isPositive();
        assertThat(expected.stream().filter(n -> n >= lastOfFirstServer).count())
                .as("from the second server")
                .isGreaterThan(300);

        // state changes, in order: connected -> errored(willReconnect) -> (connecting -> errored)* -> connecting ->
        // authenticating -> connected, with every scheduled delay within the backoff bound
        List<ConnectionStateChange> list = changes.snapshot();
        assertChained(list);
        List<ConnectionStateChange> outage = list.subList(changesBefore, list.size());
        assertThat(outage.get(0).current()).isEqualTo(ConnectionState.ERRORED);
        assertThat(outage.get(0).error())
                .isInstanceOfSatisfying(
                        LeapCloseException.class, e -> assertThat(e.code()).isEqualTo(1001));
        List<ConnectionState> tail = states(outage.subList(outage.size() - 3, outage.size()));
        assertThat(tail)
                .containsExactly(ConnectionState.CONNECTING, ConnectionState.AUTHENTICATING, ConnectionState.CONNECTED);
        for (int i = 0; i < outage.size() - 3; i++) {
            assertThat(outage.get(i).current())
                    .isEqualTo(i % 2 == 0 ? ConnectionState.ERRORED : ConnectionState.CONNECTING);
        }
        Duration maxDelay = Duration.ZERO;
        for (ConnectionStateChange c : outage) {
            if (c.current() == ConnectionState.ERRORED) {
                assertThat(c.willReconnect()).isTrue();
                Duration delay = Duration.between(c.at(), c.nextAttemptAt());
                assertThat(delay).isLessThanOrEqualTo(policy.max());
                maxDelay = delay.compareTo(maxDelay) > 0 ? delay : maxDelay;
            }
        }
        Duration recovery = Duration.between(healed, reconnected);
        // the first attempt after the heal is due within the backoff bound; allow generous scheduling slack
        assertThat(recovery).isLessThan(policy.max().plusSeconds(5));
        report(String.format(
                "scenario 1: %d attempts during the outage, max scheduled delay %d ms (bound %d ms), "
                        + "connected %d ms after the new server accepted; %d messages expected, %d delivered, 0 lost, "
                        + "0 duplicated",
                outage.stream()
                        .filter(c -> c.current() == ConnectionState.CONNECTING)
                        .count(),
                maxDelay.toMillis(),
                policy.max().toMillis(),
                recovery.toMillis(),
                expected.size(),
                got.size()));
    }

    // ------------------------------------------------------------------------------------------------ scenario 2

    @Test
    @DisplayName("Scenario 2: black-holed link detected within heartbeat interval + grace, then recovered")
    void scenario02BlackHoledLink() throws Exception {
        Duration interval = Duration.ofMillis(300);
        Duration grace = Duration.ofMillis(300);
        LeapServer server = track(Reliability.server(interval));
        server.createChannel("game", ChannelType.UNPROTECTED, Map.of());
        FaultProxy proxy = track(FaultProxy.start(server.wsUrl()));
        LeapClient client = track(LeapClient.builder(server.projectId())
                .url(json(proxy.rewrite(server.wsUrl())))
                .reconnectPolicy(Reliability.FAST)
                .readTimeoutGrace(grace)
                .connectTimeout(Duration.ofSeconds(1))
                .build());
        Recorder<ConnectionStateChange> changes = new Recorder<>();
        Recorder<LeapMessage> messages = new Recorder<>();
        client.addConnectionStateListener(changes::add);
        client.addMessageListener(messages::add);
        client.connectAsync().get(15, TimeUnit.SECONDS);
        client.subscribe("game", Duration.ofSeconds(10));
        String before = cid(client);
        int seen = changes.size();

        Instant holed = Instant.now();
        proxy.blackHole();
        await().atMost(WAIT)
                .until(() ->
                        changes.snapshot().stream().skip(seen).anyMatch(c -> c.current() == ConnectionState.ERRORED));
        ConnectionStateChange detected = changes.snapshot().stream()
                .skip(seen)
                .filter(c -> c.current() == ConnectionState.ERRORED)
                .findFirst()
                .orElseThrow();
        Duration detection = Duration.between(holed, detected.at());
        assertThat(detected.error()).isInstanceOf(LeapTimeoutException.class);
        assertThat(detected.willReconnect()).isTrue();
        // the bound is interval + max(ack timeout = interval, grace); +1.5 s for a loaded machine's scheduling
        assertThat(detection).isLessThan(interval.plus(grace).plusMillis(1500));
        // attempts through the black hole fail (no upgrade answer) and are retried
        await().atMost(WAIT)
                .until(() -> changes.snapshot().stream()
                                .skip(seen)
                                .filter(c -> c.current() == ConnectionState.ERRORED)
                                .count()
                        >= 2);

        Instant healed = Instant.now();
        proxy.heal();
        awaitNewConnection(client, before);
        await().atMost(WAIT)
                .until(() ->
                        server.onlineCount("game") == 1 && client.channels().contains("game"));
        Duration recovery = Duration.between(healed, client.lastStateChange().at());
        server.publish("game", "after", Map.of("ok", true));
        await().atMost(WAIT)
                .until(() -> messages.items.stream().anyMatch(m -> m.event().equals("after")));
        assertChained(changes.snapshot());
        report(String.format(
                "scenario 2: black hole detected after %d ms (heartbeat %d ms + grace %d ms) by \"%s\"; "
                        + "reconnected %d ms after heal",
                detection.toMillis(),
                interval.toMillis(),
                grace.toMillis(),
                detected.error().getMessage(),
                recovery.toMillis()));
    }

    // ------------------------------------------------------------------------------------------------ scenario 3

    @Test
    @DisplayName("Scenario 3: 4001 while connected: no reconnect attempt at all, state keeps a clear reason")
    void scenario03InvalidAuthWhileConnected() throws Exception {
        LeapServer server = track(Reliability.server(Duration.ofMillis(300)));
        String token = server.createToken(Map.of());
        LeapClient client = track(client(server).token(token).build());
        Recorder<ConnectionStateChange> changes = new Recorder<>();
        client.addConnectionStateListener(changes::add);
        client.connectAsync().get(15, TimeUnit.SECONDS);
        long attempts = server.connectionAttempts();

        server.deleteToken(token); // D-8: 4001 Invalid auth
        await().atMost(WAIT).until(() -> client.state() == ConnectionState.ERRORED);
        await().during(Duration.ofMillis(1500))
                .atMost(WAIT)
                .until(() -> server.connectionAttempts() == attempts && client.state() == ConnectionState.ERRORED);
        ConnectionStateChange last = client.lastStateChange();
        assertThat(last.willReconnect()).isFalse();
        assertThat(last.nextAttemptAt()).isNull();
        assertThat(last.error()).isInstanceOf(LeapAuthenticationException.class).hasMessageContaining("Invalid auth");
        assertThat(client.stats().reconnects()).isZero();
        assertThat(states(changes.snapshot()))
                .containsExactly(
                        ConnectionState.CONNECTING,
                        ConnectionState.AUTHENTICATING,
                        ConnectionState.CONNECTED,
                        ConnectionState.ERRORED);
    }

    @Test
    @DisplayName("Scenario 3b: 4001 on a reconnect (token deleted during an outage): exactly one attempt, then stop")
    void scenario03InvalidAuthOnReconnect() throws Exception {
        LeapServer server = track(Reliability.server(Duration.ofMillis(300)));
        String token = server.createToken(Map.of());
        FaultProxy proxy = track(FaultProxy.start(server.wsUrl()));
        LeapClient client = track(LeapClient.builder(server.projectId())
                .url(json(proxy.rewrite(server.wsUrl())))
                .token(token)
                .reconnectPolicy(Reliability.FAST)
                .build());
        client.connectAsync().get(15, TimeUnit.SECONDS);

        proxy.refuseConnections(true);
        proxy.cut();
        await().atMost(WAIT).until(() -> client.state() != ConnectionState.CONNECTED && server.connectionCount() == 0);
        server.deleteToken(token);
        long attempts = server.connectionAttempts();
        proxy.refuseConnections(false);
        await().atMost(WAIT).until(() -> client.lastStateChange().error() instanceof LeapAuthenticationException);
        await().during(Duration.ofMillis(1500)).atMost(WAIT).until(() -> server.connectionAttempts() == attempts + 1);
        assertThat(client.state()).isEqualTo(ConnectionState.ERRORED);
        assertThat(client.lastStateChange().willReconnect()).isFalse();
        assertThat(client.lastStateChange().error()).hasMessageContaining("Invalid auth");
    }

    // ------------------------------------------------------------------------------------------------ scenario 4

    @Test
    @DisplayName("Scenario 4: 4006 redirect to a second server, kept, then fallback after 3 failures (D-15)")
    void scenario04RedirectAndFallback() throws Exception {
        LeapServer primary = track(Reliability.server(Duration.ofMillis(300)));
        LeapServer secondary = track(LeapServer.builder()
                .projectId(primary.projectId())
                .heartbeatInterval(Duration.ofMillis(300))
                .build()
                .start());
        RecordingTransport transport = new RecordingTransport();
        LeapClient client = track(client(primary).transport(transport).build());
        Recorder<ConnectionStateChange> changes = new Recorder<>();
        client.addConnectionStateListener(changes::add);
        client.connectAsync().get(15, TimeUnit.SECONDS);
        int secondaryPort = secondary.port();

        String target = secondary.wsUrl() + "?encoding=json&compression=zlib";
        primary.redirect(cid(client), target);
        await().atMost(WAIT)
                .until(() -> secondary.connectionCount() == 1 && client.state() == ConnectionState.CONNECTED);
        assertThat(transport.uris.get(1)).isEqualTo(URI.create(target));
        ConnectionStateChange redirected = changes.snapshot().stream()
                .filter(c -> c.error() instanceof LeapCloseException e && e.code() == 4006)
                .findFirst()
                .orElseThrow();
        assertThat(redirected.willReconnect()).isTrue();
        // "at once" (§15.8): no backoff delay before following the redirect
        assertThat(Duration.between(redirected.at(), redirected.nextAttemptAt()))
                .isLessThan(Duration.ofMillis(50));
        assertThat(secondary.connections())
                .extracting(ConnectionInfo::compressed)
                .containsExactly(true);

        // later reconnects keep using the redirect URL
        String second = cid(client);
        secondary.closeConnection(second, 4000, "Unknown error");
        awaitNewConnection(client, second);
        assertThat(secondary.connectionAttempts()).isEqualTo(2);
        assertThat(primary.connectionCount()).isZero();

        // the redirect target goes away: 3 failed attempts there, then back to the configured URL
        int seen = transport.uris.size();
        secondary.close();
        await().atMost(WAIT).until(() -> primary.connectionCount() == 1 && client.state() == ConnectionState.CONNECTED);
        List<URI> after = transport.uris.subList(seen, transport.uris.size());
        assertThat(after).hasSize(4);
        assertThat(after.subList(0, 3)).allMatch(u -> u.getPort() == secondaryPort);
        assertThat(after.get(3).getPort()).isEqualTo(primary.port());
        assertThat(after.get(3).getQuery()).isEqualTo("encoding=json&compression=none");
        assertChained(changes.snapshot());
    }

    // ------------------------------------------------------------------------------------------------ scenario 5

    @ParameterizedTest(name = "Scenario 5: close code {0} reconnects, subscriptions come back")
    @ValueSource(ints = {4007, 4000, 1001})
    void scenario05ReconnectingCloseCodes(int code) throws Exception {
        LeapServer server = track(Reliability.server(Duration.ofMillis(300)));
        server.createChannel("game", ChannelType.UNPROTECTED, Map.of());
        LeapClient client = track(client(server).build());
        Recorder<ConnectionStateChange> changes = new Recorder<>();
        Recorder<LeapMessage> messages = new Recorder<>();
        client.addConnectionStateListener(changes::add);
        client.addMessageListener(messages::add);
        client.connectAsync().get(15, TimeUnit.SECONDS);
        client.subscribe("game", Duration.ofSeconds(10));
        String before = cid(client);
        String reason = switch (code) {
            case 4007 -> "Out of sync";
            case 1001 -> "Server shutting down";
            default -> "Unknown error";
        };
        assertThat(server.closeConnection(before, code, reason)).isTrue();
        awaitNewConnection(client, before);
        await().atMost(WAIT)
                .until(() ->
                        server.onlineCount("game") == 1 && client.channels().contains("game"));
        server.publish("game", "after", Map.of());
        await().atMost(WAIT).until(() -> messages.size() == 1);
        ConnectionStateChange errored = changes.snapshot().stream()
                .filter(c -> c.current() == ConnectionState.ERRORED)
                .findFirst()
                .orElseThrow();
        assertThat(errored.error()).isInstanceOfSatisfying(LeapCloseException.class, e -> {
            assertThat(e.code()).isEqualTo(code);
            assertThat(e.getMessage()).contains(reason);
        });
        assertThat(errored.willReconnect()).isTrue();
        assertThat(client.stats().reconnects()).isEqualTo(1);
        assertThat(states(changes.snapshot()))
                .containsExactly(
                        ConnectionState.CONNECTING,
                        ConnectionState.AUTHENTICATING,
                        ConnectionState.CONNECTED,
                        ConnectionState.ERRORED,
                        ConnectionState.CONNECTING,
                        ConnectionState.AUTHENTICATING,
                        ConnectionState.CONNECTED);
    }

    // ------------------------------------------------------------------------------------------------ scenario 6

    @Test
    @DisplayName("Scenario 6: 200 clients cut at once reconnect with spread-out delays (no storm)")
    void scenario06ReconnectStorm() throws Exception {
        int count = 200;
        Duration window = Duration.ofMillis(1500);
        LeapServer server = track(LeapServer.builder()
                .heartbeatInterval(Duration.ofSeconds(5))
                .build()
                .start());
        HttpClient http = HttpClient.newBuilder().executor(Runnable::run).build();
        // Registered first so it is shut down last, after the clients. shutdownNow (JDK 21+), not close(): close()
        // waits for every open WebSocket of the client to end, and would hang if one were still open. On JDK 17 there
        // is no shutdown API (the selector thread ends once the client is collected).
        closeables.add(() -> HttpClient.class.getMethod("shutdownNow").invoke(http));
        JdkWebSocketTransport transport = new JdkWebSocketTransport(http);
        ExecutorService delivery = Executors.newFixedThreadPool(4, daemon("storm-delivery"));
        closeables.add(delivery::shutdownNow);
        ExecutorService closer = Executors.newFixedThreadPool(8, daemon("storm-closer"));
        closeables.add(closer::shutdownNow);
        ReconnectPolicy policy = ReconnectPolicy.exponential(window, Duration.ofSeconds(3), 2.0);
        List<LeapClient> clients = new ArrayList<>();
        List<ConnectionStateChange> errored = new CopyOnWriteArrayList<>();
        closeables.add(() -> {
            List<CompletableFuture<Void>> closing = new ArrayList<>();
            for (LeapClient c : clients) {
                closing.add(CompletableFuture.runAsync(c::close, closer));
            }
            CompletableFuture.allOf(closing.toArray(new CompletableFuture[0])).get(60, TimeUnit.SECONDS);
        });
        List<CompletableFuture<?>> connecting = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            LeapClient c = client(server)
                    .transport(transport)
                    .deliveryExecutor(delivery)
                    .reconnectPolicy(policy)
                    .build();
            c.addConnectionStateListener(s -> {
                if (s.current() == ConnectionState.ERRORED) {
                    errored.add(s);
                }
            });
            clients.add(c);
            connecting.add(c.connectAsync());
        }
        CompletableFuture.allOf(connecting.toArray(new CompletableFuture[0])).get(60, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> server.connectionCount() == count);
        Set<String> oldCids = Set.copyOf(
                server.connections().stream().map(ConnectionInfo::cid).toList());

        Instant cutAt = Instant.now();
        server.cutAll();
        await().atMost(Duration.ofSeconds(60))
                .until(() -> server.connections().stream()
                                .filter(ci -> !oldCids.contains(ci.cid()) && ci.identified())
                                .count()
                        == count);
        await().atMost(WAIT).until(() -> clients.stream().allMatch(c -> c.state() == ConnectionState.CONNECTED));

        // what the clients scheduled (full jitter over [0, 1.5 s])
        assertThat(errored).hasSize(count);
        long[] scheduled = errored.stream()
                .mapToLong(c -> Duration.between(c.at(), c.nextAttemptAt()).toMillis())
                .sorted()
                .toArray();
        assertThat(scheduled[count - 1]).isLessThanOrEqualTo(window.toMillis());
        long scheduledSpread = scheduled[count * 9 / 10] - scheduled[count / 10];
        assertThat(scheduledSpread).as("p90 - p10 of scheduled delays").isGreaterThan(window.toMillis() / 3);

        // what the server saw: upgrade times of the new connections, relative to the cut
        long[] arrivals = server.connections().stream()
                .filter(ci -> !oldCids.contains(ci.cid()))
                .mapToLong(ci -> Duration.between(cutAt, ci.connectedAt()).toMillis())
                .sorted()
                .toArray();
        assertThat(arrivals).hasSize(count);
        long observedSpread = arrivals[count * 9 / 10] - arrivals[count / 10];
        int busiest = 0;
        for (int i = 0, j = 0; i < count; i++) {
            while (arrivals[i] - arrivals[j] >= 100) {
                j++;
            }
            busiest = Math.max(busiest, i - j + 1);
        }
        assertThat(observedSpread).as("p90 - p10 of reconnect arrivals (ms)").isGreaterThan(window.toMillis() / 3);
        // The scheduled delays above are the client's doing; what the server sees also depends on how fast a loaded
        // machine accepts connections (a stall bunches arrivals), so this bound only rules out a herd.
        assertThat(busiest).as("most reconnects within any 100 ms").isLessThan(count * 3 / 4);
        assertThat(clients).allMatch(c -> c.stats().reconnects() == 1);
        report(String.format(
                "scenario 6: %d clients cut at once; scheduled delays p10/p50/p90 = %d/%d/%d ms "
                        + "(bound %d ms); server saw reconnects at p10/p50/p90/max = %d/%d/%d/%d ms after the cut, "
                        + "busiest 100 ms window %d clients (%.0f%%)",
                count,
                scheduled[count / 10],
                scheduled[count / 2],
                scheduled[count * 9 / 10],
                window.toMillis(),
                arrivals[count / 10],
                arrivals[count / 2],
                arrivals[count * 9 / 10],
                arrivals[count - 1],
                busiest,
                100.0 * busiest / count));
    }

    // ------------------------------------------------------------------------------------------------ scenario 7

    @ParameterizedTest(name = "Scenario 7: slow listener under {0}")
    @EnumSource(OverflowPolicy.class)
    void scenario07SlowListener(OverflowPolicy policy) throws Exception {
        int total = 1500;
        int bufferSize = 32;
        String payload = "x".repeat(16 * 1024);
        Duration interval = Duration.ofMillis(200);
        LeapServer server = track(Reliability.server(interval));
        server.createChannel("game", ChannelType.UNPROTECTED, Map.of());
        AtomicLong observedDrops = new AtomicLong();
        AtomicInteger acks = new AtomicInteger();
        // Under BLOCK the stall must outlast interval + grace without a reconnect, so the grace stays short there;
        // otherwise generous timeouts keep a loaded CI machine from causing reconnects that this scenario is not about.
        LeapClient client = track(client(server)
                .readTimeoutGrace(policy == OverflowPolicy.BLOCK ? Duration.ofMillis(200) : Duration.ofSeconds(5))
                .heartbeatAckTimeout(Duration.ofSeconds(5))
                .observer(new LeapClientObserver() {
                    @Override
                    public void onHeartbeatAck(Duration rtt) {
                        acks.incrementAndGet();
                    }

                    @Override
                    public void onDropped(long count) {
                        observedDrops.addAndGet(count);
                    }
                })
                .build());
        CountDownLatch release = new CountDownLatch(1);
        closeables.add(release::countDown);
        Recorder<Integer> slow = new Recorder<>();
        Recorder<Integer> fast = new Recorder<>();
        ListenerRegistration slowSub = client.addMessageListener(
                m -> {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    slow.add(m.data().path("n").asInt());
                },
                ListenerOptions.defaults().withBufferSize(bufferSize).withOverflowPolicy(policy));
        client.addMessageListener(
                m -> fast.add(m.data().path("n").asInt()),
                ListenerOptions.defaults().withBufferSize(4096));
        client.connectAsync().get(15, TimeUnit.SECONDS);
        client.subscribe("game", Duration.ofSeconds(10));
        String cid = cid(client);

        long baseline = Reliability.usedHeapAfterGc();
        for (int i = 0; i < total; i++) {
            server.publish("game", "n", Map.of("n", i, "pad", payload));
        }
        long maxBuffered;
        if (policy == OverflowPolicy.BLOCK) {
            // reading stops; the connection must survive a stall longer than heartbeat interval + grace
            await().atMost(WAIT).until(() -> client.stats().buffered() >= bufferSize);
            await().during(Duration.ofMillis(1200))
                    .atMost(WAIT)
                    .until(() -> fast.size() < total && client.state() == ConnectionState.CONNECTED);
        } else {
            // the others get everything at once, heartbeats keep being acknowledged while the slow one is stuck
            await().atMost(WAIT).until(() -> fast.size() == total);
            int acksNow = acks.get();
            await().atMost(WAIT).until(() -> acks.get() >= acksNow + 3);
            assertThat(slow.size()).isZero();
        }
        maxBuffered = client.stats().buffered();
        long during = Reliability.usedHeapAfterGc();
        long growth = during - baseline;
        long unbounded = (long) total * payload.length();
        assertThat(maxBuffered).isLessThanOrEqualTo(bufferSize + 1);
        assertThat(growth).as("heap growth while stalled").isLessThan(unbounded / 2);

        release.countDown();
        await().atMost(WAIT)
                .until(() -> fast.size() == total
                        && slowSub.stats().queued() == 0
                        && slow.size() + slowSub.stats().dropped() == total);
        List<Integer> all = IntStream.range(0, total).boxed().toList();
        assertThat(fast.snapshot()).containsExactlyElementsOf(all);
        assertThat(slow.snapshot()).isSorted().doesNotHaveDuplicates();
        long drops = slowSub.stats().dropped();
        switch (policy) {
            case BLOCK -> {
                assertThat(drops).isZero();
                assertThat(slow.snapshot()).containsExactlyElementsOf(all);
            }
            case DROP_NEWEST -> {
                assertThat(slow.snapshot()).startsWith(0, 1, 2);
                assertThat(drops).isEqualTo(total - slow.size());
            }
            case DROP_OLDEST -> {
                assertThat(slow.snapshot()).endsWith(total - 1);
                assertThat(drops).isEqualTo(total - slow.size());
            }
            default -> throw new AssertionError(policy);
        }
        assertThat(client.stats().dropped()).isEqualTo(drops);
        assertThat(observedDrops.get()).isEqualTo(drops);
        assertThat(client.stats().reconnects()).isZero();
        assertThat(cid(client)).isEqualTo(cid);
        report(String.format(
                "scenario 7 (%s): %d x 16 KiB messages (%s) to a stuck listener with a %d-slot buffer: "
                        + "heap growth while stalled %s, max buffered %d, dropped %d (counted exactly), heartbeat acks "
                        + "during the stall %s",
                policy,
                total,
                mib(unbounded),
                bufferSize,
                mib(growth),
                maxBuffered,
                drops,
                policy == OverflowPolicy.BLOCK ? "paused by design (reading stopped)" : "continued"));
    }

    // ------------------------------------------------------------------------------------------------ scenario 8

    @Test
    @DisplayName("Scenario 8: a listener that always throws: delivery to it and to others goes on, errors counted")
    void scenario08AlwaysThrowingListener() throws Exception {
        LeapServer server = track(Reliability.server(Duration.ofMillis(300)));
        server.createChannel("game", ChannelType.UNPROTECTED, Map.of());
        AtomicInteger observedErrors = new AtomicInteger();
        LeapClient client = track(client(server)
                .observer(new LeapClientObserver() {
                    @Override
                    public void onListenerError(Throwable error) {
                        observedErrors.incrementAndGet();
                    }
                })
                .build());
        AtomicInteger messageCalls = new AtomicInteger();
        AtomicInteger eventCalls = new AtomicInteger();
        AtomicInteger stateCalls = new AtomicInteger();
        Recorder<Integer> good = new Recorder<>();
        Recorder<ChannelEvent> goodEvents = new Recorder<>();
        Recorder<ConnectionStateChange> goodStates = new Recorder<>();
        client.addMessageListener(m -> {
            messageCalls.incrementAndGet();
            throw new IllegalStateException("boom " + m.event());
        });
        client.addChannelEventListener(e -> {
            eventCalls.incrementAndGet();
            throw new IllegalStateException("boom");
        });
        client.addConnectionStateListener(s -> {
            stateCalls.incrementAndGet();
            throw new IllegalStateException("boom");
        });
        client.addMessageListener(m -> good.add(m.data().path("n").asInt()));
        client.addChannelEventListener(goodEvents::add);
        client.addConnectionStateListener(goodStates::add);
        client.connectAsync().get(15, TimeUnit.SECONDS);
        client.subscribe("game", Duration.ofSeconds(10));
        for (int i = 0; i < 200; i++) {
            server.publish("game", "n", Map.of("n", i));
        }
        for (int i = 0; i < 10; i++) {
            server.setChannelState("game", Map.of("round", i));
        }
        await().atMost(WAIT).until(() -> good.size() == 200 && goodEvents.size() == 10);
        // and it goes on after a reconnect
        String before = cid(client);
        server.closeConnection(before, 4000, "Unknown error");
        awaitNewConnection(client, before);
        await().atMost(WAIT).until(() -> server.onlineCount("game") == 1);
        for (int i = 200; i < 300; i++) {
            server.publish("game", "n", Map.of("n", i));
        }
        await().atMost(WAIT)
                .until(() -> good.size() == 300
                        && messageCalls.get() == 300
                        && eventCalls.get() == 10
                        && stateCalls.get() == goodStates.size()
                        && goodStates.size() == 7);
        assertThat(good.snapshot())
                .containsExactlyElementsOf(IntStream.range(0, 300).boxed().toList());
        long expectedErrors = 300 + 10 + 7;
        await().atMost(WAIT)
                .until(() ->
                        client.stats().listenerErrors() == expectedErrors && observedErrors.get() == expectedErrors);
        assertThat(client.stats().dropped()).isZero();
    }

    // ------------------------------------------------------------------------------------------------ scenario 9

    @Test
    @DisplayName(
            "Scenario 9: subscribe/unsubscribe/publish/close from 16 threads: no deadlock, no leak, all futures done")
    void scenario09ConcurrentOperations() throws Exception {
        LeapServer server = track(Reliability.server(Duration.ofMillis(300)));
        for (int i = 0; i < 8; i++) {
            server.createChannel("ch" + i, ChannelType.UNPROTECTED, Map.of());
        }
        LeapClient client =
                track(client(server).subscribeTimeout(Duration.ofSeconds(3)).build());
        String prefix = Reliability.threadPrefix(client);
        client.addMessageListener(m -> {});
        client.connectAsync().get(15, TimeUnit.SECONDS);

        int threads = 16;
        int opsPerThread = 300;
        Queue<CompletableFuture<?>> futures = new ConcurrentLinkedQueue<>();
        Queue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
        AtomicInteger done = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            long seed = 1000 + t;
            Thread w = new Thread(
                    () -> {
                        SplittableRandom random = new SplittableRandom(seed);
                        try {
                            start.await();
                            for (int i = 0; i < opsPerThread; i++) {
                                String ch = "ch" + random.nextInt(8);
                                int op = random.nextInt(100);
                                if (op < 30) {
                                    futures.add(client.subscribeAsync(ch));
                                } else if (op < 50) {
                                    futures.add(client.unsubscribeAsync(ch));
                                } else if (op < 85) {
                                    futures.add(client.publishAsync(ch, "e", Map.of("i", i)));
                                } else if (op < 92) {
                                    futures.add(client.setChannelStateAsync(ch, Map.of("i", i)));
                                } else if (op < 99) {
                                    ListenerRegistration s = client.addMessageListener(m -> {});
                                    s.close();
                                } else {
                                    client.stats();
                                    client.channels();
                                }
                                if (done.incrementAndGet() == threads * opsPerThread / 2) {
                                    client.close(); // from a worker, mid-way
                                }
                            }
                        } catch (Throwable e) {
                            unexpected.add(e);
                        }
                    },
                    "fault-suite-worker-" + t);
            w.setDaemon(true);
            workers.add(w);
            w.start();
        }
        start.countDown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (Thread w : workers) {
            w.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            if (w.isAlive()) {
                throw new AssertionError(
                        "worker " + w.getName() + " still running (deadlock?)\n" + Reliability.threadDump());
            }
        }
        assertThat(ManagementFactory.getThreadMXBean().findDeadlockedThreads()).isNull();
        assertThat(unexpected).isEmpty();
        assertThat(client.state()).isEqualTo(ConnectionState.CLOSED);
        // every future completes (close fails what was pending)
        await().atMost(WAIT).until(() -> futures.stream().allMatch(CompletableFuture::isDone));
        long failed = futures.stream()
                .filter(CompletableFuture::isCompletedExceptionally)
                .count();
        await().atMost(WAIT).until(() -> Reliability.threads(prefix).isEmpty());
        await().atMost(WAIT).until(() -> server.connectionCount() == 0);
        report(String.format(
                "scenario 9: %d operations from %d threads with close() mid-way: %d futures, all "
                        + "completed (%d exceptionally), no deadlock, no thread left",
                threads * opsPerThread, threads, futures.size(), failed));
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** The JDK transport, recording every URL opened. */
    static final class RecordingTransport implements WebSocketTransport {
        final JdkWebSocketTransport delegate = new JdkWebSocketTransport();
        final List<URI> uris = new CopyOnWriteArrayList<>();

        @Override
        public CompletableFuture<WebSocketConnection> connect(URI uri, WebSocketHandler handler, Duration timeout) {
            uris.add(uri);
            return delegate.connect(uri, handler, timeout);
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
