package io.leap.client.reliability;

import static io.leap.client.reliability.Reliability.WAIT;
import static io.leap.client.reliability.Reliability.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.leap.client.Channel;
import io.leap.client.ConnectionState;
import io.leap.client.ConnectionStateChange;
import io.leap.client.LeapAuthenticationException;
import io.leap.client.LeapClient;
import io.leap.client.LeapClientObserver;
import io.leap.client.LeapConnectException;
import io.leap.client.LeapMessage;
import io.leap.client.rest.LeapApi;
import io.leap.client.rest.RetryPolicy;
import io.leap.client.transport.JdkWebSocketTransport;
import io.leap.server.ChannelType;
import io.leap.server.LeapServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Security checks: secrets never leak at DEBUG/TRACE through connect, errors and reconnects; {@code wss://}
 * against a TLS {@link LeapServer} with a certificate made at test time, and certificate errors that fail clearly; the
 * 4006 redirect target validation against real servers.
 */
class SecurityTests {

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void closeAll() {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception e) {
                // best effort
            }
        }
    }

    private <T extends AutoCloseable> T track(T c) {
        closeables.add(c);
        return c;
    }

    // ------------------------------------------------------------------------------------------------ secrets

    @Test
    void tokensNeverAppearInLogsExceptionsOrToStringAtTraceLevel() throws Exception {
        String ptk = "ptk_" + UUID.randomUUID().toString().replace("-", "");
        LeapServer server = track(LeapServer.builder()
                .projectToken(ptk)
                .heartbeatInterval(Duration.ofMillis(200))
                .build()
                .start());
        server.createChannel("open", ChannelType.UNPROTECTED, Map.of());
        String token = server.createToken(Map.of("role", "tester"));
        List<String> secrets =
                List.of(token, token.substring("leap_token_".length()), ptk, ptk.substring("ptk_".length()));
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        List<String> texts = new CopyOnWriteArrayList<>();

        try (DebugLogCapture logs = new DebugLogCapture(
                "io.leap.client.LeapClient",
                "io.leap.client.rest.LeapApi",
                "io.leap.client",
                "io.leap.server",
                "io.leap.server.testing.FaultProxy")) {
            LeapClient.Builder builder = LeapClient.builder(server.projectId())
                    .token(token)
                    .url(json(server.wsUrl()))
                    .reconnectPolicy(Reliability.FAST)
                    .observer(new LeapClientObserver() {
                        @Override
                        public void onListenerError(Throwable error) {
                            errors.add(error);
                        }

                        @Override
                        public void onDecodeError(Throwable error) {
                            errors.add(error);
                        }
                    });
            texts.add(builder.toString());
            LeapClient client = track(builder.build());
            client.addConnectionStateListener(c -> {
                texts.add(c.toString());
                if (c.error() != null) {
                    errors.add(c.error());
                }
            });
            client.addMessageListener(m -> {
                texts.add(m.toString());
                throw new IllegalStateException("listener failure for " + m.event());
            });
            client.connect();
            await().atMost(WAIT).until(() -> client.state() == ConnectionState.CONNECTED);
            texts.add(client.toString());
            texts.add(client.init().orElseThrow().toString());
            texts.add(client.stats().toString());
            Channel open = client.subscribe("open", Duration.ofSeconds(10));
            texts.add(open.toString());
            collect(errors, () -> client.subscribe("missing", Duration.ofSeconds(10)));
            server.publish("open", "hello", Map.of("n", 1));

            // reconnects: TCP cut, 4000, 4006 to the same server, a missing heartbeat ack
            String cid = client.init().orElseThrow().connectionId();
            server.cut(cid);
            cid = awaitNewConnection(client, cid);
            server.closeConnection(cid, 4000, "Unknown error");
            cid = awaitNewConnection(client, cid);
            server.redirect(cid, server.wsUrl() + "?encoding=json");
            cid = awaitNewConnection(client, cid);
            server.heartbeatAcks(false);
            cid = awaitNewConnection(client, cid);
            server.heartbeatAcks(true);
            texts.add(client.lastStateChange().toString());
            texts.add(server.connections().toString());

            // the application disconnects and connects again: logged as requested, not as a lost connection
            client.disconnect();
            await().atMost(WAIT).until(() -> client.state() == ConnectionState.ERRORED);
            client.connect();
            await().atMost(WAIT).until(() -> client.state() == ConnectionState.CONNECTED);

            // a failing first connection with the same token
            LeapClient unreachable = track(LeapClient.builder(server.projectId())
                    .token(token)
                    .url(URI.create("ws://127.0.0.1:" + Reliability.freePort() + "/ws"))
                    .build());
            collect(errors, unreachable::connect);
            texts.add(unreachable.toString());

            // REST with the project token: success, injected failures, a wrong credential
            LeapApi api = LeapApi.builder(ptk)
                    .baseUrl(server.apiUrl())
                    .retryPolicy(RetryPolicy.exponential(2, Duration.ofMillis(5), Duration.ofMillis(10)))
                    .build();
            texts.add(api.toString());
            texts.add(api.channels().list().toString());
            server.failNextRequests(5, 500);
            collect(errors, api.channels()::list);
            server.failNextRequests(0, 500);
            LeapApi wrong = LeapApi.builder(ptk + "x").baseUrl(server.apiUrl()).build();
            texts.add(wrong.toString());
            collect(errors, wrong.channels()::list);
            collect(errors, () -> LeapApi.builder("not-a-credential-" + ptk));

            // the token is deleted: 4001, no reconnect
            server.deleteToken(token);
            await().atMost(WAIT).until(() -> client.lastStateChange().error() instanceof LeapAuthenticationException);
            texts.add(client.lastStateChange().toString());
            client.close();
            texts.add(client.toString());

            String log = logs.text();
            // the capture really saw DEBUG output of the whole journey
            assertThat(log)
                    .contains("DEBUG io.leap.client.LeapClient")
                    .contains("Reconnecting")
                    .contains("Invalid auth");
            // the key facts are in the message text too, where a plain console pattern shows them
            assertThat(log)
                    .containsPattern("Connecting to ws://127\\.0\\.0\\.1:\\d+/ws\\S* \\(client \\S+\\)")
                    .containsPattern("Reconnecting to ws://\\S+ \\(client \\S+, attempt \\d+\\)")
                    .containsPattern("Connected \\(INIT\\): connection \\S+, scope \\S+, \\d+ channel\\(s\\)")
                    .containsPattern("Connection state \\w+ -> \\w+ \\(client \\S+\\)")
                    .containsPattern(
                            "DEBUG io\\.leap\\.client\\.LeapClient - .*Disconnected by the application \\(client \\S+, was CONNECTED\\)")
                    .doesNotContain("Connection lost: Disconnected");
            assertThat(errors).hasSizeGreaterThan(8);
            for (String secret : secrets) {
                assertThat(log).as("log output").doesNotContain(secret);
                for (String text : texts) {
                    assertThat(text).as("toString").doesNotContain(secret);
                }
                for (Throwable error : errors) {
                    assertThat(stackTrace(error))
                            .as("exception %s", error.getClass().getSimpleName())
                            .doesNotContain(secret);
                }
            }
            System.out.println("[reliability] secrets: " + log.lines().count() + " log lines at TRACE/DEBUG, "
                    + errors.size() + " exceptions, " + texts.size() + " toString() values checked: no token");
        }
    }

    private static String awaitNewConnection(LeapClient client, String oldCid) {
        await().atMost(WAIT)
                .until(() -> client.state() == ConnectionState.CONNECTED
                        && !client.init().orElseThrow().connectionId().equals(oldCid));
        return client.init().orElseThrow().connectionId();
    }

    private static void collect(List<Throwable> errors, Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            errors.add(e);
            return;
        }
        throw new AssertionError("expected a failure");
    }

    private static String stackTrace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }

    // ------------------------------------------------------------------------------------------------ TLS

    @Test
    void wssWorksAgainstATlsServerWithATrustedTestCertificate() throws Exception {
        TestCertificates cert = TestCertificates.selfSigned("localhost", "127.0.0.1");
        LeapServer server = track(LeapServer.builder()
                .tls(cert.keyStore, TestCertificates.PASSWORD)
                .build()
                .start());
        server.createChannel("secure", ChannelType.UNPROTECTED, Map.of());
        assertThat(server.wsUrl().getScheme()).isEqualTo("wss");
        HttpClient http =
                HttpClient.newBuilder().sslContext(cert.trustingContext()).build();
        LeapClient client = track(LeapClient.builder(server.projectId())
                .url(server.wsUrl())
                .compression(true)
                .transport(new JdkWebSocketTransport(http))
                .reconnectPolicy(Reliability.FAST)
                .build());
        List<LeapMessage> messages = new CopyOnWriteArrayList<>();
        client.addMessageListener(messages::add);
        client.connect();
        client.subscribe("secure", Duration.ofSeconds(10));
        server.publish("secure", "over-tls", Map.of("ok", true));
        await().atMost(WAIT).until(() -> messages.size() == 1);
        assertThat(messages.get(0).data().path("ok").asBoolean()).isTrue();
        // reconnects over TLS too
        String cid = client.init().orElseThrow().connectionId();
        server.cut(cid);
        awaitNewConnection(client, cid);
        // and REST over https with the same trust
        LeapApi api = LeapApi.builder(server.projectToken())
                .baseUrl(server.apiUrl())
                .httpClient(http)
                .build();
        assertThat(api.channels().get("secure").id()).isEqualTo("secure");
    }

    @Test
    void untrustedCertificateFailsConnectClearlyWithoutRetry() throws Exception {
        TestCertificates cert = TestCertificates.selfSigned("localhost", "127.0.0.1");
        LeapServer server = track(LeapServer.builder()
                .tls(cert.keyStore, TestCertificates.PASSWORD)
                .build()
                .start());
        LeapClient client = track(LeapClient.builder(server.projectId())
                .url(server.wsUrl())
                .reconnectPolicy(Reliability.FAST)
                .build()); // default trust store: the test CA is unknown
        assertThatThrownBy(client::connect).isInstanceOfSatisfying(LeapConnectException.class, e -> {
            assertThat(e.getMessage())
                    .contains(server.wsUrl().toString())
                    .containsIgnoringCase("SSLHandshakeException");
            assertThat(causeOfType(e, SSLException.class)).isNotNull();
        });
        assertThat(client.state()).isEqualTo(ConnectionState.ERRORED);
        assertThat(client.lastStateChange().willReconnect()).isFalse();
        long attempts = server.connectionAttempts();
        await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> server.connectionAttempts() == attempts);
        assertThat(server.connectionCount()).isZero();
    }

    @Test
    void certificateForAnotherHostFailsClearly() throws Exception {
        TestCertificates cert = TestCertificates.selfSigned("other.example");
        LeapServer server = track(LeapServer.builder()
                .tls(cert.keyStore, TestCertificates.PASSWORD)
                .build()
                .start());
        HttpClient http =
                HttpClient.newBuilder().sslContext(cert.trustingContext()).build();
        LeapClient client = track(LeapClient.builder(server.projectId())
                .url(server.wsUrl())
                .transport(new JdkWebSocketTransport(http))
                .build());
        assertThatThrownBy(client::connect).isInstanceOfSatisfying(LeapConnectException.class, e -> {
            Throwable ssl = causeOfType(e, SSLException.class);
            assertThat(ssl).isNotNull();
            assertThat(stackTrace(e)).contains("127.0.0.1");
        });
    }

    private static Throwable causeOfType(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return c;
            }
        }
        return null;
    }

    // ------------------------------------------------------------------------------------------------ 4006 targets

    @Test
    void redirectTargetsAreValidatedAgainstSchemeAndHostAllowList() throws Exception {
        LeapServer primary = track(Reliability.server(Duration.ofSeconds(5)));
        LeapServer target = track(
                LeapServer.builder().projectId(primary.projectId()).build().start());
        FaultSuiteTests.RecordingTransport transport = new FaultSuiteTests.RecordingTransport();
        LeapClient client = track(Reliability.client(primary)
                .transport(transport)
                .redirectAllowedHosts(Set.of("127.0.0.1"))
                .build());
        List<ConnectionStateChange> changes = new CopyOnWriteArrayList<>();
        client.addConnectionStateListener(changes::add);
        client.connectAsync().get(15, TimeUnit.SECONDS);
        URI configured = transport.uris.get(0);

        // a host outside the allow-list: ignored, normal reconnect to the configured URL
        String cid = client.init().orElseThrow().connectionId();
        primary.redirect(cid, "ws://localhost:" + target.port() + "/ws?encoding=json");
        cid = awaitNewConnection(client, cid);
        // not ws/wss (the embedded server refuses to send that, so the close is sent raw)
        primary.closeConnection(cid, 4006, "http://127.0.0.1:" + target.port() + "/ws");
        cid = awaitNewConnection(client, cid);
        // not a URL at all
        primary.closeConnection(cid, 4006, "not a url at all");
        cid = awaitNewConnection(client, cid);
        assertThat(transport.uris).hasSize(4).allMatch(configured::equals);
        assertThat(target.connectionAttempts()).isZero();

        // an allowed ws URL is followed at once
        primary.redirect(cid, "ws://127.0.0.1:" + target.port() + "/ws?encoding=json");
        await().atMost(WAIT).until(() -> target.connectionCount() == 1 && client.state() == ConnectionState.CONNECTED);
        assertThat(transport.uris.get(4))
                .isEqualTo(URI.create("ws://127.0.0.1:" + target.port() + "/ws?encoding=json"));
    }

    @Test
    void builderRefusesNonWebSocketUrls() {
        assertThatThrownBy(() -> LeapClient.builder("project_1").url(URI.create("http://example.com/ws")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LeapClient.builder("project_1").url(URI.create("file:///etc/passwd")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatCode(() -> LeapClient.builder("project_1").url(URI.create("wss://example.com/ws")))
                .as("wss:// is accepted")
                .doesNotThrowAnyException();
        assertThatCode(() -> LeapClient.builder("project_1").url(URI.create("ws://localhost:1/ws")))
                .as("ws:// is accepted")
                .doesNotThrowAnyException();
    }
}
