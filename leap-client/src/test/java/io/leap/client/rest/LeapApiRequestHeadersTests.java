package io.leap.client.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leap.client.rest.StubHttpServer.Reply;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link LeapApi.Builder#requestHeaders}: extra headers per operation, read on the calling thread, kept across
 * retries, and refused (before anything is sent) when they would replace the client's own headers.
 */
class LeapApiRequestHeadersTests {

    static final String PTK = "ptk_NjQ5MjYxMzYyNzYxNDY1NDU";

    StubHttpServer stub;

    @BeforeEach
    void start() throws IOException {
        stub = new StubHttpServer();
    }

    @AfterEach
    void stop() {
        stub.close();
    }

    LeapApi api(java.util.function.Supplier<? extends Map<String, String>> headers) {
        return LeapApi.builder(PTK)
                .baseUrl(stub.baseUrl())
                .requestTimeout(Duration.ofSeconds(10))
                .retryPolicy(RetryPolicy.exponential(3, Duration.ofMillis(1), Duration.ofMillis(5)))
                .requestHeaders(headers)
                .build();
    }

    @Test
    void addsTheSuppliedHeadersToEachOperation() {
        AtomicInteger calls = new AtomicInteger();
        LeapApi api = api(() -> Map.of(
                "traceparent",
                "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-0" + (calls.incrementAndGet() % 2),
                "tracestate",
                "leap=1"));
        api.channels().publish("c1", "E", Map.of("a", 1));
        api.channels().publish("c1", "E", Map.of("a", 2));
        List<StubHttpServer.Recorded> requests = stub.requests();
        assertThat(requests).hasSize(2);
        assertThat(requests.get(0).header("traceparent"))
                .isEqualTo("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        assertThat(requests.get(1).header("traceparent"))
                .isEqualTo("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00");
        assertThat(requests.get(0).header("tracestate")).isEqualTo("leap=1");
        // The client's own headers are untouched.
        assertThat(requests.get(0).header("Authorization")).isEqualTo(PTK);
        assertThat(requests.get(0).header("Content-Type")).isEqualTo("application/json");
    }

    @Test
    void readsTheSupplierOnTheCallingThreadAlsoForAsyncOperations() throws Exception {
        AtomicReference<Thread> readOn = new AtomicReference<>();
        LeapApi api = api(() -> {
            readOn.set(Thread.currentThread());
            return Map.of("x-leap-test", "async");
        });
        CompletableFuture<Void> sent = api.channels().publishAsync("c1", "E", Map.of());
        assertThat(readOn.get()).isSameAs(Thread.currentThread());
        sent.get();
        assertThat(stub.last().header("x-leap-test")).isEqualTo("async");
    }

    @Test
    void retriesSendTheSameHeadersWithoutAskingAgain() {
        AtomicInteger calls = new AtomicInteger();
        LeapApi api = api(() -> Map.of("x-attempt-source", "call-" + calls.incrementAndGet()));
        stub.enqueue(Reply.empty(503), Reply.empty(503));
        api.channels().delete("c1");
        assertThat(stub.requests()).hasSize(3);
        assertThat(stub.requests())
                .allSatisfy((r) -> assertThat(r.header("x-attempt-source")).isEqualTo("call-1"));
        assertThat(calls).hasValue(1);
    }

    @Test
    void nullOrEmptyMeansNoExtraHeaders() {
        api(() -> null).channels().delete("c1");
        api(Map::of).channels().delete("c1");
        assertThat(stub.requests()).hasSize(2);
        assertThat(stub.requests())
                .allSatisfy((r) -> assertThat(r.header("traceparent")).isNull());
    }

    @Test
    void refusesTheClientsOwnHeadersBeforeSendingAnything() {
        for (String own : List.of("Authorization", "accept", "User-Agent", "CONTENT-TYPE")) {
            LeapApi api = api(() -> Map.of(own, "ptk_stolenSecretValue"));
            assertThatThrownBy(() -> api.channels().publish("c1", "E", Map.of()))
                    .as(own)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(own)
                    .hasMessageContaining("cannot be replaced")
                    .message()
                    .doesNotContain("stolenSecretValue");
            assertThatThrownBy(() -> api.channels().publishAsync("c1", "E", Map.of()))
                    .as(own)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(stub.requests()).isEmpty();
    }

    @Test
    void refusesRestrictedOrInvalidHeadersWithoutEchoingTheValue() {
        Map<String, String> nullValue = new LinkedHashMap<>();
        nullValue.put("traceparent", null);
        for (Map<String, String> bad : List.of(
                Map.of("Host", "evil.example"),
                Map.of("x-bad", "secret\r\nInjected: 1"),
                Map.of("bad name", "v"),
                nullValue)) {
            LeapApi api = api(() -> bad);
            assertThatThrownBy(() -> api.channels().delete("c1"))
                    .as(bad.toString())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("extra request header")
                    .message()
                    .doesNotContain("secret")
                    .doesNotContain("evil");
        }
        assertThat(stub.requests()).isEmpty();
    }

    @Test
    void aFailingSupplierFailsTheOperationAtOnce() {
        LeapApi api = api(() -> {
            throw new IllegalStateException("no trace context");
        });
        assertThatThrownBy(() -> api.channels().delete("c1")).hasMessage("no trace context");
        assertThat(stub.requests()).isEmpty();
    }
}
