package io.leap.client.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.leap.client.ChannelType;
import io.leap.client.rest.StubHttpServer.Reply;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Wire-level behaviour of {@link LeapApi} against a scripted JDK HTTP server: headers, encoding, bodies, envelope
 * decoding, error mapping, retries and timeouts.
 */
class LeapApiWireTests {

    static final String PTK = "ptk_NjQ5MjYxMzYyNzYxNDY1NDU";
    static final String PAT = "pat_MTkzMDU5MTE4NzcyNDA0MjI3";
    static final String LEAP_TOKEN = "leap_token_MjE0NzQ4MzY0NzEyMzQ1Njc4";
    static final String PROJECT = "{\"id\":\"project_MTY1\",\"name\":\"my-app\",\"tier\":\"free\","
            + "\"created_at\":\"2023-01-05T12:00:00.000Z\",\"icon\":null,\"namespace\":\"my-app\",\"type\":\"regular\","
            + "\"default_quotas\":{\"vcpu\":2,\"ram\":2048,\"volume\":3000},\"quota_overrides\":{},"
            + "\"quota_usage\":{\"vcpu\":0,\"ram\":0,\"volume\":0}}";
    static final JsonMapper MAPPER = JsonMapper.shared();

    StubHttpServer stub;
    LeapApi api;

    @BeforeEach
    void start() throws IOException {
        stub = new StubHttpServer();
        api = client(PTK).build();
    }

    @AfterEach
    void stop() {
        stub.close();
    }

    LeapApi.Builder client(String credential) {
        return LeapApi.builder(credential)
                .baseUrl(stub.baseUrl())
                .requestTimeout(Duration.ofSeconds(10))
                .retryPolicy(RetryPolicy.exponential(3, Duration.ofMillis(1), Duration.ofMillis(5)));
    }

    static String channelJson(String id, String type, String state) {
        return "{\"id\":\"" + id + "\",\"project\":" + PROJECT + ",\"state\":" + state
                + ",\"capabilities\":0,\"created_at\":\"2023-10-02T15:46:13.323Z\",\"type\":\"" + type + "\"}";
    }

    static Reply ok(String key, String value) {
        return Reply.json(200, "{\"success\":true,\"data\":{\"" + key + "\":" + value + "}}");
    }

    static Reply error(int status, String code, String message) {
        return Reply.json(
                status, "{\"success\":false,\"error\":{\"code\":\"" + code + "\",\"message\":\"" + message + "\"}}");
    }

    static JsonNode json(StubHttpServer.Recorded r) {
        return MAPPER.readTree(r.body());
    }

    // ------------------------------------------------------------------------------------------- credentials

