package io.leap.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.leap.client.ConnectionState;
import io.leap.client.ConnectionStateChange;
import io.leap.client.LeapClient;
import io.leap.client.LeapCloseException;
import io.leap.client.LeapMessage;
import io.leap.client.ListenerOptions;
import io.leap.client.OverflowPolicy;
import io.leap.client.ReconnectPolicy;
import io.leap.client.transport.WebSocketConnection;
import io.leap.client.transport.WebSocketHandler;
import io.leap.server.ChannelType;
import io.leap.server.LeapServer;
import io.netty.handler.ssl.SslContextBuilder;
import java.math.BigInteger;
import java.net.URI;
import java.nio.ByteBuffer;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link NettyWebSocketTransport} under a real {@link LeapClient}, against {@code leap-server}. */
class NettyWebSocketTransportTests {
    private static final Duration WAIT = Duration.ofSeconds(15);

    private LeapServer server;
    private NettyWebSocketTransport transport;
    private LeapClient client;

    @AfterEach
    void tearDown() {
        if (client != null) {
            client.close();
        }
        if (transport != null) {
            transport.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private LeapClient.Builder client(boolean zlib) {
        return LeapClient.builder(server.projectId())
                .url(URI.create(server.wsUrl() + "?encoding=json"))
                .compression(zlib)
                .transport(transport)
                .reconnectPolicy(ReconnectPolicy.exponential(Duration.ofMillis(50), Duration.ofMillis(200), 2.0));
    }

    record Score(int points) {}

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void receivesTextAndZlibMessagesInOrderAndPublishes(boolean zlib) throws Exception {
        server = LeapServer.builder().build().start();
        transport = new NettyWebSocketTransport();
        server.createChannel("game", ChannelType.UNPROTECTED, Map.of("round", 1));
        client = client(zlib).build();
        List<LeapMessage> received = new CopyOnWriteArrayList<>();
        client.addMessageListener(received::add);
        client.connectAsync().get(15, TimeUnit.SECONDS);
        assertThat(client.subscribe("game", Duration.ofSeconds(10))
                        .state()
                        .path("round")
                        .asInt())
                .isEqualTo(1);
        assertThat(server.connections().get(0).compressed()).isEqualTo(zlib);
        for (int i = 0; i < 300; i++) {
            server.publish("game", "SCORE", Map.of("points", i, "name", "é😀"));
        }
        client.publishAsync("game", "said", Map.of("text", "hello")).get(15, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> received.size() == 301);
        for (int i = 0; i < 300; i++) {
            assertThat(received.get(i).data(Score.class).points()).isEqualTo(i);
            assertThat(received.get(i).data().path("name").asString()).isEqualTo("é😀");
        }
        assertThat(received.get(300).data().path("text").asString()).isEqualTo("hello");
        String big = "x".repeat(2 * 1024 * 1024);
        server.publish("game", "big", Map.of("s", big));
        await().atMost(WAIT).until(() -> received.size() == 302);
        assertThat(received.get(301).data().path("s").asString()).isEqualTo(big);
        assertThat(client.stats().decodeErrors()).isZero();
    }

    @Test
    void blockingListenerStopsReadingAndLosesNothing() throws Exception {
        server = LeapServer.builder().build().start();
        transport = new NettyWebSocketTransport();
        server.createChannel("game", ChannelType.UNPROTECTED, Map.of());
        client = client(false).build();
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> slow = new CopyOnWriteArrayList<>();
        client.addMessageListener(
                m -> {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    slow.add(m.data(Score.class).points());
                },
                ListenerOptions.defaults().withBufferSize(8).withOverflowPolicy(OverflowPolicy.BLOCK));
        client.connectAsync().get(15, TimeUnit.SECONDS);
        client.subscribe("game", Duration.ofSeconds(10));
        for (int i = 0; i < 500; i++) {
            server.publish("game", "SCORE", Map.of("points", i));
        }
        await().atMost(WAIT).until(() -> client.stats().buffered() >= 8);
        assertThat(client.stats().messages()).isLessThan(500);
        release.countDown();
        await().atMost(WAIT).until(() -> slow.size() == 500);
        assertThat(slow).isSorted().doesNotHaveDuplicates();
        assertThat(client.stats().dropped()).isZero();
        assertThat(client.state()).isEqualTo(ConnectionState.CONNECTED);
    }

    @Test
    void closeCodesAndLostConnectionsReachTheClient() throws Exception {
        server = LeapServer.builder().build().start();
        transport = new NettyWebSocketTransport();
        client = client(false).build();
        List<ConnectionStateChange> changes = new CopyOnWriteArrayList<>();
        client.addConnectionStateListener(changes::add);
        client.connectAsync().get(15, TimeUnit.SECONDS);

        server.closeConnection(server.connections().get(0).cid(), 4000, "test");
        await().atMost(WAIT)
                .until(() -> changes.stream()
                        .anyMatch(c -> c.error() instanceof LeapCloseException e
                                && e.code() == 4000
                                && e.reason().equals("test")));
        await().atMost(WAIT)
                .until(() -> client.state() == ConnectionState.CONNECTED
                        && server.connections().size() == 1);

        server.cut(server.connections().get(0).cid());
        await().atMost(WAIT)
                .until(() ->
                        changes.stream().anyMatch(c -> c.error() instanceof LeapCloseException e && e.code() == 1006));
        await().atMost(WAIT).until(() -> client.state() == ConnectionState.CONNECTED);

        server.closeConnection(server.connections().get(0).cid(), 4001, "Invalid auth");
        await().atMost(WAIT).until(() -> client.state() == ConnectionState.ERRORED);
        assertThat(changes.get(changes.size() - 1).willReconnect()).isFalse();
    }

    @Test
    void aHandlerThatTakesCharactersGetsDecodedText() throws Exception {
        server = LeapServer.builder().build().start();
        transport = new NettyWebSocketTransport();
        List<String> texts = new CopyOnWriteArrayList<>();
        AtomicInteger closes = new AtomicInteger();
        WebSocketHandler handler = new WebSocketHandler() {
            @Override
            public void onOpen(WebSocketConnection connection) {}

            @Override
            public CompletionStage<?> onText(CharSequence data, boolean last) {
                texts.add(data.toString());
                return null;
            }

            @Override
            public CompletionStage<?> onBinary(ByteBuffer data, boolean last) {
                return null;
            }

            @Override
            public void onClose(int statusCode, String reason) {
                closes.incrementAndGet();
            }

            @Override
            public void onError(Throwable error) {}
        };
        WebSocketConnection connection = transport
                .connect(URI.create(server.wsUrl() + "?encoding=json"), handler, Duration.ofSeconds(10))
                .get(15, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> !texts.isEmpty());
        assertThat(texts.get(0)).contains("\"op\":1").contains("heartbeat_interval");
        connection.close(1000, "bye").get(15, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> closes.get() == 1);
    }

    @Test
    void connectFailuresAreReportedAndTheEventLoopEndsOnClose() {
        transport = new NettyWebSocketTransport();
        assertThatThrownBy(() -> transport
                        .connect(URI.create("ws://127.0.0.1:1/ws"), new NoopHandler(), Duration.ofSeconds(5))
                        .get(15, TimeUnit.SECONDS))
                .hasCauseInstanceOf(java.net.ConnectException.class);
        assertThatThrownBy(() -> transport
                        .connect(URI.create("http://127.0.0.1/ws"), new NoopHandler(), Duration.ofSeconds(5))
                        .join())
                .hasCauseInstanceOf(IllegalArgumentException.class);
        transport.close();
        await().atMost(WAIT)
                .until(() -> Thread.getAllStackTraces().keySet().stream()
                        .noneMatch(t -> t.isAlive() && t.getName().startsWith("leap-netty")));
    }

    @Test
    void wssVerifiesTheCertificateAndTheHostName() throws Exception {
        KeyPair keys = KeyPairGenerator.getInstance("RSA").generateKeyPair();
        X509Certificate good = certificate(keys, new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
        X509Certificate otherHost = certificate(keys, new GeneralName(GeneralName.dNSName, "other.example"));
        char[] password = "secret".toCharArray();

        server = LeapServer.builder()
                .tls(keyStore(keys, good, password), password)
                .build()
                .start();
        assertThat(server.wsUrl().getScheme()).isEqualTo("wss");
        transport = NettyWebSocketTransport.builder()
                .sslContext(SslContextBuilder.forClient().trustManager(good).build())
                .build();
        client = client(false).build();
        client.connectAsync().get(15, TimeUnit.SECONDS);
        assertThat(client.state()).isEqualTo(ConnectionState.CONNECTED);
        client.close();
        client = null;

        NettyWebSocketTransport untrusting = new NettyWebSocketTransport();
        try {
            assertThatThrownBy(() -> untrusting
                            .connect(
                                    URI.create(server.wsUrl() + "?encoding=json"),
                                    new NoopHandler(),
                                    Duration.ofSeconds(5))
                            .get(15, TimeUnit.SECONDS))
                    .hasRootCauseInstanceOf(java.security.cert.CertPathBuilderException.class);
        } finally {
            untrusting.close();
        }
        server.close();

        server = LeapServer.builder()
                .tls(keyStore(keys, otherHost, password), password)
                .build()
                .start();
        NettyWebSocketTransport wrongHost = NettyWebSocketTransport.builder()
                .sslContext(
                        SslContextBuilder.forClient().trustManager(otherHost).build())
                .build();
        try {
            assertThatThrownBy(() -> wrongHost
                            .connect(
                                    URI.create(server.wsUrl() + "?encoding=json"),
                                    new NoopHandler(),
                                    Duration.ofSeconds(5))
                            .get(15, TimeUnit.SECONDS))
                    .hasRootCauseInstanceOf(java.security.cert.CertificateException.class);
        } finally {
            wrongHost.close();
        }
    }

    private static X509Certificate certificate(KeyPair keys, GeneralName name) throws Exception {
        X500Name subject = new X500Name("CN=leap-test");
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                subject,
                BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.minusSeconds(60)),
                Date.from(now.plus(Duration.ofDays(1))),
                subject,
                keys.getPublic());
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(name));
        return new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
    }

    private static KeyStore keyStore(KeyPair keys, X509Certificate cert, char[] password) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("leap", keys.getPrivate(), password, new X509Certificate[] {cert});
        return ks;
    }

    private static final class NoopHandler implements WebSocketHandler {
        final AtomicReference<Throwable> error = new AtomicReference<>();

        @Override
        public void onOpen(WebSocketConnection connection) {}

        @Override
        public CompletionStage<?> onText(CharSequence data, boolean last) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<?> onBinary(ByteBuffer data, boolean last) {
            return null;
        }

        @Override
        public void onClose(int statusCode, String reason) {}

        @Override
        public void onError(Throwable e) {
            error.set(e);
        }
    }
}
