package io.leap.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The fault-injection admin routes ({@code adminApi(true)}) over real HTTP and real sockets: they answer what the
 * {@link LeapServer} methods report, as JSON, and refuse unknown connections, channels and bad bodies with a Hop error
 * envelope.
 */
class FaultAdminApiTests {

    private LeapServer server;
    private String ptk;

    @BeforeEach
    void start() {
        server = LeapServer.builder()
                .adminApi(true)
                .taggedHeartbeatInterval(Duration.ZERO)
                .build()
                .start();
        ptk = server.projectToken();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> admin(String method, String path, String body) throws Exception {
        return TlsAndAdminTests.admin(server, method, path, body, ptk);
    }

    private static JsonNode json(HttpResponse<String> response) {
        assertThat(response.headers().firstValue("content-type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        return TestSocket.JSON.readTree(response.body());
    }

    private static void assertError(HttpResponse<String> response, int status, String code, String messagePart) {
        assertThat(response.statusCode()).isEqualTo(status);
        JsonNode body = json(response);
        assertThat(body.path("success").asBoolean(true)).isFalse();
        assertThat(body.path("error").path("code").asString()).isEqualTo(code);
        assertThat(body.path("error").path("message").asString()).contains(messagePart);
    }

    private String identified(TestSocket socket) {
        return socket.identify(server.projectId(), null).data().path("cid").asString();
    }

    @Test
    void taggedHeartbeatRouteReportsAnAnswerWithItsLatency() throws Exception {
        TestSocket socket = TestSocket.connect(server, "compression=none");
        String cid = identified(socket);
        CompletableFuture<HttpResponse<String>> call = CompletableFuture.supplyAsync(() -> {
            try {
                return admin("POST", "connections/" + cid + "/tagged-heartbeat", "{\"tag\":\"js-probe\"}");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        TestSocket.Received request = socket.next();
        assertThat(request.raw()).isEqualTo("{\"op\":3,\"d\":{\"tag\":\"js-probe\"}}");
        socket.send("{\"op\":3,\"d\":{\"tag\":\"js-probe\"}}");

        HttpResponse<String> response = call.get(10, TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = json(response);
        assertThat(body.path("success").asBoolean()).isTrue();
        JsonNode hb = body.path("data").path("heartbeat");
        assertThat(hb.path("cid").asString()).isEqualTo(cid);
        assertThat(hb.path("tag").asString()).isEqualTo("js-probe");
        assertThat(hb.path("outcome").asString()).isEqualTo("answered");
        assertThat(hb.path("answered").asBoolean()).isTrue();
        Instant sent = Instant.parse(hb.path("sent_at").asString());
        assertThat(Instant.parse(hb.path("answered_at").asString())).isAfterOrEqualTo(sent);
        assertThat(hb.path("latency_ms").isNumber()).isTrue();
        assertThat(hb.path("latency_ms").asDouble()).isPositive().isLessThan(10_000);
        assertThat(socket.next().json().path("d").path("tag").asString()).isEqualTo("js-probe"); // the op 4 ack
    }

    @Test
    void taggedHeartbeatRouteReportsSilenceAsTimedOut() throws Exception {
        TestSocket socket = TestSocket.connect(server, "compression=none");
        String cid = identified(socket);
        HttpResponse<String> response =
                admin("POST", "connections/" + cid + "/tagged-heartbeat", "{\"timeout_ms\":250}");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode hb = json(response).path("data").path("heartbeat");
        assertThat(hb.path("outcome").asString()).isEqualTo("timed_out");
        assertThat(hb.path("answered").asBoolean(true)).isFalse();
        assertThat(hb.path("answered_at").isNull()).isTrue();
        assertThat(hb.path("latency_ms").isNull()).isTrue();
        assertThat(hb.path("tag").asString()).matches("[0-9a-f]{16}");
        assertThat(socket.next().json().path("d").path("tag").asString())
                .isEqualTo(hb.path("tag").asString());
    }

    @Test
    void perConnectionAckSwitchAffectsOnlyThatConnection() throws Exception {
        TestSocket quiet = TestSocket.connect(server, "compression=none");
        String quietCid = identified(quiet);
        TestSocket normal = TestSocket.connect(server, "compression=none");
        String normalCid = identified(normal);

        assertThat(admin("PUT", "connections/" + quietCid + "/heartbeat-acks", "{\"enabled\":false}")
                        .statusCode())
                .isEqualTo(204);
        JsonNode list = json(admin("GET", "connections", null)).path("data").path("connections");
        for (JsonNode c : list) {
            assertThat(c.path("heartbeat_acks").asBoolean())
                    .isEqualTo(!c.path("cid").asString().equals(quietCid));
        }
        assertThat(list).hasSize(2);
        quiet.send("{\"op\":3}");
        quiet.dispatch("ghost", "SUBSCRIBE", "null");
        assertThat(quiet.next().event()).isEqualTo("UNAVAILABLE");
        assertThat(normal.sync()).isEmpty();

        assertThat(admin("PUT", "connections/" + quietCid + "/heartbeat-acks", "{\"enabled\":true}")
                        .statusCode())
                .isEqualTo(204);
        assertThat(quiet.sync()).isEmpty();
        assertThat(normalCid).isNotEqualTo(quietCid);
    }

    @Test
    void burstRouteReportsTheWritesOfEverySubscriber() throws Exception {
        server.createChannel("feed", ChannelType.UNPROTECTED, null);
        TestSocket a = TestSocket.connect(server, "compression=none");
        String aCid = identified(a);
        a.dispatch("feed", "SUBSCRIBE", "null");
        assertThat(a.nextDispatch().event()).isEqualTo("AVAILABLE");
        TestSocket b = TestSocket.connect(server, "compression=zlib");
        String bCid = identified(b);
        b.dispatch("feed", "SUBSCRIBE", "null");
        assertThat(b.nextDispatch().event()).isEqualTo("AVAILABLE");

        HttpResponse<String> response =
                admin("POST", "channels/feed/burst", "{\"event\":\"TICK\",\"data\":{\"n\":7},\"count\":50}");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode burst = json(response).path("data").path("burst");
        assertThat(burst.path("channel").asString()).isEqualTo("feed");
        assertThat(burst.path("event").asString()).isEqualTo("TICK");
        assertThat(burst.path("count").asInt()).isEqualTo(50);
        assertThat(burst.path("complete").asBoolean()).isTrue();
        Instant published = Instant.parse(burst.path("published_at").asString());
        JsonNode deliveries = burst.path("deliveries");
        assertThat(deliveries).hasSize(2);
        assertThat(deliveries.get(0).path("cid").asString()).isEqualTo(aCid);
        assertThat(deliveries.get(1).path("cid").asString()).isEqualTo(bCid);
        for (JsonNode d : deliveries) {
            assertThat(d.path("queued").asInt()).isEqualTo(50);
            assertThat(d.path("written").asInt()).isEqualTo(50);
            assertThat(d.path("closed").asBoolean(true)).isFalse();
            Instant first = Instant.parse(d.path("first_written_at").asString());
            assertThat(first).isAfterOrEqualTo(published);
            assertThat(Instant.parse(d.path("last_written_at").asString())).isAfterOrEqualTo(first);
        }
        for (TestSocket s : new TestSocket[] {a, b}) {
            for (int i = 0; i < 50; i++) {
                TestSocket.Received m = s.nextDispatch();
                assertThat(m.data().path("e").asString()).isEqualTo("TICK");
                assertThat(m.data().path("d").path("n").asInt()).isEqualTo(7);
            }
            assertThat(s.sync()).isEmpty();
        }
    }

    @Test
    void burstRouteAnswersAnIncompleteReportWhenItsTimeoutPassesFirst() throws Exception {
        server.createChannel("feed", ChannelType.UNPROTECTED, null);
        TestSocket a = TestSocket.connect(server, "compression=none");
        String cid = identified(a);
        a.dispatch("feed", "SUBSCRIBE", "null");
        assertThat(a.nextDispatch().event()).isEqualTo("AVAILABLE");
        assertThat(admin("POST", "connections/" + cid + "/pause-writes", null).statusCode())
                .isEqualTo(204);

        JsonNode burst = json(admin(
                        "POST", "channels/feed/burst", "{\"event\":\"TICK\",\"count\":3,\"timeout_ms\":200}"))
                .path("data")
                .path("burst");
        assertThat(burst.path("complete").asBoolean(true)).isFalse();
        JsonNode d = burst.path("deliveries").get(0);
        assertThat(d.path("queued").asInt()).isEqualTo(3);
        assertThat(d.path("written").asInt()).isZero();
        assertThat(d.path("first_written_at").isNull()).isTrue();

        assertThat(admin("POST", "connections/" + cid + "/resume-writes", null).statusCode())
                .isEqualTo(204);
        for (int i = 0; i < 3; i++) {
            assertThat(a.nextDispatch().data().path("e").asString()).isEqualTo("TICK");
        }
    }

    @Test
    void unknownConnectionsChannelsAndBadBodiesAreClearJsonErrors() throws Exception {
        TestSocket socket = TestSocket.connect(server, "compression=none");
        String cid = identified(socket);
        server.createChannel("feed", ChannelType.UNPROTECTED, null);

        assertError(admin("POST", "connections/conn_nope/tagged-heartbeat", null), 404, "not_found", "conn_nope");
        assertError(
                admin("PUT", "connections/conn_nope/heartbeat-acks", "{\"enabled\":false}"),
                404,
                "not_found",
                "conn_nope");
        assertError(admin("POST", "channels/nope/burst", "{\"event\":\"TICK\",\"count\":1}"), 404, "not_found", "nope");

        assertError(
                admin("PUT", "connections/" + cid + "/heartbeat-acks", "{\"enabled\":\"no\"}"),
                400,
                "invalid_request",
                "enabled");
        assertError(
                admin("POST", "connections/" + cid + "/tagged-heartbeat", "{\"tag\":\"\"}"),
                400,
                "invalid_request",
                "tag");
        assertError(
                admin("POST", "connections/" + cid + "/tagged-heartbeat", "{\"tag\":5}"),
                400,
                "invalid_request",
                "tag");
        assertError(
                admin("POST", "connections/" + cid + "/tagged-heartbeat", "{\"timeout_ms\":0}"),
                400,
                "invalid_request",
                "timeout_ms");
        assertError(
                admin("POST", "channels/feed/burst", "{\"event\":\"TICK\",\"count\":0}"),
                400,
                "invalid_request",
                "burst");
        assertError(admin("POST", "channels/feed/burst", "{\"count\":1}"), 400, "invalid_request", "event");
        assertError(admin("POST", "channels/feed/burst", "{\"event\":\"TICK\"}"), 400, "invalid_request", "count");
        assertError(admin("POST", "channels/feed/burst", "[1]"), 400, "invalid_request", "JSON object");
        assertError(admin("GET", "connections/" + cid + "/heartbeat-acks", null), 404, "not_found", "No admin route");
        assertError(
                admin("POST", "channels/feed/burst", "{\"event\":\"TICK\",\"count\":1,\"timeout_ms\":\"soon\"}"),
                400,
                "invalid_request",
                "timeout_ms");

        // a tag still awaiting its reply is a conflict
        CompletableFuture<TaggedHeartbeatReport> pending = server.sendTaggedHeartbeat(cid, "busy");
        assertError(
                admin("POST", "connections/" + cid + "/tagged-heartbeat", "{\"tag\":\"busy\",\"timeout_ms\":100}"),
                409,
                "conflict",
                "already");
        assertThat(socket.next().json().path("d").path("tag").asString()).isEqualTo("busy");
        socket.send("{\"op\":3,\"d\":{\"tag\":\"busy\"}}");
        assertThat(pending.get(10, TimeUnit.SECONDS).answered()).isTrue();
    }

    @Test
    void restDelayTakesDelayMsAndStillTheOlderMillis() throws Exception {
        java.net.http.HttpRequest list = java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(server.apiUrl() + "/v1/channels"))
                .header("Authorization", ptk)
                .build();
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        for (String body : new String[] {"{\"delay_ms\":300}", "{\"millis\":300}"}) {
            assertThat(admin("PUT", "rest-delay", body).statusCode()).isEqualTo(204);
            long started = System.nanoTime();
            assertThat(http.send(list, HttpResponse.BodyHandlers.ofString()).statusCode())
                    .isEqualTo(200);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
            assertThat(admin("PUT", "rest-delay", "{\"delay_ms\":0}").statusCode())
                    .isEqualTo(204);
        }
        assertError(admin("PUT", "rest-delay", "{\"delay_ms\":-1}"), 400, "invalid_request", "delay_ms");
        assertError(admin("PUT", "rest-delay", "{}"), 400, "invalid_request", "delay_ms");
        assertError(admin("DELETE", "rest-delay", null), 404, "not_found", "No admin route");
        assertError(admin("GET", "nothing-here", null), 404, "not_found", "No admin route");
        assertError(
                TlsAndAdminTests.admin(server, "GET", "stats", null, "ptk_wrong"),
                401,
                "invalid_auth",
                "project token");
    }
}
