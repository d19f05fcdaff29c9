package io.leap.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/** The REST suite against the in-memory engine; {@code RedisRestApiTests} runs it against the Redis engine. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RestApiTests {

    /** The builder every server of the suite starts from: the engine under test. */
    LeapServer.Builder builder() {
        return LeapServer.builder();
    }

    static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static LeapServer server;
    static final String PTK = "ptk_test_full";
    static final String READ_ONLY = "ptk_read_only";
    static final String PAT = "pat_user_one";

    @BeforeAll
    void start() {
        server = builder()
                .projectId("project_rest")
                .projectToken(PTK)
                .projectToken(READ_ONLY, EnumSet.of(Permission.READ_CHANNELS))
                .personalAccessToken(PAT)
                .build()
                .start();
    }

    @AfterAll
    void stop() {
        server.close();
    }

    record Response(int status, JsonNode body, String contentType) {
        JsonNode data() {
            return body.path("data");
        }

        String errorCode() {
            return body.path("error").path("code").asString();
        }
    }

    static Response call(String method, String path, String body) {
        return call(method, path, body, PTK);
    }

    static Response call(String method, String path, String body, String auth) {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(server.apiUrl() + path)).timeout(Duration.ofSeconds(10));
        if (auth != null) {
            b.header("Authorization", auth);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(
                method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = r.body().isEmpty() ? null : TestSocket.JSON.readTree(r.body());
            return new Response(
                    r.statusCode(), json, r.headers().firstValue("content-type").orElse(null));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static String unique(String prefix) {
        return prefix + "_" + System.nanoTime();
    }

    @Test
    void createChannelWithGeneratedIdAndGivenId() {
        Response created =
                call("POST", "/v1/channels", "{\"type\":\"unprotected\",\"state\":{\"name\":\"Group Chat\"}}");
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.contentType()).isEqualTo("application/json; charset=utf-8");
        assertThat(created.body().path("success").asBoolean()).isTrue();
        JsonNode channel = created.data().path("channel");
        assertThat(channel.path("id").asString()).startsWith("channel_");
        assertThat(channel.path("type").asString()).isEqualTo("unprotected");
        assertThat(channel.path("state").path("name").asString()).isEqualTo("Group Chat");
        assertThat(channel.path("capabilities").asInt()).isZero();
        assertThat(channel.path("created_at").asString())
                .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        assertThat(channel.path("project").path("id").asString()).isEqualTo("project_rest");

        String id = unique("group chat");
        Response put = call(
                "PUT",
                "/v1/channels/" + id.replace(" ", "%20") + "?channel_id=x",
                "{\"type\":\"private\",\"state\":{}}");
        assertThat(put.status()).isEqualTo(201);
        assertThat(put.data().path("channel").path("id").asString()).isEqualTo(id);
        assertThat(call("PUT", "/v1/channels/" + id.replace(" ", "%20"), "{\"type\":\"public\"}")
                        .status())
                .isEqualTo(409);
        assertThat(call("GET", "/v1/channels/" + id.replace(" ", "%20"), null)
                        .data()
                        .path("channel")
                        .path("type")
                        .asString())
                .isEqualTo("private");
    }

    @Test
    void invalidChannelRequestsGet400() {
        assertThat(call("PUT", "/v1/channels/a%2Fb", "{\"type\":\"public\"}").errorCode())
                .isEqualTo("invalid_request");
        assertThat(call("POST", "/v1/channels", "{\"type\":\"secret\"}").status())
                .isEqualTo(400);
        assertThat(call("POST", "/v1/channels", "{\"state\":{}}").status()).isEqualTo(400);
        assertThat(call("POST", "/v1/channels", "{\"type\":\"public\",\"state\":[1]}")
                        .status())
                .isEqualTo(400);
        assertThat(call("POST", "/v1/channels", "{not json").status()).isEqualTo(400);
        assertThat(call("PUT", "/v1/channels/" + "x".repeat(129), "{\"type\":\"public\"}")
                        .status())
                .isEqualTo(400);
        Response r = call("GET", "/v1/channels/nope_" + System.nanoTime(), null);
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.body().path("success").asBoolean(true)).isFalse();
        assertThat(r.errorCode()).isEqualTo("not_found");
        assertThat(call("GET", "/v1/unknown", null).status()).isEqualTo(404);
    }

    @Test
    void authenticationRules() {
        assertThat(call("GET", "/v1/channels", null, null).errorCode()).isEqualTo("invalid_auth");
        assertThat(call("GET", "/v1/channels", null, null).status()).isEqualTo(401);
        String token = server.createToken(null);
        assertThat(call("GET", "/v1/channels", null, token).status()).isEqualTo(401);
        assertThat(call("GET", "/v1/channels", null, "ptk_unknown").status()).isEqualTo(401);
        assertThat(call("GET", "/v1/channels", null, "Bearer " + PTK).status()).isEqualTo(200);
        assertThat(call("GET", "/v1/channels?project=project_rest", null).status())
                .isEqualTo(200);
        assertThat(call("GET", "/v1/channels?project=project_other", null).errorCode())
                .isEqualTo("forbidden");
        Response missing = call("GET", "/v1/channels", null, PAT);
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.errorCode()).isEqualTo("missing_project");
        assertThat(call("GET", "/v1/channels?project=project_rest", null, PAT).status())
                .isEqualTo(200);
        assertThat(call("GET", "/v1/channels?project=project_x", null, PAT).status())
                .isEqualTo(403);
        assertThat(call("GET", "/v1/channels/tokens/" + token, null, PAT).status())
                .isEqualTo(200);
        // restricted project token
        assertThat(call("GET", "/v1/channels", null, READ_ONLY).status()).isEqualTo(200);
        Response forbidden = call("POST", "/v1/channels", "{\"type\":\"public\"}", READ_ONLY);
        assertThat(forbidden.status()).isEqualTo(403);
        assertThat(forbidden.errorCode()).isEqualTo("forbidden");
    }

    @Test
    void listChannelsWithAndWithoutPages() {
        LeapServer s = builder().projectToken(PTK).build().start();
        try {
            for (int i = 0; i < 5; i++) {
                s.createChannel("c" + i, ChannelType.PUBLIC, null);
            }
            JsonNode all = get(s, "/v1/channels");
            assertThat(all.path("data").path("channels").size()).isEqualTo(5);
            assertThat(all.path("data").path("total_count").asInt()).isEqualTo(5);
            JsonNode page2 = get(s, "/v1/channels?page=2&limit=2&orderBy=asc&sortBy=created_at");
            assertThat(ids(page2)).containsExactly("c2", "c3");
            JsonNode desc = get(s, "/v1/channels?page=1&limit=2&orderBy=desc&sortBy=id");
            assertThat(desc.path("data").path("channels").get(0).path("id").asString())
                    .isEqualTo("c4");
            assertThat(get(s, "/v1/channels?page=9")
                            .path("data")
                            .path("channels")
                            .size())
                    .isZero();
            assertThat(get(s, "/v1/channels?page=0").path("error").path("code").asString())
                    .isEqualTo("invalid_request");
            assertThat(get(s, "/v1/channels?page=1&limit=101").path("success").asBoolean(true))
                    .isFalse();
        } finally {
            s.close();
        }
    }

    static java.util.List<String> ids(JsonNode response) {
        return response.path("data")
                .path("channels")
                .valueStream()
                .map(c -> c.path("id").asString())
                .toList();
    }

    static JsonNode get(LeapServer s, String path) {
        try {
            HttpResponse<String> r = HTTP.send(
                    HttpRequest.newBuilder(URI.create(s.apiUrl() + path))
                            .header("Authorization", PTK)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return TestSocket.JSON.readTree(r.body());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void stateRoutesSendFullStateUpdates() {
        String id = unique("state");
        server.createChannel(id, ChannelType.UNPROTECTED, TestSocket.JSON.readTree("{\"a\":1,\"nested\":{\"x\":1}}"));
        try (TestSocket s = TestSocket.connect(server, null)) {
            s.identify(server.projectId(), null);
            s.dispatch(id, "SUBSCRIBE", "null");
            assertThat(s.nextDispatch().event()).isEqualTo("AVAILABLE");

            assertThat(call("PATCH", "/v1/channels/" + id + "/state", "{\"nested\":{\"y\":2},\"b\":null}")
                            .status())
                    .isEqualTo(204);
            TestSocket.Received update = s.nextDispatch();
            assertThat(update.event()).isEqualTo("STATE_UPDATE");
            assertThat(update.json().path("d").path("u").asBoolean(true)).isFalse();
            assertThat(update.data().path("state").toString()).isEqualTo("{\"a\":1,\"nested\":{\"y\":2},\"b\":null}");

            assertThat(call("PUT", "/v1/channels/" + id + "/state", "{\"only\":true}")
                            .status())
                    .isEqualTo(204);
            assertThat(s.nextDispatch().data().path("state").toString()).isEqualTo("{\"only\":true}");
            assertThat(call("GET", "/v1/channels/" + id + "/state", null)
                            .data()
                            .path("state")
                            .toString())
                    .isEqualTo("{\"only\":true}");
            assertThat(call("PUT", "/v1/channels/" + id + "/state", "[1,2]").status())
                    .isEqualTo(400);
            assertThat(call("PUT", "/v1/channels/missing_" + id + "/state", "{}")
                            .status())
                    .isEqualTo(404);
        }
    }

    @Test
    void publishMessageReachesSubscribersAndValidatesEvent() {
        String id = unique("pub");
        server.createChannel(id, ChannelType.UNPROTECTED, null);
        try (TestSocket s = TestSocket.connect(server, "compression=zlib")) {
            s.identify(server.projectId(), null);
            s.dispatch(id, "SUBSCRIBE", "null");
            s.nextDispatch();
            assertThat(call("POST", "/v1/channels/" + id + "/messages", "{\"e\":\"MESSAGE_CREATE\",\"d\":\"world\"}")
                            .status())
                    .isEqualTo(204);
            TestSocket.Received msg = s.nextDispatch();
            assertThat(msg.binary()).isTrue();
            assertThat(msg.raw())
                    .isEqualTo("{\"op\":0,\"d\":{\"c\":\"" + id
                            + "\",\"u\":false,\"e\":\"MESSAGE\",\"d\":{\"e\":\"MESSAGE_CREATE\",\"d\":\"world\"}}}");
            assertThat(call("POST", "/v1/channels/" + id + "/messages", "{\"e\":\"x\"}")
                            .status())
                    .isEqualTo(204);
            assertThat(s.nextDispatch().data().path("d").isNull()).isTrue();
        }
        assertThat(call("POST", "/v1/channels/" + id + "/messages", "{\"d\":1}").status())
                .isEqualTo(400);
        assertThat(call("POST", "/v1/channels/" + id + "/messages", "{\"e\":\"\"}")
                        .status())
                .isEqualTo(400);
        assertThat(call("POST", "/v1/channels/" + id + "/messages", "{\"e\":\"" + "x".repeat(257) + "\"}")
                        .status())
                .isEqualTo(400);
        assertThat(call("POST", "/v1/channels/nope" + id + "/messages", "{\"e\":\"x\"}")
                        .status())
                .isEqualTo(404);
    }

    @Test
    void subscribersRoutesNotifyTheTokensConnections() {
        String id = unique("priv");
        server.createChannel(id, ChannelType.PRIVATE, Map.of("k", "v"));
        String token = server.createToken(Map.of("user", 1));
        try (TestSocket a = TestSocket.connect(server, null);
                TestSocket b = TestSocket.connect(server, null)) {
            a.identify(server.projectId(), token);
            b.identify(server.projectId(), token);
            assertThat(call("PUT", "/v1/channels/" + id + "/subscribers/" + token, null)
                            .status())
                    .isEqualTo(204);
            for (TestSocket s : new TestSocket[] {a, b}) {
                TestSocket.Received available = s.nextDispatch();
                assertThat(available.event()).isEqualTo("AVAILABLE");
                assertThat(available.channel()).isEqualTo(id);
                assertThat(available.data().path("channel").toString())
                        .isEqualTo(
                                "{\"id\":\"" + id
                                        + "\",\"project_id\":\"project_rest\",\"type\":\"private\",\"state\":{\"k\":\"v\"},\"capabilities\":0}");
            }
            // idempotent: no second AVAILABLE
            assertThat(call("PUT", "/v1/channels/" + id + "/subscribers/" + token, null)
                            .status())
                    .isEqualTo(204);
            assertThat(a.sync()).noneMatch(r -> r.op() == 0);
            assertThat(call("GET", "/v1/channels/" + id + "/stats", null)
                            .data()
                            .path("stats")
                            .path("online_count")
                            .asInt())
                    .isEqualTo(2);
            JsonNode tokens =
                    call("GET", "/v1/channels/" + id + "/tokens", null).data().path("tokens");
            assertThat(tokens.size()).isEqualTo(1);
            assertThat(tokens.get(0).path("is_online").asBoolean()).isTrue();
            assertThat(call("DELETE", "/v1/channels/" + id + "/subscribers/" + token, null)
                            .status())
                    .isEqualTo(204);
            for (TestSocket s : new TestSocket[] {a, b}) {
                TestSocket.Received gone = s.nextDispatch();
                assertThat(gone.event()).isEqualTo("UNAVAILABLE");
                assertThat(gone.data().toString()).isEqualTo("{\"graceful\":true}");
            }
            assertThat(call("DELETE", "/v1/channels/" + id + "/subscribers/" + token, null)
                            .status())
                    .isEqualTo(204);
            assertThat(a.sync()).noneMatch(r -> r.op() == 0);
            assertThat(call("PUT", "/v1/channels/" + id + "/subscribers/leap_token_nope", null)
                            .status())
                    .isEqualTo(404);
        }
    }

    @Test
    void deletingAChannelMakesItUnavailable() {
        String id = unique("del");
        server.createChannel(id, ChannelType.UNPROTECTED, null);
        try (TestSocket s = TestSocket.connect(server, null)) {
            s.identify(server.projectId(), null);
            s.dispatch(id, "SUBSCRIBE", "null");
            s.nextDispatch();
            assertThat(call("DELETE", "/v1/channels/" + id, null).status()).isEqualTo(204);
            TestSocket.Received gone = s.nextDispatch();
            assertThat(gone.raw())
                    .isEqualTo(
                            "{\"op\":0,\"d\":{\"c\":\"" + id
                                    + "\",\"u\":false,\"e\":\"UNAVAILABLE\",\"d\":{\"graceful\":false,\"error_code\":\"UNKNOWN\"}}}");
            assertThat(call("DELETE", "/v1/channels/" + id, null).status()).isEqualTo(404);
        }
    }

    @Test
    void tokenRoutesAndTheirSocketEffects() {
        Response created = call("POST", "/v1/channels/tokens", "{\"state\":{\"user_id\":\"42\"}}");
        assertThat(created.status()).isEqualTo(201);
        JsonNode token = created.data().path("token");
        String id = token.path("id").asString();
        assertThat(id).startsWith("leap_token_");
        assertThat(token.toString())
                .isEqualTo("{\"id\":\"" + id
                        + "\",\"state\":{\"user_id\":\"42\"},\"project_id\":\"project_rest\",\"is_online\":false}");
        assertThat(call("POST", "/v1/channels/tokens", null).status()).isEqualTo(201);
        assertThat(call("GET", "/v1/channels/tokens", null)
                        .data()
                        .path("tokens")
                        .valueStream()
                        .map(t -> t.path("id").asString()))
                .contains(id);

        try (TestSocket s = TestSocket.connect(server, null)) {
            TestSocket.Received init = s.identify(server.projectId(), id);
            assertThat(init.data().path("metadata").toString()).isEqualTo("{\"user_id\":\"42\"}");
            assertThat(call("GET", "/v1/channels/tokens/" + id, null)
                            .data()
                            .path("token")
                            .path("is_online")
                            .asBoolean())
                    .isTrue();

            Response patched =
                    call("PATCH", "/v1/channels/tokens/" + id, "{\"state\":{\"plan\":\"pro\"},\"expiresAt\":null}");
            assertThat(patched.status()).isEqualTo(200);
            assertThat(patched.data().path("token").path("state").toString()).isEqualTo("{\"plan\":\"pro\"}");
            TestSocket.Received update = s.nextDispatch();
            assertThat(update.raw())
                    .isEqualTo(
                            "{\"op\":0,\"d\":{\"c\":null,\"u\":false,\"e\":\"TOKEN_STATE_UPDATE\",\"d\":{\"state\":{\"plan\":\"pro\"}}}}");
            assertThat(call("PATCH", "/v1/channels/tokens/" + id, "{}").status())
                    .isEqualTo(400);

            assertThat(call("POST", "/v1/channels/tokens/" + id + "/messages", "{\"e\":\"NOTIFY\",\"d\":{\"t\":1}}")
                            .status())
                    .isEqualTo(204);
            assertThat(s.nextDispatch().raw())
                    .isEqualTo(
                            "{\"op\":0,\"d\":{\"c\":null,\"u\":false,\"e\":\"DIRECT_MESSAGE\",\"d\":{\"e\":\"NOTIFY\",\"d\":{\"t\":1}}}}");

            assertThat(call("DELETE", "/v1/channels/tokens/" + id, null).status())
                    .isEqualTo(204);
            assertThat(s.awaitClose()).isEqualTo(new TestSocket.Closed(4001, "Invalid auth"));
        }
        assertThat(call("GET", "/v1/channels/tokens/" + id, null).status()).isEqualTo(404);
        assertThat(call("POST", "/v1/channels/tokens/" + id + "/messages", "{\"e\":\"x\"}")
                        .status())
                .isEqualTo(404);
    }

    @Test
    void oversizedBodyGets413() {
        String big = "{\"e\":\"x\",\"d\":\"" + "a".repeat(1024 * 1024) + "\"}";
        Response r = call("POST", "/v1/channels/any/messages", big);
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.errorCode()).isEqualTo("payload_too_large");
    }

    /**
     * The 413 goes out while the client is still sending; the server must keep reading (and discarding) the body
     * instead of closing at once, or the kernel resets the connection and the client may never see the 413.
     */
    @Test
    void oversizedBodyIsDiscardedAndTheKeepAliveConnectionStaysUsable() throws Exception {
        int limit = 1024 * 1024;
        try (Socket socket =
                new Socket(server.apiUrl().getHost(), server.apiUrl().getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            out.write(("POST /v1/channels/any/messages HTTP/1.1\r\nHost: x\r\nAuthorization: " + PTK
                            + "\r\nContent-Type: application/json\r\nContent-Length: " + (limit + 1) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[limit + 1]);
            out.flush();
            RawResponse tooLarge = RawResponse.read(in);
            assertThat(tooLarge.status()).isEqualTo(413);
            assertThat(TestSocket.JSON
                            .readTree(tooLarge.body())
                            .path("error")
                            .path("code")
                            .asString())
                    .isEqualTo("payload_too_large");
            out.write(("GET /v1/channels HTTP/1.1\r\nHost: x\r\nAuthorization: " + PTK + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(RawResponse.read(in).status()).isEqualTo(200);
        }
    }

    @Test
    void oversizedBodyWithConnectionCloseGets413ThenAnOrderlyClose() throws Exception {
        int limit = 1024 * 1024;
        try (Socket socket =
                new Socket(server.apiUrl().getHost(), server.apiUrl().getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            out.write(("POST /v1/channels/any/messages HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: "
                            + PTK + "\r\nContent-Length: " + (limit + 1) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[limit + 1]);
            out.flush();
            RawResponse tooLarge = RawResponse.read(in);
            assertThat(tooLarge.status()).isEqualTo(413);
            assertThat(tooLarge.headers()).containsEntry("connection", "close");
            assertThat(in.read()).isEqualTo(-1); // FIN after the whole body was read, not a reset
        }
    }

    /** A minimal HTTP/1.1 response reader (status line, headers, Content-Length body). */
    record RawResponse(int status, Map<String, String> headers, String body) {
        static RawResponse read(InputStream in) throws IOException {
            String statusLine = line(in);
            int status = Integer.parseInt(statusLine.split(" ")[1]);
            Map<String, String> headers = new java.util.HashMap<>();
            for (String h = line(in); !h.isEmpty(); h = line(in)) {
                int colon = h.indexOf(':');
                headers.put(
                        h.substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT),
                        h.substring(colon + 1).trim());
            }
            byte[] body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
            return new RawResponse(status, headers, new String(body, StandardCharsets.UTF_8));
        }

        private static String line(InputStream in) throws IOException {
            StringBuilder sb = new StringBuilder();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new EOFException("connection ended inside a response: " + sb);
                }
                if (c != '\r') {
                    sb.append((char) c);
                }
            }
            return sb.toString();
        }
    }

    @Test
    void injectedFailuresAreCountedAndEnvelopeShaped() {
        LeapServer s = builder().projectToken(PTK).build().start();
        try {
            s.failNextRequests(2, 503);
            long before = s.restRequestCount();
            JsonNode first = get(s, "/v1/channels");
            assertThat(first.path("error").path("code").asString()).isEqualTo("service_unavailable");
            assertThat(get(s, "/v1/channels").path("success").asBoolean(true)).isFalse();
            assertThat(get(s, "/v1/channels").path("success").asBoolean()).isTrue();
            assertThat(s.restRequestCount() - before).isEqualTo(3);
        } finally {
            s.close();
        }
    }
}
