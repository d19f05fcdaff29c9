package io.leap.client.rest;

import io.leap.client.ChannelType;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reads response envelopes and REST objects (REST spec §4, §5). */
final class WireFormat {

    private final JsonMapper mapper;

    WireFormat(JsonMapper mapper) {
        this.mapper = mapper;
    }

    /** Returns {@code data.<key>} of a success envelope, or throws {@link LeapApiException} (invalid_response). */
    JsonNode data(String operation, HttpCaller.Response response, String key) {
        JsonNode root;
        try {
            root = response.body().length == 0 ? null : mapper.readTree(response.body());
        } catch (JacksonException e) {
            throw invalid(operation, response, "body is not JSON", e);
        }
        if (root == null || !root.isObject()) {
            throw invalid(operation, response, "body is not a JSON object", null);
        }
        JsonNode data = root.get("data");
        if (data == null || !data.isObject()) {
            throw invalid(operation, response, "no \"data\" object", null);
        }
        JsonNode value = data.get(key);
        if (value == null || value.isNull()) {
            throw invalid(operation, response, "no \"data." + key + "\"", null);
        }
        return data;
    }

    private static LeapApiException invalid(
            String operation, HttpCaller.Response response, String what, Throwable cause) {
        return new LeapApiException(
                operation,
                response.status(),
                LeapApiException.INVALID_RESPONSE,
                "unexpected response: " + what,
                null,
                1,
                cause);
    }

    LeapChannel channel(String operation, HttpCaller.Response response, JsonNode node) {
        if (node == null || !node.isObject()) {
            throw invalid(operation, response, "channel is not an object", null);
        }
        String id = text(node, "id");
        if (id == null) {
            throw invalid(operation, response, "channel without id", null);
        }
        JsonNode capabilities = node.get("capabilities");
        return new LeapChannel(
                id,
                ChannelType.fromWireValue(text(node, "type")),
                state(operation, response, node.get("state")),
                capabilities != null && capabilities.canConvertToLong() ? capabilities.longValue() : 0L,
                instant(text(node, "created_at")),
                project(node.get("project")));
    }

    List<LeapChannel> channels(String operation, HttpCaller.Response response, JsonNode array) {
        if (!array.isArray()) {
            throw invalid(operation, response, "channels is not an array", null);
        }
        List<LeapChannel> out = new ArrayList<>(array.size());
        for (JsonNode n : array) {
            out.add(channel(operation, response, n));
        }
        return out;
    }

    LeapToken token(String operation, HttpCaller.Response response, JsonNode node) {
        if (node == null || !node.isObject()) {
            throw invalid(operation, response, "token is not an object", null);
        }
        String id = text(node, "id");
        if (id == null) {
            throw invalid(operation, response, "token without id", null);
        }
        JsonNode online = node.get("is_online");
        return new LeapToken(
                id,
                state(operation, response, node.get("state")),
                text(node, "project_id"),
                online != null && online.isBoolean() && online.booleanValue());
    }

    List<LeapToken> tokens(String operation, HttpCaller.Response response, JsonNode array) {
        if (!array.isArray()) {
            throw invalid(operation, response, "tokens is not an array", null);
        }
        List<LeapToken> out = new ArrayList<>(array.size());
        for (JsonNode n : array) {
            out.add(token(operation, response, n));
        }
        return out;
    }

    LeapState state(String operation, HttpCaller.Response response, JsonNode node) {
        if (node != null && !node.isNull() && !node.isObject()) {
            throw invalid(operation, response, "state is not an object", null);
        }
        return LeapState.of(node, mapper);
    }

    ChannelStats stats(String operation, HttpCaller.Response response, JsonNode node) {
        JsonNode count = node.get("online_count");
        if (!node.isObject() || count == null || !count.canConvertToLong()) {
            throw invalid(operation, response, "stats without online_count", null);
        }
        return new ChannelStats(count.longValue());
    }

    private static LeapProject project(JsonNode node) {
        if (node == null || !node.isObject()) {
            return null;
        }
        return new LeapProject(
                text(node, "id"),
                text(node, "name"),
                text(node, "namespace"),
                text(node, "tier"),
                text(node, "type"),
                instant(text(node, "created_at")));
    }

    static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isString() ? v.stringValue() : null;
    }

    /** Parses an ISO 8601 timestamp; {@code null} when absent or unreadable (a timestamp is never worth failing for). */
    static Instant instant(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }
}
