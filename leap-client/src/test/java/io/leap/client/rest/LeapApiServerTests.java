package io.leap.client.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.leap.client.ChannelType;
import io.leap.server.LeapServer;
import io.leap.server.Permission;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@link LeapApi} against the embedded {@link LeapServer}: every endpoint's happy path and error cases, retries on
 * injected failures, and the socket events each REST call causes (protocol spec §12), observed with a raw JDK
 * WebSocket ({@link RawLeapSocket}).
 */
class LeapApiServerTests {

    static final String PTK = "ptk_full_" + UUID.randomUUID().toString().replace("-", "");
    static final String READ_ONLY_PTK =
            "ptk_read_" + UUID.randomUUID().toString().replace("-", "");
    static final String PAT = "pat_" + UUID.randomUUID().toString().replace("-", "");
    static final JsonMapper MAPPER = JsonMapper.shared();

    static LeapServer server;
    static LeapApi api;

    @BeforeAll
    static void startServer() {
        server = LeapServer.builder()
                .projectToken(PTK)
                .projectToken(READ_ONLY_PTK, EnumSet.of(Permission.READ_CHANNELS, Permission.READ_LEAP_TOKENS))
                .personalAccessToken(PAT)
                .build()
                .start();
        api = client(PTK).build();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @AfterEach
    void resetFaults() {
        server.failNextRequests(0, 503);
        server.restResponseDelay(Duration.ZERO);
    }

    static LeapApi.Builder client(String credential) {
        return LeapApi.builder(credential)
                .baseUrl(server.apiUrl())
                .retryPolicy(RetryPolicy.exponential(3, Duration.ofMillis(5), Duration.ofMillis(20)));
    }

    static String uniqueId(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
    }

    static JsonNode json(String text) {
        return MAPPER.readTree(text);
    }

    static LeapApiException failure(Executable call) {
        return catchThrowableOfType(call::execute, LeapApiException.class);
    }

    static void assertStatus(Executable call, int status, String code) {
        LeapApiException e = failure(call);
        assertThat(e).as("expected HTTP %d %s", status, code).isNotNull();
        assertThat(e.statusCode()).isEqualTo(status);
        assertThat(e.errorCode()).isEqualTo(code);
    }

    // ------------------------------------------------------------------------------------------- channels

    @Test
    void channelLifecycle() {
        LeapChannel generated = api.channels().create(ChannelType.PUBLIC, Map.of("name", "Group Chat", "n", 123));
        assertThat(generated.id()).startsWith("channel_");
        assertThat(generated.type()).isEqualTo(ChannelType.PUBLIC);
        assertThat(generated.state().asMap()).isEqualTo(Map.of("name", "Group Chat", "n", 123));
        assertThat(generated.project().id()).isEqualTo(server.projectId());
        assertThat(generated.createdAt()).isNotNull();

        String id = uniqueId("chat");
        LeapChannel given = api.channels().create(id, ChannelType.PRIVATE, null);
        assertThat(given.id()).isEqualTo(id);
        assertThat(given.type()).isEqualTo(ChannelType.PRIVATE);
        assertThat(given.state().isEmpty()).isTrue();

        assertThat(api.channels().get(id)).isEqualTo(given);
        assertThat(api.channels().find(id)).contains(given);
        assertThat(api.channels().list()).extracting(LeapChannel::id).contains(id, generated.id());

        api.channels().setState(id, Map.of("name", "My Channel", "nested", Map.of("a", 1, "b", 2)));
        assertThat(api.channels().getState(id).json())
                .isEqualTo(json("{\"name\":\"My Channel\",\"nested\":{\"a\":1,\"b\":2}}"));
        Map<String, Object> patch = new LinkedHashMap<>();
        patch.put("nested", Map.of("c", 3));
        patch.put("gone", null);
        api.channels().patchState(id, patch);
        assertThat(api.channels().getState(id).json())
                .isEqualTo(json("{\"name\":\"My Channel\",\"nested\":{\"c\":3},\"gone\":null}"));
        assertThat(api.channels().get(id).state().get("nested")).isEqualTo(json("{\"c\":3}"));

        assertThat(api.channels().getStats(id)).isEqualTo(new ChannelStats(0));
        api.channels().publish(id, "NOBODY_LISTENS", Map.of("x", 1));

        api.channels().delete(id);
        assertStatus(() -> api.channels().get(id), 404, "not_found");
        assertThat(api.channels().find(id)).isEmpty();
        api.channels().delete(generated.id());
    }

    @Test
    void creatingAnExistingChannelIdConflictsAndChangesNothing() {
        String id = uniqueId("dup");
        api.channels().create(id, ChannelType.UNPROTECTED, Map.of("v", 1));
        LeapApiException e = failure(() -> api.channels().create(id, ChannelType.PRIVATE, Map.of("v", 2)));
        assertThat(e.statusCode()).isEqualTo(409);
        assertThat(e.errorCode()).isEqualTo("conflict");
        assertThat(e.isConflict()).isTrue();
        assertThat(e.attempts()).isEqualTo(1);
        LeapChannel unchanged = api.channels().get(id);
        assertThat(unchanged.type()).isEqualTo(ChannelType.UNPROTECTED);
        assertThat(unchanged.state().asMap()).isEqualTo(Map.of("v", 1));
    }

    @Test
    void idsAreEncodedAndRoundTrip() {
        String id = "room 1 \u00fc?&%#+=;" + UUID.randomUUID().toString().substring(0, 4);
        LeapChannel c = api.channels().create(id, ChannelType.PUBLIC, null);
        assertThat(c.id()).isEqualTo(id);
        assertThat(api.channels().get(id).id()).isEqualTo(id);
        api.channels().setState(id, Map.of("ok", true));
        assertThat(api.channels().getState(id).asMap()).isEqualTo(Map.of("ok", true));
        api.channels().delete(id);
        assertStatus(() -> api.channels().get(id), 404, "not_found");
    }

    @Test
    void unknownChannelGives404OnEveryChannelRoute() {
        String missing = uniqueId("missing");
        String token = api.tokens().create().id();
        List<Executable> calls = List.of(
                () -> api.channels().get(missing),
                () -> api.channels().delete(missing),
                () -> api.channels().getState(missing),
                () -> api.channels().setState(missing, Map.of()),
                () -> api.channels().patchState(missing, Map.of()),
                () -> api.channels().publish(missing, "E", null),
                () -> api.channels().subscribeToken(missing, token),
                () -> api.channels().unsubscribeToken(missing, token),
                () -> api.channels().listTokens(missing),
                () -> api.channels().getStats(missing));
        for (Executable call : calls) {
            LeapApiException e = failure(call);
            assertThat(e).isNotNull();
            assertThat(e.isNotFound()).as(e.getMessage()).isTrue();
            assertThat(e.errorCode()).isEqualTo("not_found");
            assertThat(e.attempts()).isEqualTo(1);
        }
    }

    @Test
    void invalidInputGives400() {
        String id = uniqueId("bad");
        api.channels().create(id, ChannelType.PUBLIC, null);
        String token = api.tokens().create().id();
        assertStatus(() -> api.channels().create("x".repeat(129), ChannelType.PUBLIC, null), 400, "invalid_request");
        assertStatus(() -> api.channels().create("tab\there", ChannelType.PUBLIC, null), 400, "invalid_request");
        assertStatus(() -> api.channels().publish(id, "E".repeat(257), null), 400, "invalid_request");
        assertStatus(() -> api.tokens().publishDirect(token, "E".repeat(257), null), 400, "invalid_request");
        // the longest event name is accepted
        api.channels().publish(id, "E".repeat(256), null);
    }

    @Test
    void invalidCredentialGives401WithoutLeakingIt() {
        String unknown = "ptk_unknown_" + UUID.randomUUID().toString().replace("-", "");
        LeapApi stranger = client(unknown).build();
        LeapApiException e = failure(() -> stranger.channels().list());
        assertThat(e.statusCode()).isEqualTo(401);
        assertThat(e.errorCode()).isEqualTo("invalid_auth");
        assertThat(e.isUnauthorized()).isTrue();
        assertThat(e.getMessage()).doesNotContain(unknown).doesNotContain(unknown.substring(4));
        assertThat(String.valueOf(e.errorMessage())).doesNotContain(unknown.substring(4));
        assertThat(e.attempts()).isEqualTo(1);
    }

    @Test
    void missingPermissionGives403() {
        LeapApi readOnly = client(READ_ONLY_PTK).build();
        assertStatus(() -> readOnly.channels().create(ChannelType.PUBLIC, null), 403, "forbidden");
        assertStatus(() -> readOnly.tokens().create(), 403, "forbidden");
        assertThatCode(() -> readOnly.channels().list())
                .as("a read-only token may list channels")
                .doesNotThrowAnyException();
    }

    @Test
    void personalAccessTokenUsesTheProjectParameter() {
        LeapApi pat = client(PAT).projectId(server.projectId()).build();
        LeapChannel c = pat.channels().create(ChannelType.PUBLIC, null);
        assertThat(pat.channels().get(c.id()).id()).isEqualTo(c.id());
        LeapToken t = pat.tokens().create(Map.of("via", "pat"));
        assertThat(t.projectId()).isEqualTo(server.projectId());

        LeapApi patWithoutProject = client(PAT).build();
        assertStatus(() -> patWithoutProject.channels().get(c.id()), 400, "missing_project");
        // token routes infer the project from the token
        assertThat(patWithoutProject.tokens().get(t.id()).state().asMap()).isEqualTo(Map.of("via", "pat"));

        LeapApi patOtherProject = client(PAT).projectId("project_other").build();
        assertStatus(() -> patOtherProject.channels().get(c.id()), 403, "forbidden");
        LeapApi ptkOtherProject = client(PTK).projectId("project_other").build();
        assertStatus(() -> ptkOtherProject.channels().get(c.id()), 403, "forbidden");
    }

    @Test
    void pagingFollowsTotalCount() {
        try (LeapServer own = LeapServer.builder().projectToken(PTK).build().start()) {
            LeapApi ownApi = LeapApi.builder(PTK).baseUrl(own.apiUrl()).build();
            List<String> ids = List.of("a1", "a2", "a3", "a4", "a5");
            for (String id : ids) {
                ownApi.channels().create(id, ChannelType.PUBLIC, null);
            }
            ChannelListOptions byId =
                    ChannelListOptions.defaults().withPageSize(2).withSortBy(ChannelListOptions.SortBy.ID);
            long before = own.restRequestCount();
            List<ChannelPage> pages = ownApi.channels().streamPages(byId).toList();
            assertThat(pages).extracting(p -> p.channels().size()).containsExactly(2, 2, 1);
            assertThat(pages).allSatisfy(p -> assertThat(p.totalCount()).isEqualTo(5));
            assertThat(own.restRequestCount() - before).isEqualTo(3);
            assertThat(ownApi.channels().stream(byId).map(LeapChannel::id)).containsExactlyElementsOf(ids);
            assertThat(ownApi.channels().stream(byId.withOrder(ChannelListOptions.Order.DESC))
                            .map(LeapChannel::id))
                    .containsExactly("a5", "a4", "a3", "a2", "a1");
            assertThat(ownApi.channels().stream(ChannelListOptions.defaults()).map(LeapChannel::id))
                    .containsExactlyElementsOf(ids);
            assertThat(ownApi.channels().list(4, byId).isEmpty()).isTrue();
            assertThat(ownApi.channels().list()).hasSize(5);
        }
    }

    // ------------------------------------------------------------------------------------------------ tokens

    @Test
    void tokenLifecycle() {
        LeapToken token = api.tokens().create(Map.of("user_id", "42"));
        assertThat(token.id()).startsWith("leap_token_");
        assertThat(token.state().asMap()).isEqualTo(Map.of("user_id", "42"));
        assertThat(token.projectId()).isEqualTo(server.projectId());
        assertThat(token.online()).isFalse();
        assertThat(token.toString()).doesNotContain(token.id());

        assertThat(api.tokens().get(token.id())).isEqualTo(token);
        assertThat(api.tokens().list()).extracting(LeapToken::id).contains(token.id());
        assertThat(api.tokens().isOnline(token.id())).isFalse();

        LeapToken updated = api.tokens().setState(token.id(), Map.of("plan", "pro"));
        assertThat(updated.state().asMap()).isEqualTo(Map.of("plan", "pro")); // replaced whole
        assertThat(api.tokens().get(token.id()).state()).isEqualTo(updated.state());

        api.tokens().publishDirect(token.id(), "OFFLINE", Map.of()); // 204 even if offline

        String channel = uniqueId("subs");
        api.channels().create(channel, ChannelType.PRIVATE, null);
        api.channels().subscribeToken(channel, token.id());
        api.channels().subscribeToken(channel, token.id()); // idempotent
        assertThat(api.channels().listTokens(channel)).extracting(LeapToken::id).containsExactly(token.id());
        api.channels().unsubscribeToken(channel, token.id());
        api.channels().unsubscribeToken(channel, token.id()); // idempotent
        assertThat(api.channels().listTokens(channel)).isEmpty();

        api.tokens().delete(token.id());
        LeapApiException gone = failure(() -> api.tokens().get(token.id()));
        assertThat(gone.isNotFound()).isTrue();
        assertThat(gone.getMessage()).doesNotContain(token.id());
    }

    @Test
    void unknownTokenGives404OnEveryTokenRoute() {
        String missing = "leap_token_missing" + UUID.randomUUID().toString().replace("-", "");
        String channel = uniqueId("c");
        api.channels().create(channel, ChannelType.PUBLIC, null);
        List<Executable> calls = List.of(
                () -> api.tokens().get(missing),
                () -> api.tokens().isOnline(missing),
                () -> api.tokens().delete(missing),
                () -> api.tokens().setState(missing, Map.of()),
                () -> api.tokens().publishDirect(missing, "E", null),
                () -> api.channels().subscribeToken(channel, missing),
                () -> api.channels().unsubscribeToken(channel, missing));
        for (Executable call : calls) {
            LeapApiException e = failure(call);
            assertThat(e).isNotNull();
            assertThat(e.statusCode()).as(e.getMessage()).isEqualTo(404);
            assertThat(e.getMessage()).doesNotContain(missing);
            assertThat(String.valueOf(e.errorMessage())).doesNotContain(missing);
        }
    }

    @Test
    void asyncVariantsWork() throws Exception {
        String id = uniqueId("async");
        LeapChannel c = api.channels()
                .createAsync(id, ChannelType.PUBLIC, Map.of("a", 1))
                .get(10, TimeUnit.SECONDS);
        assertThat(c.id()).isEqualTo(id);
        api.channels().patchStateAsync(id, Map.of("b", 2)).get(10, TimeUnit.SECONDS);
        assertThat(api.channels().getStateAsync(id).get(10, TimeUnit.SECONDS).asMap())
                .isEqualTo(Map.of("a", 1, "b", 2));
        LeapToken t = api.tokens().createAsync(null).get(10, TimeUnit.SECONDS);
        api.channels().subscribeTokenAsync(id, t.id()).get(10, TimeUnit.SECONDS);
        assertThat(api.channels().listTokensAsync(id).get(10, TimeUnit.SECONDS)).hasSize(1);
        assertThat(api.tokens().isOnlineAsync(t.id()).get(10, TimeUnit.SECONDS)).isFalse();
        assertThat(api.channels().findAsync(uniqueId("none")).get(10, TimeUnit.SECONDS))
                .isEmpty();
        api.channels().deleteAsync(id).get(10, TimeUnit.SECONDS);
        api.tokens().deleteAsync(t.id()).get(10, TimeUnit.SECONDS);
    }

    // ----------------------------------------------------------------------------------------- retries, faults

    @Test
    void idempotentCallsAreRetriedOnInjected503() {
        String id = uniqueId("retry");
        api.channels().create(id, ChannelType.PUBLIC, null);
        long before = server.restRequestCount();
        server.failNextRequests(2, 503);
        assertThat(api.channels().get(id).id()).isEqualTo(id);
        assertThat(server.restRequestCount() - before).isEqualTo(3);

        before = server.restRequestCount();
        server.failNextRequests(1, 429);
        api.channels().setState(id, Map.of("v", 2));
        assertThat(server.restRequestCount() - before).isEqualTo(2);
        assertThat(api.channels().getState(id).asMap()).isEqualTo(Map.of("v", 2));

        before = server.restRequestCount();
        server.failNextRequests(10, 502);
        LeapApiException e = failure(() -> api.channels().delete(id));
        assertThat(e).isNotNull();
        assertThat(e.statusCode()).isEqualTo(502);
        assertThat(e.attempts()).isEqualTo(4);
        assertThat(server.restRequestCount() - before).isEqualTo(4);
    }

    @Test
    void nonIdempotentCallsAreNotRetriedAfterAResponse() {
        String id = uniqueId("noretry");
        api.channels().create(id, ChannelType.PUBLIC, Map.of("v", 1));
        for (Executable call : List.<Executable>of(
                () -> api.channels().publish(id, "E", 1),
                () -> api.channels().patchState(id, Map.of("v", 2)),
                () -> api.channels().create(ChannelType.PUBLIC, null),
                () -> api.tokens().create())) {
            long before = server.restRequestCount();
            server.failNextRequests(1, 503);
            LeapApiException e = failure(call);
            assertThat(e).as("the injected 503 must reach the caller").isNotNull();
            assertThat(e.statusCode()).isEqualTo(503);
            assertThat(e.attempts()).isEqualTo(1);
            assertThat(server.restRequestCount() - before).isEqualTo(1);
        }
        assertThat(api.channels().getState(id).asMap()).isEqualTo(Map.of("v", 1));
    }

    @Test
    void slowResponsesTimeOut() {
        LeapApi impatient = client(PTK).requestTimeout(Duration.ofMillis(200)).build();
        server.restResponseDelay(Duration.ofSeconds(2));
        long before = server.restRequestCount();
        LeapApiException e = failure(() -> impatient.tokens().list());
        assertThat(e.errorCode()).isEqualTo(LeapApiException.TIMEOUT);
        assertThat(e.hasResponse()).isFalse();
        assertThat(server.restRequestCount() - before).isEqualTo(1);
    }

    // ------------------------------------------------------------------------------- socket events (§12)

    @Test
    void restCallsCauseTheDocumentedSocketEvents() throws Exception {
        LeapToken token = api.tokens().create(Map.of("user_id", "42"));
        String channel = uniqueId("events");
        api.channels().create(channel, ChannelType.PRIVATE, Map.of("round", 1));
        try (RawLeapSocket socket = RawLeapSocket.connect(server.wsUrl(), server.projectId(), token.id())) {
            assertThat(socket.init().get("metadata")).isEqualTo(json("{\"user_id\":\"42\"}"));
            assertThat(api.tokens().isOnline(token.id())).isTrue();

            api.channels().subscribeToken(channel, token.id());
            JsonNode available = socket.await("AVAILABLE");
            assertThat(available.get("c").stringValue()).isEqualTo(channel);
            assertThat(available.path("d").path("channel").path("id").stringValue())
                    .isEqualTo(channel);
            assertThat(available.path("d").path("channel").path("state")).isEqualTo(json("{\"round\":1}"));
            assertThat(api.channels().getStats(channel).onlineCount()).isEqualTo(1);

            api.channels().publish(channel, "MESSAGE_CREATE", Map.of("content", "Hello"));
            JsonNode message = socket.await("MESSAGE");
            assertThat(message.get("c").stringValue()).isEqualTo(channel);
            assertThat(message.get("d")).isEqualTo(json("{\"e\":\"MESSAGE_CREATE\",\"d\":{\"content\":\"Hello\"}}"));

            api.channels().setState(channel, Map.of("round", 2, "board", "x"));
            assertThat(socket.await("STATE_UPDATE").get("d"))
                    .isEqualTo(json("{\"state\":{\"round\":2,\"board\":\"x\"}}"));
            api.channels().patchState(channel, Map.of("round", 3));
            assertThat(socket.await("STATE_UPDATE").get("d"))
                    .as("PATCH pushes the complete merged state")
                    .isEqualTo(json("{\"state\":{\"round\":3,\"board\":\"x\"}}"));

            api.tokens().setState(token.id(), Map.of("user_id", "42", "plan", "pro"));
            JsonNode tokenState = socket.await("TOKEN_STATE_UPDATE");
            assertThat(tokenState.get("c").isNull()).isTrue();
            assertThat(tokenState.get("d")).isEqualTo(json("{\"state\":{\"user_id\":\"42\",\"plan\":\"pro\"}}"));

            api.tokens().publishDirect(token.id(), "PING", Map.of("n", 1));
            JsonNode direct = socket.await("DIRECT_MESSAGE");
            assertThat(direct.get("c").isNull()).isTrue();
            assertThat(direct.get("d")).isEqualTo(json("{\"e\":\"PING\",\"d\":{\"n\":1}}"));

            api.channels().unsubscribeToken(channel, token.id());
            JsonNode removed = socket.await("UNAVAILABLE");
            assertThat(removed.get("c").stringValue()).isEqualTo(channel);
            assertThat(removed.path("d").path("graceful").booleanValue()).isTrue();

            api.channels().subscribeToken(channel, token.id());
            socket.await("AVAILABLE");
            api.channels().delete(channel);
            JsonNode deleted = socket.await("UNAVAILABLE");
            assertThat(deleted.get("c").stringValue()).isEqualTo(channel);
            assertThat(deleted.get("d")).isEqualTo(json("{\"graceful\":false,\"error_code\":\"UNKNOWN\"}"));

            api.tokens().delete(token.id());
            assertThat(socket.awaitClose()).isEqualTo(4001);
        }
    }

    @Test
    void channelCreationCausesNoSocketEvent() throws Exception {
        LeapToken token = api.tokens().create();
        try (RawLeapSocket socket = RawLeapSocket.connect(server.wsUrl(), server.projectId(), token.id())) {
            String first = uniqueId("quiet");
            api.channels().create(first, ChannelType.PUBLIC, null);
            api.channels().create(ChannelType.PUBLIC, null);
            // a direct message sent afterwards is the first event the socket sees
            api.tokens().publishDirect(token.id(), "MARK", null);
            JsonNode next = socket.awaitAny();
            assertThat(next.get("e").stringValue()).isEqualTo("DIRECT_MESSAGE");
        }
    }
}
