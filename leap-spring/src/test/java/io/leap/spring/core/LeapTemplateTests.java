package io.leap.spring.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.leap.client.rest.ChannelOperations;
import io.leap.client.rest.LeapApi;
import io.leap.client.rest.LeapApiException;
import io.leap.client.rest.LeapState;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/**
 * Unit tests of {@link LeapTemplate} with a mocked {@link LeapApi}: conversion, observation, failure isolation.
 */
class LeapTemplateTests {

    private final LeapApi api = mock(LeapApi.class);

    private final ChannelOperations channels = mock(ChannelOperations.class);

    {
        when(this.api.channels()).thenReturn(this.channels);
    }

    private final JsonMapper snakeCase = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .build();

    private final List<String> observed = new CopyOnWriteArrayList<>();

    private final LeapTemplateObserver recording = (operation) -> {
        this.observed.add("start " + operation.tagValue());
        return (failure) -> this.observed.add(
                "end " + operation.tagValue() + " " + LeapApiOutcome.of(failure).tagValue());
    };

    @Test
    void convertsPayloadWithTheTemplatesMapperBeforeTheApiSeesIt() {
        LeapTemplate template = new LeapTemplate(this.api, this.snakeCase);
        template.publish("orders", "created", new Created(5, "x"));
        ArgumentCaptor<Object> data = ArgumentCaptor.forClass(Object.class);
        verify(this.channels).publish(eq("orders"), eq("created"), data.capture());
        assertThat(data.getValue()).isInstanceOf(JsonNode.class);
        assertThat(((JsonNode) data.getValue()).get("order_id").asInt()).isEqualTo(5);
    }

    @Test
    void jsonNodesAndLeapStatesPassThrough() {
        LeapTemplate template = new LeapTemplate(this.api, this.snakeCase);
        JsonNode node = this.snakeCase.createObjectNode().put("camelCase", 1);
        LeapState state = LeapState.of(node);
        template.publish("c", "e", node);
        template.setChannelState("c", state);
        verify(this.channels).publish("c", "e", node);
        verify(this.channels).setState("c", state);
    }

    @Test
    void observesSuccessAndFailure() {
        LeapTemplate template = new LeapTemplate(this.api);
        template.setObserver(this.recording);
        LeapApiException notFound =
                new LeapApiException("GET /v1/channels/{channel_id}", 404, "not_found", "nope", null, 1, null);
        when(this.channels.get("gone")).thenThrow(notFound);
        template.deleteChannel("a");
        assertThatThrownBy(() -> template.getChannel("gone")).isSameAs(notFound);
        assertThat(this.observed)
                .containsExactly(
                        "start delete_channel",
                        "end delete_channel success",
                        "start get_channel",
                        "end get_channel client_error");
    }

    @Test
    void observesAsyncCallsWhenTheyCompleteAndReturnTheApisFuture() {
        LeapTemplate template = new LeapTemplate(this.api);
        template.setObserver(this.recording);
        CompletableFuture<Void> pending = new CompletableFuture<>();
        when(this.channels.publishAsync(eq("c"), eq("e"), any())).thenReturn(pending);
        CompletableFuture<Void> result = template.publishAsync("c", "e", Map.of());
        // The API client's own future: cancelling it cancels the request.
        assertThat(result).isSameAs(pending);
        assertThat(this.observed).containsExactly("start publish");
        pending.completeExceptionally(new LeapApiException("POST x", 503, "unavailable", "down", null, 1, null));
        assertThat(this.observed).containsExactly("start publish", "end publish server_error");
    }

    @Test
    void failingObserverNeverBreaksTheCall() {
        LeapTemplate template = new LeapTemplate(this.api);
        template.setObserver((operation) -> {
            throw new IllegalStateException("observer bug");
        });
        template.publish("c", "e", 1);
        verify(this.channels).publish(eq("c"), eq("e"), any());
        template.setObserver((operation) -> (failure) -> {
            throw new IllegalStateException("observer bug");
        });
        template.publish("c", "e", 2);
        when(this.channels.publishAsync(any(), any(), any())).thenReturn(CompletableFuture.completedFuture(null));
        assertThat(template.publishAsync("c", "e", 3)).isCompleted();
    }

    @Test
    void unconvertiblePayloadIsAnIllegalArgumentNamingTheTypeNotTheValue() {
        LeapTemplate template = new LeapTemplate(this.api);
        template.setObserver(this.recording);
        assertThatThrownBy(() -> template.publish("c", "e", new Exploding()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(Exploding.class.getName());
        assertThatThrownBy(() -> template.publishAsync("c", "e", new Exploding()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(this.observed)
                .containsExactly("start publish", "end publish error", "start publish", "end publish error");
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

    record Created(int orderId, String name) {}

    static class Exploding {

        public String getSecret() {
            throw new IllegalStateException("do not leak me");
        }
    }
}
