package io.leap.client.rest;

import io.leap.client.ChannelType;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the resource parts of {@link LeapApi} share: building {@link ApiRequest}s (paths, bodies, argument checks),
 * sending them through the {@link HttpCaller} and decoding the responses with the {@link WireFormat}.
 */
final class RestCalls {

    static final String CHANNELS = "/v1/channels";
    static final String TOKENS = "/v1/channels/tokens";

    final WireFormat wire;
    private final HttpCaller caller;
    private final JsonMapper mapper;
    private final String projectId;
    private final CredentialKind credentialKind;

    RestCalls(HttpCaller caller, JsonMapper mapper, String projectId, CredentialKind credentialKind) {
        this.caller = caller;
        this.mapper = mapper;
        this.wire = new WireFormat(mapper);
        this.projectId = projectId;
        this.credentialKind = credentialKind;
    }

    /** Turns a successful response into a result; throws {@link LeapApiException} for an unexpected one. */
    @FunctionalInterface
    interface Decoder<T> {
        T decode(String operation, HttpCaller.Response response);
    }

    <T> CompletableFuture<T> call(ApiRequest req, Decoder<T> decoder) {
        CompletableFuture<HttpCaller.Response> sent = caller.send(req);
        CompletableFuture<T> result = sent.thenApply(r -> decoder.decode(req.operation(), r));
        result.whenComplete((r, e) -> {
            if (result.isCancelled()) {
                sent.cancel(true);
            }
        });
        return result;
    }

    CompletableFuture<Void> callNoContent(ApiRequest req) {
        // Any 2xx is success: 204, or 200 with {"success":true,"data":{}} or any other body (REST spec §4.1).
        return call(req, (op, r) -> null);
    }

    static <T> T await(CompletableFuture<T> future, String operation) {
        return HttpCaller.await(future, operation);
    }

    // ------------------------------------------------------------------------------------------------ requests

    ApiRequest request(String method, String template, String rawPath, byte[] body) {
        return new ApiRequest(method, method + " " + template, rawPath, List.of(), body, List.of());
    }

    ApiRequest tokenRequest(String method, String suffix, String token, byte[] body) {
        requireId(token, "token");
        return new ApiRequest(
                method,
                method + " " + TOKENS + "/{token}" + suffix,
                TOKENS + "/" + UriEncoding.encode(token) + suffix,
                List.of(),
                body,
                List.of(token));
    }

    ApiRequest subscriberRequest(String method, String channelId, String token) {
        String path = channelPath(channelId);
        requireId(token, "token");
        return new ApiRequest(
                method,
                method + " " + CHANNELS + "/{channel_id}/subscribers/{token}",
                path + "/subscribers/" + UriEncoding.encode(token),
                List.of(),
                null,
                List.of(token));
    }

    static String channelPath(String channelId) {
        requireId(channelId, "channelId");
        if (channelId.equals("tokens")) {
            throw new IllegalArgumentException("\"tokens\" cannot be a channel ID: /v1/channels/tokens is the token "
                    + "collection (REST spec R-4)");
        }
        return CHANNELS + "/" + UriEncoding.encode(channelId);
    }

    static void requireId(String id, String name) {
        Objects.requireNonNull(id, name);
        if (id.isEmpty()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
    }

    void requireProjectForCreation(String operation) {
        if (projectId == null && credentialKind != CredentialKind.PROJECT_TOKEN) {
            throw new IllegalStateException(operation + " with a " + credentialKind.description
                    + " needs a project ID: set LeapApi.Builder.projectId(...)");
        }
    }

    // -------------------------------------------------------------------------------------------------- bodies

    byte[] createChannelBody(ChannelType type, Object state) {
        Objects.requireNonNull(type, "type");
        if (type == ChannelType.UNKNOWN) {
            throw new IllegalArgumentException("ChannelType.UNKNOWN cannot be used to create a channel");
        }
        ObjectNode body = mapper.createObjectNode();
        body.put("type", type.wireValue());
        body.set("state", state == null ? mapper.createObjectNode() : stateNode(state));
        return bytes(body);
    }

    /** {@code {"state": <state>}}, with {@code {}} for a {@code null} state. */
    byte[] wrappedStateBody(Object state) {
        ObjectNode body = mapper.createObjectNode();
        body.set("state", state == null ? mapper.createObjectNode() : stateNode(state));
        return bytes(body);
    }

    /** The state itself, unwrapped. */
    byte[] stateBody(Object state, String name) {
        return bytes(stateNode(Objects.requireNonNull(state, name)));
    }

    byte[] messageBody(String event, Object data) {
        Objects.requireNonNull(event, "event");
        if (event.isEmpty()) {
            throw new IllegalArgumentException("event must not be empty");
        }
        ObjectNode body = mapper.createObjectNode();
        body.put("e", event);
        body.set("d", toNode(data));
        return bytes(body);
    }

    private JsonNode stateNode(Object state) {
        JsonNode node = toNode(state);
        if (!node.isObject()) {
            throw new IllegalArgumentException("state must serialise to a JSON object, got " + node.getNodeType());
        }
        return node;
    }

    private JsonNode toNode(Object value) {
        if (value == null) {
            return mapper.nullNode();
        }
        if (value instanceof LeapState s) {
            return s.node();
        }
        if (value instanceof JsonNode n) {
            return n;
        }
        try {
            return mapper.valueToTree(value);
        } catch (JacksonException e) {
            throw new IllegalArgumentException(
                    "cannot serialise " + value.getClass().getName() + " to JSON: " + e.getOriginalMessage(), e);
        }
    }

    private byte[] bytes(JsonNode node) {
        try {
            return mapper.writeValueAsBytes(node);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }
}
