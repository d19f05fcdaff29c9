package io.leap.server.internal;

import java.nio.charset.StandardCharsets;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.util.ByteArrayBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Builders for every server→client payload (protocol spec §5 and §9). Each returns a {@link Frame} encoded once. */
final class Events {

    static final Frame PLAIN_ACK = new Frame("{\"op\":4}".getBytes(StandardCharsets.US_ASCII));

    private Events() {}

    static Frame hello(long heartbeatIntervalMs) {
        return new Frame(("{\"op\":1,\"d\":{\"heartbeat_interval\":" + heartbeatIntervalMs + "}}")
                .getBytes(StandardCharsets.US_ASCII));
    }

    static Frame taggedAck(String tag, long latencyMs) {
        ObjectNode root = Json.object().put("op", 4);
        root.putObject("d").put("tag", tag).put("latency", latencyMs);
        return new Frame(Json.bytes(root));
    }

    static Frame heartbeatRequest(String tag) {
        ObjectNode root = Json.object().put("op", 3);
        root.putObject("d").put("tag", tag);
        return new Frame(Json.bytes(root));
    }

    /** An op 0 dispatch with all four keys {@code c, u, e, d} present, as every client needs (spec §5.5). */
    static Frame dispatch(String channel, boolean unicast, String event, JsonNode data) {
        return new Frame(write(channel, unicast, event, null, data));
    }

    /** {@code MESSAGE} or {@code DIRECT_MESSAGE}: the user's event nested as {@code d = {e, d}} (spec §9.6, §9.7). */
    static Frame userMessage(String channel, String outerEvent, String userEvent, JsonNode userData) {
        byte[] json = write(channel, false, outerEvent, userEvent, userData);
        if (json.length > ServerConfig.MAX_OUTBOUND_PAYLOAD) {
            throw new IllegalArgumentException("Message of " + json.length + " bytes exceeds the 16 MiB payload limit");
        }
        return new Frame(json);
    }

    /**
     * Streams the envelope straight to bytes (no intermediate tree: this is the publish hot path). With a
     * {@code userEvent}, {@code data} is nested as {@code {"e": userEvent, "d": data}}.
     */
    private static byte[] write(String channel, boolean unicast, String event, String userEvent, JsonNode data) {
        ByteArrayBuilder out = new ByteArrayBuilder(256);
        try (JsonGenerator g = Json.MAPPER.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberProperty("op", 0);
            g.writeName("d");
            g.writeStartObject();
            if (channel == null) {
                g.writeNullProperty("c");
            } else {
                g.writeStringProperty("c", channel);
            }
            g.writeBooleanProperty("u", unicast);
            g.writeStringProperty("e", event);
            g.writeName("d");
            if (userEvent != null) {
                g.writeStartObject();
                g.writeStringProperty("e", userEvent);
                g.writeName("d");
            }
            if (data == null) {
                g.writeNull();
            } else {
                g.writeTree(data);
            }
            if (userEvent != null) {
                g.writeEndObject();
            }
            g.writeEndObject();
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    static JsonNode unavailable(boolean graceful, String errorCode) {
        ObjectNode d = Json.object().put("graceful", graceful);
        if (errorCode != null) {
            d.put("error_code", errorCode);
        }
        return d;
    }

    static JsonNode stateData(JsonNode state) {
        ObjectNode d = Json.object();
        d.set("state", state);
        return d;
    }
}
