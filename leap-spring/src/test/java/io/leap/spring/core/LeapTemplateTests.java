package io.leap.spring.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.leap.client.LeapClient;
import io.leap.client.LeapMessage;
import io.leap.client.rest.LeapApi;
import io.leap.client.rest.LeapApiException;
import io.leap.client.rest.LeapState;
import io.leap.client.rest.RetryPolicy;
import io.leap.server.ChannelType;
import io.leap.server.LeapServer;
import io.leap.server.testing.LeapServerExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@link LeapTemplate} against the embedded {@link LeapServer}'s REST API, with a socket client subscribed to see what
 * was published: conversion, observation, failure isolation.
 */
class LeapTemplateTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @RegisterExtension
    final LeapServerExtension leap = LeapServerExtension.create()
            .channel("orders", ChannelType.UNPROTECTED)
            .channel("c", ChannelType.UNPROTECTED)
            .channel("a", ChannelType.UNPROTECTED);

    private final JsonMapper snakeCase = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .build();

    private final List<String> observed = new CopyOnWriteArrayList<>();

    private final LeapTemplateObserver recording = (operation) -> {
        this.observed.add("start " + operation.tagValue());
        return (failure) -> this.observed.add(
                "end " + operation.tagValue() + " " + LeapApiOutcome.of(failure).tagValue());
    };

    private final List<LeapMessage> received = new CopyOnWriteArrayList<>();

    private LeapServer server;

    private LeapApi api;

    private LeapClient subscriber;

    @BeforeEach
    void connect(LeapServer server) {
        this.server = server;
        this.api = LeapApi.builder(server.projectToken())
                .baseUrl(server.apiUrl())
                .retryPolicy(RetryPolicy.none())
                .build();
        this.subscriber = LeapClient.builder(server.projectId())
                .token(server.createToken(Map.of()))
                .url(server.wsUrl())
                .build();
        this.subscriber.addMessageListener(this.received::add);
        this.subscriber.connect();
        this.subscriber.subscribe("orders");
        this.subscriber.subscribe("c");
    }

    @AfterEach
    void close() {
        this.subscriber.close();
    }

    @Test
    void convertsPayloadWithTheTemplatesMapperBeforeTheApiSeesIt() {
        LeapTemplate template = new LeapTemplate(this.api, this.snakeCase);
        template.publish("orders", "created", new Created(5, "x"));
        LeapMessage message = awaitMessage("orders");
        assertThat(message.event()).isEqualTo("created");
        assertThat(message.data().get("order_id").asInt()).isEqualTo(5);
        assertThat(message.data().has("orderId")).isFalse();
    }

    @Test
    void jsonNodesAndLeapStatesPassThrough() {
        LeapTemplate template = new LeapTemplate(this.api, this.snakeCase);
        JsonNode node = this.snakeCase.createObjectNode().put("camelCase", 1);
        template.publish("c", "e", node);
        template.setChannelState("c", LeapState.of(node));
        assertThat(awaitMessage("c").data().get("camelCase").asInt()).isEqualTo(1);
        assertThat(this.server.channelState("c").get("camelCase").asInt()).isEqualTo(1);
    }

    @Test
    void observesSuccessAndFailure() {
        LeapTemplate template = new LeapTemplate(this.api);
        template.setObserver(this.recording);
        template.deleteChannel("a");
        assertThat(this.server.channelIds()).doesNotContain("a");
        assertThatThrownBy(() -> template.getChannel("gone"))
                .isInstanceOfSatisfying(
                        LeapApiException.class,
                        (e) -> assertThat(e.statusCode()).isEqualTo(404));
        assertThat(this.observed)
                .containsExactly(
                        "start delete_channel",
                        "end delete_channel success",
                        "start get_channel",
                        "end get_channel client_error");
    }

    @Test
    void observesAsyncCallsWhenTheyComplete() {
        LeapTemplate template = new LeapTemplate(this.api);
        template.setObserver(this.recording);
        this.server.failNextRequests(1, 503);
        CompletableFuture<Void> result = template.publishAsync("c", "e", Map.of());
        assertThatThrownBy(result::join)
                .isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(LeapApiException.class);
        await().atMost(TIMEOUT).until(() -> this.observed.size() == 2);
        assertThat(this.observed).containsExactly("start publish", "end publish server_error");
        template.publishAsync("c", "e", Map.of("n", 1)).join();
        assertThat(this.observed).endsWith("start publish", "end publish success");
    }

    @Test
    void failingObserverNeverBreaksTheCall() {
        LeapTemplate template = new LeapTemplate(this.api);
        template.setObserver((operation) -> {
            throw new IllegalStateException("observer bug");
        });
        template.publish("c", "e", Map.of("n", 1));
        template.setObserver((operation) -> (failure) -> {
            throw new IllegalStateException("observer bug");
        });
        template.publish("c", "e", Map.of("n", 2));
        template.publishAsync("c", "e", Map.of("n", 3)).join();
        await().atMost(TIMEOUT).until(() -> this.received.size() == 3);
        assertThat(this.received).extracting((m) -> m.data().get("n").asInt()).containsExactly(1, 2, 3);
    }

    @Test
    void unconvertiblePayloadIsAnIllegalArgumentNamingTheTypeNotTheValue() {
        LeapTemplate template = new LeapTemplate(this.api);
        template.setObserver(this.recording);
        long requests = this.server.restRequestCount();
        assertThatThrownBy(() -> template.publish("c", "e", new Exploding()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(Exploding.class.getName())
                .hasMessageNotContaining("do not leak me");
        assertThatThrownBy(() -> template.publishAsync("c", "e", new Exploding()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(this.observed)
                .containsExactly("start publish", "end publish error", "start publish", "end publish error");
        assertThat(this.server.restRequestCount()).as("nothing sent").isEqualTo(requests);
    }

    @Test
    void outcomeClassification() {
        assertThat(LeapApiOutcome.of(null)).isEqualTo(LeapApiOutcome.SUCCESS);
        assertThat(LeapApiOutcome.of(new LeapApiException("op", 401, "invalid_auth", "m", null, 1, null)))
                .isEqualTo(LeapApiOutcome.CLIENT_ERROR);
        assertThat(LeapApiOutcome.of(
                        new CompletionException(new LeapApiException("op", 502, "bad_gateway", "m", null, 1, null))))
                .isEqualTo(LeapApiOutcome.SERVER_ERROR);
        assertThat(LeapApiOutcome.of(new LeapApiException("op", 0, LeapApiException.TIMEOUT, "m", null, 1, null)))
                .isEqualTo(LeapApiOutcome.ERROR);
        assertThat(LeapApiOutcome.of(new IllegalArgumentException())).isEqualTo(LeapApiOutcome.ERROR);
        assertThat(LeapApiOutcome.of(new java.util.concurrent.CancellationException()))
                .isEqualTo(LeapApiOutcome.ERROR);
    }

    private LeapMessage awaitMessage(String channel) {
        await().atMost(TIMEOUT).until(() -> this.received.stream().anyMatch((m) -> channel.equals(m.channelId())));
        return this.received.stream()
                .filter((m) -> channel.equals(m.channelId()))
                .findFirst()
                .orElseThrow();
    }

    record Created(int orderId, String name) {}

    static class Exploding {

        public String getSecret() {
            throw new IllegalStateException("do not leak me");
        }
    }
}