    @Test
    void refusesCredentialsOfUnknownKindWithoutEchoingThem() {
        for (String bad : List.of(
                "Bearer ptk_secret123",
                "sk_secret123",
                "secret123",
                "PTK_secret123",
                "leap_token_secret123",
                "ptk_",
                "ptk_sec ret123",
                "ptk_secret\r\n123")) {
            assertThatThrownBy(() -> LeapApi.builder(bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .message()
                    .doesNotContain("secret")
                    .doesNotContain("123");
        }
        assertThatThrownBy(() -> LeapApi.builder("leap_token_secret123")).hasMessageContaining("socket credential");
    }

    @Test
    void acceptsPtkPatAndBearerAndNeverShowsThemInToString() {
        for (String ok : List.of(PTK, PAT, "bearer_abc.def-ghi")) {
            LeapApi.Builder b = LeapApi.builder(ok).projectId("project_1");
            LeapApi built = b.build();
            assertThat(built.toString()).doesNotContain(ok).contains("***");
            assertThat(b.toString()).doesNotContain(ok);
        }
    }

    @Test
    void sendsRawAuthorizationAndJsonHeaders() {
        stub.enqueue(ok("channel", channelJson("c1", "public", "{}")));
        api.channels().get("c1");
        StubHttpServer.Recorded r = stub.last();
        assertThat(r.header("Authorization")).isEqualTo(PTK);
        assertThat(r.header("Accept")).isEqualTo("application/json");
        assertThat(r.header("Content-Type")).isNull();
        assertThat(r.body()).isEmpty();
        assertThat(r.rawQuery()).isNull();
    }

    // -------------------------------------------------------------------------------------------- base URL

    @Test
    void baseUrlIsTheOriginWithoutV1AndTrailingSlashesAreStripped() {
        assertThat(LeapApi.builder(PTK).build().baseUrl()).hasToString("https://api.hop.io");
        assertThat(LeapApi.builder(PTK)
                        .baseUrl("http://localhost:8080/")
                        .build()
                        .baseUrl())
                .hasToString("http://localhost:8080");
        assertThat(LeapApi.builder(PTK)
                        .baseUrl("https://proxy.example/hop//")
                        .build()
                        .baseUrl())
                .hasToString("https://proxy.example/hop");
        assertThatThrownBy(() -> LeapApi.builder(PTK).baseUrl("https://api.hop.io/v1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("without /v1");
        assertThatThrownBy(() -> LeapApi.builder(PTK).baseUrl("https://api.hop.io/v1/"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LeapApi.builder(PTK).baseUrl("api.hop.io"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LeapApi.builder(PTK).baseUrl("ws://api.hop.io"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LeapApi.builder(PTK).baseUrl("https://api.hop.io?x=1"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void pathPrefixOfBaseUrlIsKept() throws IOException {
        LeapApi prefixed = client(PTK).baseUrl(stub.baseUrl() + "/hop/").build();
        stub.enqueue(Reply.empty(204));
        prefixed.channels().delete("c1");
        assertThat(stub.last().rawPath()).isEqualTo("/hop/v1/channels/c1");
    }

    // ------------------------------------------------------------------------------------- project parameter

    @Test
    void projectParameterIsSentOnEveryRequestWhenConfigured() {
        LeapApi withProject = client(PAT).projectId("project_MTY1 x").build();
        stub.fallback(r -> r.method().equals("GET") && r.rawPath().equals("/v1/channels/tokens/" + LEAP_TOKEN)
                ? ok("token", "{\"id\":\"" + LEAP_TOKEN + "\",\"state\":{},\"project_id\":\"p\",\"is_online\":true}")
                : Reply.empty(204));
        withProject.channels().delete("c1");
        withProject.tokens().publishDirect(LEAP_TOKEN, "E", Map.of());
        assertThat(withProject.tokens().isOnline(LEAP_TOKEN)).isTrue();
        assertThat(stub.requests())
                .hasSize(3)
                .allSatisfy(r -> assertThat(r.rawQuery()).isEqualTo("project=project_MTY1%20x"));

        stub.enqueue(Reply.json(200, "{\"success\":true,\"data\":{\"channels\":[],\"total_count\":0}}"));
        withProject.channels().list(2, ChannelListOptions.defaults());
        assertThat(stub.last().rawQuery()).isEqualTo("project=project_MTY1%20x&page=2&orderBy=asc&sortBy=created_at");
    }

    @Test
    void patOrBearerWithoutProjectCannotCreateButCanUseTokenRoutes() {
        LeapApi pat = client(PAT).build();
        assertThatThrownBy(() -> pat.channels().create(ChannelType.PUBLIC, null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("project ID");
        assertThatThrownBy(() -> pat.channels().create("c", ChannelType.PUBLIC, null))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> pat.tokens().create()).isInstanceOf(IllegalStateException.class);
        assertThat(stub.requests()).isEmpty();
        stub.enqueue(Reply.empty(204));
        pat.tokens().delete(LEAP_TOKEN);
        assertThat(stub.last().rawQuery()).isNull();
    }

    // -------------------------------------------------------------------------------------------- encoding

    @Test
    void pathSegmentsArePercentEncoded() {
        stub.fallback(r -> Reply.empty(204));
        api.channels().delete("a b/c?d%e#f+g\u00e9");
        assertThat(stub.last().rawPath()).isEqualTo("/v1/channels/a%20b%2Fc%3Fd%25e%23f%2Bg%C3%A9");
        api.channels().subscribeToken("room 1", "leap_token_a/b");
        assertThat(stub.last().rawPath()).isEqualTo("/v1/channels/room%201/subscribers/leap_token_a%2Fb");
        api.channels().unsubscribeToken("..", LEAP_TOKEN);
        assertThat(stub.last().rawPath()).isEqualTo("/v1/channels/%2E%2E/subscribers/" + LEAP_TOKEN);
        api.tokens().publishDirect("x y", "E", null);
        assertThat(stub.last().rawPath()).isEqualTo("/v1/channels/tokens/x%20y/messages");
    }

    @Test
    void refusesInvalidIdsBeforeSending() {
        assertThatThrownBy(() -> api.channels().get("tokens")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> api.channels().get("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> api.channels().get(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> api.tokens().get("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> api.channels().publish("c", "", null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> api.channels().setState("c", List.of(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("JSON object");
        assertThatThrownBy(() -> api.channels().create(ChannelType.UNKNOWN, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(stub.requests()).isEmpty();
    }

    // ---------------------------------------------------------------------------------------- request bodies

    @Test
    void createChannelWithGeneratedAndGivenId() {
        stub.enqueue(Reply.json(
                201,
                "{\"success\":true,\"data\":{\"channel\":"
                        + channelJson("channel_X", "unprotected", "{\"name\":\"Group Chat\",\"n\":123}") + "}}"));
        LeapChannel created = api.channels().create(ChannelType.UNPROTECTED, Map.of("name", "Group Chat", "n", 123));
        StubHttpServer.Recorded post = stub.last();
        assertThat(post.method()).isEqualTo("POST");
        assertThat(post.rawPath()).isEqualTo("/v1/channels");
        assertThat(post.header("Content-Type")).isEqualTo("application/json");
        assertThat(json(post))
                .isEqualTo(MAPPER.readTree("{\"type\":\"unprotected\",\"state\":{\"name\":\"Group Chat\",\"n\":123}}"));
        assertThat(created.id()).isEqualTo("channel_X");
        assertThat(created.type()).isEqualTo(ChannelType.UNPROTECTED);
        assertThat(created.state().asMap()).containsEntry("name", "Group Chat").containsEntry("n", 123);
        assertThat(created.capabilities()).isZero();
        assertThat(created.createdAt()).hasToString("2023-10-02T15:46:13.323Z");
        assertThat(created.project().id()).isEqualTo("project_MTY1");
        assertThat(created.project().namespace()).isEqualTo("my-app");

        stub.enqueue(Reply.json(
                201, "{\"success\":true,\"data\":{\"channel\":" + channelJson("group_chat_1", "private", "{}") + "}}"));
        LeapChannel given = api.channels().create("group_chat_1", ChannelType.PRIVATE, null);
        StubHttpServer.Recorded put = stub.last();
        assertThat(put.method()).isEqualTo("PUT");
        assertThat(put.rawPath()).isEqualTo("/v1/channels/group_chat_1");
        assertThat(json(put)).isEqualTo(MAPPER.readTree("{\"type\":\"private\",\"state\":{}}"));
        assertThat(given.type()).isEqualTo(ChannelType.PRIVATE);
        assertThat(given.state().isEmpty()).isTrue();
    }

    record Round(String name, int round) {}

    @Test
    void stateRoutesSendTheStateUnwrapped() {
        stub.fallback(r -> Reply.empty(204));
        api.channels().setState("c", new Round("My Channel", 1));
        assertThat(stub.last().method()).isEqualTo("PUT");
        assertThat(stub.last().rawPath()).isEqualTo("/v1/channels/c/state");
        assertThat(json(stub.last())).isEqualTo(MAPPER.readTree("{\"name\":\"My Channel\",\"round\":1}"));

        api.channels().patchState("c", MAPPER.readTree("{\"name\":\"Renamed\",\"gone\":null}"));
        assertThat(stub.last().method()).isEqualTo("PATCH");
        assertThat(json(stub.last())).isEqualTo(MAPPER.readTree("{\"name\":\"Renamed\",\"gone\":null}"));

        stub.enqueue(ok("state", "{\"name\":\"My Channel\",\"round\":1}"));
        assertThat(api.channels().getState("c", Round.class)).isEqualTo(new Round("My Channel", 1));
        assertThat(stub.last().rawPath()).isEqualTo("/v1/channels/c/state");
    }

    @Test
    void messagesSendEventAndData() {
        stub.fallback(r -> Reply.empty(204));
        api.channels().publish("c", "MESSAGE_CREATE", Map.of("content", "Hello"));
        assertThat(stub.last().rawPath()).isEqualTo("/v1/channels/c/messages");
        assertThat(json(stub.last()))
                .isEqualTo(MAPPER.readTree("{\"e\":\"MESSAGE_CREATE\",\"d\":{\"content\":\"Hello\"}}"));
        api.channels().publish("c", "E", "world");
        assertThat(json(stub.last())).isEqualTo(MAPPER.readTree("{\"e\":\"E\",\"d\":\"world\"}"));
        api.tokens().publishDirect(LEAP_TOKEN, "E", null);
        assertThat(stub.last().rawPath()).isEqualTo("/v1/channels/tokens/" + LEAP_TOKEN + "/messages");
        assertThat(json(stub.last())).isEqualTo(MAPPER.readTree("{\"e\":\"E\",\"d\":null}"));
    }

    @Test
    void subscriberRoutesHaveNoBody() {
        stub.fallback(r -> Reply.empty(204));
        api.channels().subscribeToken("c", LEAP_TOKEN);
        assertThat(stub.last().method()).isEqualTo("PUT");
        assertThat(stub.last().body()).isEmpty();
        assertThat(stub.last().header("Content-Type")).isNull();
        api.channels().unsubscribeToken("c", LEAP_TOKEN);
        assertThat(stub.last().method()).isEqualTo("DELETE");
        assertThat(stub.last().rawPath()).isEqualTo("/v1/channels/c/subscribers/" + LEAP_TOKEN);
    }

    @Test
    void tokenRoutes() {
        String tokenJson = "{\"id\":\"" + LEAP_TOKEN + "\",\"state\":{\"user_id\":\"42\"},\"project_id\":\"project_1\","
                + "\"is_online\":false}";
        stub.enqueue(Reply.json(201, "{\"success\":true,\"data\":{\"token\":" + tokenJson + "}}"));
        LeapToken token = api.tokens().create(Map.of("user_id", "42"));
        assertThat(stub.last().method()).isEqualTo("POST");
        assertThat(stub.last().rawPath()).isEqualTo("/v1/channels/tokens");
        assertThat(json(stub.last())).isEqualTo(MAPPER.readTree("{\"state\":{\"user_id\":\"42\"}}"));
        assertThat(token.id()).isEqualTo(LEAP_TOKEN);
        assertThat(token.projectId()).isEqualTo("project_1");
        assertThat(token.state().asMap()).isEqualTo(Map.of("user_id", "42"));
        assertThat(token.toString()).doesNotContain(LEAP_TOKEN).contains("leap_token_***");

        stub.enqueue(Reply.json(201, "{\"success\":true,\"data\":{\"token\":" + tokenJson + "}}"));
        api.tokens().create();
        assertThat(json(stub.last())).isEqualTo(MAPPER.readTree("{\"state\":{}}"));

        stub.enqueue(ok("token", tokenJson.replace("\"42\"}", "\"42\",\"plan\":\"pro\"}")));
        LeapToken updated = api.tokens().setState(LEAP_TOKEN, Map.of("user_id", "42", "plan", "pro"));
        assertThat(stub.last().method()).isEqualTo("PATCH");
        assertThat(stub.last().rawPath()).isEqualTo("/v1/channels/tokens/" + LEAP_TOKEN);
        assertThat(json(stub.last()).get("state").get("plan").stringValue()).isEqualTo("pro");
        assertThat(updated.state().get("plan").stringValue()).isEqualTo("pro");

        stub.enqueue(ok("tokens", "[" + tokenJson + "]"));
        assertThat(api.tokens().list()).extracting(LeapToken::id).containsExactly(LEAP_TOKEN);
        assertThat(stub.last().rawPath()).isEqualTo("/v1/channels/tokens");

        stub.enqueue(ok("tokens", "[" + tokenJson + "]"));
        assertThat(api.channels().listTokens("c")).hasSize(1);
        assertThat(stub.last().rawPath()).isEqualTo("/v1/channels/c/tokens");

        stub.enqueue(ok("token", tokenJson));
        assertThat(api.tokens().isOnline(LEAP_TOKEN)).isFalse();
        stub.enqueue(Reply.empty(204));
        api.tokens().delete(LEAP_TOKEN);
        assertThat(stub.last().method()).isEqualTo("DELETE");
    }

    @Test
    void statsAndFind() {
        stub.enqueue(ok("stats", "{\"online_count\":3}"));
        assertThat(api.channels().getStats("c")).isEqualTo(new ChannelStats(3));
        assertThat(stub.last().rawPath()).isEqualTo("/v1/channels/c/stats");
        stub.enqueue(error(404, "not_found", "Channel c does not exist"));
        assertThat(api.channels().find("c")).isEmpty();
        stub.enqueue(ok("channel", channelJson("c", "public", "{}")));
        assertThat(api.channels().find("c")).map(LeapChannel::id).contains("c");
        stub.enqueue(error(401, "invalid_auth", "nope"));
        assertThatThrownBy(() -> api.channels().find("c")).isInstanceOf(LeapApiException.class);
    }

    @Test
    void noContentRoutesAccept204And200WithEmptyData() {
        stub.enqueue(Reply.empty(204), Reply.json(200, "{\"success\":true,\"data\":{}}"), Reply.empty(200));
        api.channels().delete("a");
        api.channels().delete("b");
        api.channels().delete("c");
        assertThat(stub.requests()).hasSize(3);
    }

    @Test
    void unknownChannelTypeAndMissingFieldsAreTolerated() {
        stub.enqueue(ok("channel", "{\"id\":\"c\",\"type\":\"ephemeral\"}"));
        LeapChannel c = api.channels().get("c");
        assertThat(c.type()).isEqualTo(ChannelType.UNKNOWN);
        assertThat(c.state().isEmpty()).isTrue();
        assertThat(c.project()).isNull();
        assertThat(c.createdAt()).isNull();
    }

    @Test
    void responseWithoutTheNamedKeyIsAnInvalidResponse() {
        stub.enqueue(Reply.json(200, "{\"success\":true,\"data\":{}}"), Reply.json(200, "not json"));
        LeapApiException e = catchThrowableOfType(() -> api.channels().get("c"), LeapApiException.class);
        assertThat(e.errorCode()).isEqualTo(LeapApiException.INVALID_RESPONSE);
        assertThat(e.statusCode()).isEqualTo(200);
        e = catchThrowableOfType(() -> api.channels().getStats("c"), LeapApiException.class);
        assertThat(e.errorCode()).isEqualTo(LeapApiException.INVALID_RESPONSE);
    }

    // ------------------------------------------------------------------------------------------- pagination

    @Test
    void pagesStopOnceTotalCountIsRead() {
        List<String> ids = List.of("a", "b", "c", "d", "e");
        stub.fallback(r -> {
            int page = Integer.parseInt(query(r).get("page"));
            int limit = Integer.parseInt(query(r).get("limit"));
            List<String> slice =
                    ids.subList(Math.min(ids.size(), (page - 1) * limit), Math.min(ids.size(), page * limit));
            return Reply.json(
                    200,
                    "{\"success\":true,\"data\":{\"channels\":["
                            + slice.stream()
                                    .map(id -> channelJson(id, "public", "{}"))
                                    .collect(Collectors.joining(","))
                            + "],\"total_count\":" + ids.size() + "}}");
        });
        ChannelListOptions options = ChannelListOptions.defaults().withPageSize(2);
        List<ChannelPage> pages = api.channels().streamPages(options).toList();
        assertThat(pages).extracting(ChannelPage::page).containsExactly(1, 2, 3);
        assertThat(pages.get(0).totalCount()).isEqualTo(5);
        assertThat(stub.requests()).hasSize(3);
        assertThat(query(stub.requests().get(0)))
                .containsEntry("page", "1")
                .containsEntry("orderBy", "asc")
                .containsEntry("sortBy", "created_at")
                .containsEntry("limit", "2");
        assertThat(api.channels().stream(options.withSortBy(ChannelListOptions.SortBy.ID)
                                .withOrder(ChannelListOptions.Order.DESC))
                        .map(LeapChannel::id))
                .containsExactlyElementsOf(ids);
        assertThat(query(stub.last())).containsEntry("sortBy", "id").containsEntry("orderBy", "desc");
    }

    @Test
    void pagesWithoutTotalCountStopAtTheFirstEmptyPage() {
        stub.enqueue(
                ok("channels", "[" + channelJson("a", "public", "{}") + "]"),
                ok("channels", "[" + channelJson("b", "public", "{}") + "]"),
                ok("channels", "[]"));
        Iterator<ChannelPage> it = api.channels().pages(ChannelListOptions.defaults());
        List<String> seen = new ArrayList<>();
        while (it.hasNext()) {
            seen.addAll(it.next().channels().stream().map(LeapChannel::id).toList());
        }
        assertThat(seen).containsExactly("a", "b");
        assertThat(stub.requests()).hasSize(3);
        assertThat(query(stub.last())).doesNotContainKey("limit");
        assertThat(it.hasNext()).isFalse();
        assertThat(stub.requests()).hasSize(3);
    }

    @Test
    void listAllSendsNoPagingParameters() {
        stub.enqueue(Reply.json(
                200,
                "{\"success\":true,\"data\":{\"channels\":[" + channelJson("a", "public", "{}")
                        + "],\"total_count\":1}}"));
        assertThat(api.channels().list()).extracting(LeapChannel::id).containsExactly("a");
        assertThat(stub.last().rawQuery()).isNull();
    }

    static Map<String, String> query(StubHttpServer.Recorded r) {
        Map<String, String> out = new java.util.HashMap<>();
        if (r.rawQuery() != null) {
            for (String pair : r.rawQuery().split("&")) {
                String[] kv = pair.split("=", 2);
                out.put(kv[0], kv.length > 1 ? kv[1] : "");
            }
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------------ errors

    @Test
    void errorsCarryStatusCodeAndMessageButNoSecrets() {
        stub.enqueue(error(404, "not_found", "Token " + LEAP_TOKEN + " does not exist; auth was " + PTK));
        LeapApiException e = catchThrowableOfType(() -> api.tokens().get(LEAP_TOKEN), LeapApiException.class);
        assertThat(e.statusCode()).isEqualTo(404);
        assertThat(e.errorCode()).isEqualTo("not_found");
        assertThat(e.isNotFound()).isTrue();
        assertThat(e.operation()).isEqualTo("GET /v1/channels/tokens/{token}");
        assertThat(e.errorMessage())
                .contains("does not exist")
                .doesNotContain(LEAP_TOKEN)
                .doesNotContain(PTK);
        assertThat(e.getMessage())
                .doesNotContain(LEAP_TOKEN)
                .doesNotContain(PTK.substring(4))
                .contains("HTTP 404", "not_found");
        assertThat(e.attempts()).isEqualTo(1);
        // the blocking call rethrows with the caller's stack; the original is the cause
        assertThat(e.getStackTrace()[0].getClassName()).startsWith("io.leap.client.rest");
        assertThat(e.getCause()).isInstanceOf(LeapApiException.class);
    }

    @Test
    void nonJsonErrorBodyIsReportedWithoutCode() {
        stub.enqueue(new Reply(500, "<html>oops " + LEAP_TOKEN + "</html>", Map.of("Content-Type", "text/html")));
        LeapApiException e = catchThrowableOfType(() -> api.channels().get("c"), LeapApiException.class);
        assertThat(e.statusCode()).isEqualTo(500);
        assertThat(e.errorCode()).isNull();
        assertThat(e.errorMessage()).contains("oops").doesNotContain(LEAP_TOKEN);
        assertThat(stub.requests()).hasSize(1); // 500 is not retried
    }

    @Test
    void conflictAndUnauthorizedHelpers() {
        stub.enqueue(error(409, "conflict", "exists"), error(401, "invalid_auth", "bad"));
        assertThat(catchThrowableOfType(
                                () -> api.channels().create("c", ChannelType.PUBLIC, null), LeapApiException.class)
                        .isConflict())
                .isTrue();
        assertThat(catchThrowableOfType(() -> api.channels().get("c"), LeapApiException.class)
                        .isUnauthorized())
                .isTrue();
    }

    // ------------------------------------------------------------------------------------------------ retries

    @Test
    void idempotentCallsAreRetriedOnRetryableStatuses() {
        stub.enqueue(
                error(503, "unavailable", "x"),
                Reply.empty(429),
                Reply.empty(502),
                ok("channel", channelJson("c", "public", "{}")));
        assertThat(api.channels().get("c").id()).isEqualTo("c");
        assertThat(stub.requests()).hasSize(4);

        stub.enqueue(Reply.empty(504), Reply.empty(204));
        api.channels().setState("c", Map.of("a", 1));
        assertThat(stub.requests()).hasSize(6);
        assertThat(stub.requests().get(4).bodyText())
                .isEqualTo(stub.requests().get(5).bodyText());

        stub.enqueue(Reply.empty(503), Reply.empty(204));
        api.channels().delete("c");
        assertThat(stub.requests()).hasSize(8);

        stub.enqueue(Reply.empty(503), Reply.empty(204));
        api.channels().subscribeToken("c", LEAP_TOKEN);
        assertThat(stub.requests()).hasSize(10);
    }

    @Test
    void retriesStopAfterMaxRetries() {
        stub.fallback(r -> Reply.empty(503));
        LeapApiException e = catchThrowableOfType(() -> api.channels().get("c"), LeapApiException.class);
        assertThat(e.statusCode()).isEqualTo(503);
        assertThat(e.attempts()).isEqualTo(4);
        assertThat(stub.requests()).hasSize(4);
        assertThat(e.getMessage()).contains("after 4 attempts");
    }

    @Test
    void nonIdempotentCallsAreNeverRetriedAfterAResponse() {
        stub.fallback(r -> Reply.empty(503));
        assertThatThrownBy(() -> api.channels().publish("c", "E", 1)).isInstanceOf(LeapApiException.class);
        assertThat(stub.requests()).hasSize(1);
        assertThatThrownBy(() -> api.channels().patchState("c", Map.of())).isInstanceOf(LeapApiException.class);
        assertThat(stub.requests()).hasSize(2);
        assertThatThrownBy(() -> api.channels().create(ChannelType.PUBLIC, null))
                .isInstanceOf(LeapApiException.class);
        assertThat(stub.requests()).hasSize(3);
        assertThatThrownBy(() -> api.tokens().setState(LEAP_TOKEN, Map.of())).isInstanceOf(LeapApiException.class);
        assertThatThrownBy(() -> api.tokens().publishDirect(LEAP_TOKEN, "E", 1)).isInstanceOf(LeapApiException.class);
        assertThatThrownBy(() -> api.tokens().create()).isInstanceOf(LeapApiException.class);
        assertThat(stub.requests()).hasSize(6);
    }

    @Test
    void otherStatusesAreNotRetried() {
        stub.fallback(r -> error(400, "invalid_request", "bad"));
        assertThatThrownBy(() -> api.channels().get("c")).isInstanceOf(LeapApiException.class);
        stub.fallback(r -> error(500, "internal_error", "boom"));
        assertThatThrownBy(() -> api.channels().delete("c")).isInstanceOf(LeapApiException.class);
        stub.fallback(r -> error(404, "not_found", "nope"));
        assertThatThrownBy(() -> api.channels().subscribeToken("c", LEAP_TOKEN)).isInstanceOf(LeapApiException.class);
        assertThat(stub.requests()).hasSize(3);
    }

    @Test
    void retryAfterIsHonoured() {
        LeapApi slowBackoffButRetryAfter = client(PTK)
                .retryPolicy(RetryPolicy.exponential(1, Duration.ofMillis(1), Duration.ofMillis(1)))
                .build();
        stub.enqueue(Reply.empty(429).withHeader("Retry-After", "1"), Reply.empty(204));
        slowBackoffButRetryAfter.channels().delete("c");
        List<StubHttpServer.Recorded> reqs = stub.requests();
        assertThat(reqs).hasSize(2);
        // the second attempt waited for Retry-After (1 s) instead of the 1 ms backoff
        assertThat(reqs.get(1).nanoTime() - reqs.get(0).nanoTime())
                .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(950));
    }

    @Test
    void retryAfterAboveTheBoundEndsRetries() {
        stub.fallback(r -> Reply.empty(503).withHeader("Retry-After", "120"));
        LeapApiException e = catchThrowableOfType(() -> api.channels().get("c"), LeapApiException.class);
        assertThat(stub.requests()).hasSize(1);
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(120));
    }

    @Test
    void connectionRefusedIsRetriedForEveryMethod() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        LeapApi dead = LeapApi.builder(PTK)
                .baseUrl("http://127.0.0.1:" + port)
                .retryPolicy(RetryPolicy.exponential(2, Duration.ofMillis(1), Duration.ofMillis(2)))
                .build();
        LeapApiException get = catchThrowableOfType(() -> dead.channels().get("c"), LeapApiException.class);
        assertThat(get.errorCode()).isEqualTo(LeapApiException.CONNECTION_FAILED);
        assertThat(get.statusCode()).isZero();
        assertThat(get.hasResponse()).isFalse();
        assertThat(get.attempts()).isEqualTo(3);
        // the request cannot have reached a server, so even POST is retried
        LeapApiException post =
                catchThrowableOfType(() -> dead.channels().publish("c", "E", 1), LeapApiException.class);
        assertThat(post.attempts()).isEqualTo(3);
    }

    @Test
    void brokenConnectionAfterSendingIsRetriedOnlyForIdempotentCalls() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            AtomicInteger accepted = new AtomicInteger();
            Thread acceptor = new Thread(
                    () -> {
                        while (!server.isClosed()) {
                            try (Socket s = server.accept()) {
                                accepted.incrementAndGet();
                                readHead(s.getInputStream());
                                // close without answering
                            } catch (IOException e) {
                                return;
                            }
                        }
                    },
                    "closing-acceptor");
            acceptor.setDaemon(true);
            acceptor.start();
            LeapApi api2 = LeapApi.builder(PTK)
                    .baseUrl("http://127.0.0.1:" + server.getLocalPort())
                    .httpClient(java.net.http.HttpClient.newBuilder()
                            .version(java.net.http.HttpClient.Version.HTTP_1_1)
                            .build())
                    .retryPolicy(RetryPolicy.exponential(2, Duration.ofMillis(1), Duration.ofMillis(2)))
                    .build();
            LeapApiException post =
                    catchThrowableOfType(() -> api2.channels().publish("c", "E", 1), LeapApiException.class);
            assertThat(post.errorCode()).isEqualTo(LeapApiException.CONNECTION_FAILED);
            assertThat(post.attempts()).isEqualTo(1);
            assertThat(accepted.get()).isEqualTo(1);
            LeapApiException get = catchThrowableOfType(() -> api2.channels().get("c"), LeapApiException.class);
            assertThat(get.attempts()).isEqualTo(3);
            // the JDK HttpClient itself re-sends an idempotent request once when a connection breaks, so each of
            // our 3 attempts may have used 1 or 2 connections
            assertThat(accepted.get() - 1).isBetween(3, 6);
        }
    }

    private static void readHead(InputStream in) throws IOException {
        int state = 0;
        int b;
        while ((b = in.read()) != -1) {
            state = (b == '\r' && (state == 0 || state == 2))
                    ? state + 1
                    : (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
            if (state == 4) {
                return;
            }
        }
    }

    @Test
    void timeoutIsReportedAndNotRetried() {
        CountDownLatch release = new CountDownLatch(1);
        stub.fallback(r -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        });
        LeapApi impatient = client(PTK).requestTimeout(Duration.ofMillis(300)).build();
        try {
            LeapApiException e = catchThrowableOfType(() -> impatient.channels().get("c"), LeapApiException.class);
            assertThat(e.errorCode()).isEqualTo(LeapApiException.TIMEOUT);
            assertThat(e.attempts()).isEqualTo(1);
            assertThat(stub.requests()).hasSize(1);
        } finally {
            release.countDown();
        }
    }

    // -------------------------------------------------------------------------------------------------- async

    @Test
    void asyncVariantsCompleteWithResultsAndExceptions() throws Exception {
        stub.enqueue(ok("stats", "{\"online_count\":7}"), error(404, "not_found", "no"));
        CompletableFuture<ChannelStats> ok = api.channels().getStatsAsync("c");
        assertThat(ok.get(10, TimeUnit.SECONDS).onlineCount()).isEqualTo(7);
        CompletableFuture<Void> failed = api.channels().deleteAsync("c");
        ExecutionException e = catchThrowableOfType(() -> failed.get(10, TimeUnit.SECONDS), ExecutionException.class);
        assertThat(e.getCause()).isInstanceOf(LeapApiException.class);
        assertThat(((LeapApiException) e.getCause()).statusCode()).isEqualTo(404);
    }

    @Test
    void cancellingAnAsyncCallStopsPendingRetries() throws Exception {
        LeapApi slow = client(PTK)
                .retryPolicy(RetryPolicy.exponential(5, Duration.ofSeconds(2), Duration.ofSeconds(2)))
                .build();
        CountDownLatch first = new CountDownLatch(1);
        stub.fallback(r -> {
            first.countDown();
            return Reply.empty(503).withHeader("Retry-After", "1");
        });
        CompletableFuture<LeapChannel> f = slow.channels().getAsync("c");
        assertThat(first.await(10, TimeUnit.SECONDS)).isTrue();
        f.cancel(true);
        // a non-cancelled call would retry after 1 s; wait for an unrelated request sent later to be served
        CompletableFuture<Void> probe = new CompletableFuture<>();
        CompletableFuture.delayedExecutor(1500, TimeUnit.MILLISECONDS).execute(() -> probe.complete(null));
        probe.get(10, TimeUnit.SECONDS);
        assertThat(stub.requests()).hasSize(1);
    }

    @Test
    void interruptedBlockingCallFailsAndKeepsTheFlag() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch arrived = new CountDownLatch(1);
        stub.fallback(r -> {
            arrived.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Reply.empty(204);
        });
        CompletableFuture<Object[]> outcome = new CompletableFuture<>();
        Thread caller = new Thread(() -> {
            try {
                api.channels().delete("c");
                outcome.complete(new Object[] {null, false});
            } catch (LeapApiException e) {
                outcome.complete(new Object[] {e, Thread.currentThread().isInterrupted()});
            }
        });
        caller.start();
        try {
            assertThat(arrived.await(10, TimeUnit.SECONDS)).isTrue();
            caller.interrupt();
            Object[] result = outcome.get(10, TimeUnit.SECONDS);
            assertThat(((LeapApiException) result[0]).errorCode()).isEqualTo(LeapApiException.INTERRUPTED);
            assertThat((Boolean) result[1]).isTrue();
        } finally {
            release.countDown();
        }
    }
}
