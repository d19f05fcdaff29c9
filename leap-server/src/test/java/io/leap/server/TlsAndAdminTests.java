package io.leap.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.handler.ssl.util.SelfSignedCertificate;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class TlsAndAdminTests {

    @Test
    void servesWssAndHttpsWithAKeyStore() throws Exception {
        SelfSignedCertificate cert = new SelfSignedCertificate("localhost");
        char[] password = "secret".toCharArray();
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        keyStore.load(null, null);
        keyStore.setKeyEntry("leap", cert.key(), password, new Certificate[] {cert.cert()});
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("leap", cert.cert());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        HttpClient client = HttpClient.newBuilder()
                .sslContext(ssl)
                .version(HttpClient.Version.HTTP_1_1)
                .build();

        try (LeapServer server =
                LeapServer.builder().tls(keyStore, password).build().start()) {
            assertThat(server.wsUrl().getScheme()).isEqualTo("wss");
            assertThat(server.apiUrl().getScheme()).isEqualTo("https");
            HttpResponse<String> rest = client.send(
                    HttpRequest.newBuilder(URI.create("https://localhost:" + server.port() + "/v1/channels"))
                            .header("Authorization", server.projectToken())
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(rest.statusCode()).isEqualTo(200);

            CompletableFuture<String> hello = new CompletableFuture<>();
            WebSocket ws = client.newWebSocketBuilder()
                    .buildAsync(URI.create("wss://localhost:" + server.port() + "/ws"), new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                            hello.complete(data.toString());
                            return null;
                        }
                    })
                    .join();
            assertThat(hello.get(10, java.util.concurrent.TimeUnit.SECONDS)).startsWith("{\"op\":1");
            ws.abort();
        } finally {
            cert.delete();
        }
    }

    static HttpResponse<String> admin(LeapServer server, String method, String path, String body, String auth)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.apiUrl() + "/admin/" + path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (auth != null) {
            b.header("Authorization", auth);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void adminApiExposesFaultInjection() throws Exception {
        try (LeapServer server = LeapServer.builder()
                .adminApi(true)
                .taggedHeartbeatInterval(Duration.ZERO)
                .build()
                .start()) {
            String ptk = server.projectToken();
            assertThat(admin(server, "GET", "stats", null, null).statusCode()).isEqualTo(401);
            TestSocket socket = TestSocket.connect(server, "compression=none");
            String cid =
                    socket.identify(server.projectId(), null).data().path("cid").asString();
            JsonNode list = TestSocket.JSON.readTree(
                    admin(server, "GET", "connections", null, ptk).body());
            assertThat(list.path("data").path("connections").get(0).path("cid").asString())
                    .isEqualTo(cid);

            assertThat(admin(server, "PUT", "heartbeat-acks", "{\"enabled\":false}", ptk)
                            .statusCode())
                    .isEqualTo(204);
            socket.send("{\"op\":3}");
            socket.dispatch("ghost", "SUBSCRIBE", "null");
            assertThat(socket.next().event()).isEqualTo("UNAVAILABLE"); // no ack before it
            assertThat(admin(server, "PUT", "heartbeat-acks", "{\"enabled\":true}", ptk)
                            .statusCode())
                    .isEqualTo(204);
            HttpResponse<String> probe =
                    admin(server, "POST", "connections/" + cid + "/tagged-heartbeat", "{\"timeout_ms\":200}", ptk);
            assertThat(probe.statusCode()).isEqualTo(200);
            assertThat(TestSocket.JSON
                            .readTree(probe.body())
                            .path("data")
                            .path("heartbeat")
                            .path("outcome")
                            .asString())
                    .isEqualTo("timed_out");
            assertThat(socket.next().json().path("op").asInt()).isEqualTo(3);

            assertThat(admin(server, "POST", "rest-faults", "{\"count\":1,\"status\":500}", ptk)
                            .statusCode())
                    .isEqualTo(204);
            HttpResponse<String> failed = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(server.apiUrl() + "/v1/channels"))
                                    .header("Authorization", ptk)
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(failed.statusCode()).isEqualTo(500);
            assertThat(failed.body()).contains("\"code\":\"internal_error\"");

            JsonNode stats = TestSocket.JSON.readTree(
                    admin(server, "GET", "stats", null, ptk).body());
            assertThat(stats.path("data")
                            .path("stats")
                            .path("connection_attempts")
                            .asInt())
                    .isEqualTo(1);
            assertThat(stats.path("data").path("stats").path("rest_requests").asInt())
                    .isEqualTo(1);

            assertThat(admin(server, "POST", "connections/nope/close", "{\"code\":4000}", ptk)
                            .statusCode())
                    .isEqualTo(404);
            assertThat(admin(server, "POST", "connections/" + cid + "/close", "{\"code\":4\"}", ptk)
                            .statusCode())
                    .isEqualTo(400);
            assertThat(admin(
                                    server,
                                    "POST",
                                    "connections/" + cid + "/redirect",
                                    "{\"url\":\"wss://x.example/ws\"}",
                                    ptk)
                            .statusCode())
                    .isEqualTo(204);
            assertThat(socket.awaitClose())
                    .isEqualTo(new TestSocket.Closed(4006, "wss://x.example/ws?compression=none"));
            await().atMost(Duration.ofSeconds(10)).until(() -> server.connectionCount() == 0);
        }
    }

    @Test
    void adminApiIsOffByDefault() throws Exception {
        try (LeapServer server = LeapServer.builder().build().start()) {
            assertThat(admin(server, "GET", "stats", null, server.projectToken())
                            .statusCode())
                    .isEqualTo(404);
        }
    }

    @Test
    void standaloneOptionsAndEnvironment() {
        LeapServer fromEnv = LeapServerMain.configure(
                        new String[0],
                        Map.of(
                                "LEAP_PORT",
                                "0",
                                "LEAP_PROJECT_ID",
                                "project_env",
                                "LEAP_PROJECT_TOKEN",
                                "ptk_env",
                                "LEAP_HEARTBEAT_INTERVAL",
                                "5s"))
                .build();
        assertThat(fromEnv.projectId()).isEqualTo("project_env");
        assertThat(fromEnv.projectToken()).isEqualTo("ptk_env");
        LeapServer fromArgs = LeapServerMain.configure(
                        new String[] {"--port", "0", "--project-id=project_arg", "--heartbeat-interval", "250"},
                        Map.of("LEAP_PROJECT_ID", "project_env"))
                .build();
        assertThat(fromArgs.projectId()).isEqualTo("project_arg");
        assertThat(fromArgs.projectToken()).startsWith("ptk_");
        try (LeapServer running = fromArgs.start()) {
            TestSocket socket = TestSocket.connect(running, null);
            assertThat(socket.next().raw()).isEqualTo("{\"op\":1,\"d\":{\"heartbeat_interval\":250}}");
            socket.close();
        }
        assertThat(LeapServerMain.parseDuration("PT2S")).isEqualTo(Duration.ofSeconds(2));
        assertThat(LeapServerMain.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThatThrownBy(() -> LeapServerMain.configure(new String[] {"--bogus"}, Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LeapServerMain.configure(new String[] {"--port"}, Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LeapServerMain.configure(new String[] {"--project-token", "leap_token_x"}, Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void builderAndLifecycleRules() {
        assertThatThrownBy(() -> LeapServer.builder().port(70000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LeapServer.builder().heartbeatInterval(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        LeapServer server = LeapServer.builder().build();
        assertThatThrownBy(server::wsUrl).isInstanceOf(IllegalStateException.class);
        server.start();
        try {
            assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class);
            assertThat(server.toString()).doesNotContain(server.projectToken());
            assertThatThrownBy(() -> server.createChannel("x", ChannelType.PUBLIC, "not an object"))
                    .isInstanceOf(IllegalArgumentException.class);
            server.createChannel("x", ChannelType.PUBLIC, null);
            assertThatThrownBy(() -> server.createChannel("x", ChannelType.PUBLIC, null))
                    .isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> server.publish("missing", "e", null))
                    .isInstanceOf(java.util.NoSuchElementException.class);
            assertThatThrownBy(() -> server.closeConnection("conn_x", 1005, ""))
                    .isInstanceOf(IllegalArgumentException.class);
        } finally {
            server.close();
        }
    }
}
