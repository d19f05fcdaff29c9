package io.leap.server.internal;

import java.nio.charset.StandardCharsets;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Builders for every server→client payload (protocol spec §5 and §9). Each returns a {@link Frame} encoded once. */
final class Events {

    static final Frame PLAIN_ACK = new Frame("{\"op\":4}".getBytes(StandardCharsets.US_ASCII));

    private Events() {
    }

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
        ObjectNode root = Json.object().put("op", 0);
        ObjectNode d = root.putObject("d");
        if (channel == null) {
            d.putNull("c");
        } else {
            d.put("c", channel);
        }
        d.put("u", unicast);
        d.put("e", event);
        d.set("d", data == null ? Json.NODES.nullNode() : data);
        return new Frame(Json.bytes(root));
    }

    /** {@code MESSAGE} or {@code DIRECT_MESSAGE}: the user's event nested as {@code d = {e, d}} (spec §9.6, §9.7). */
    static Frame userMessage(String channel, String outerEvent, String userEvent, JsonNode userData) {
        ObjectNode inner = Json.object().put("e", userEvent);
        inner.set("d", userData == null ? Json.NODES.nullNode() : userData);
        Frame frame = dispatch(channel, false, outerEvent, inner);
        if (frame.json.length > ServerConfig.MAX_OUTBOUND_PAYLOAD) {
            throw new IllegalArgumentException("Message of " + frame.json.length
                    + " bytes exceeds the 16 MiB payload limit");
        }
        return frame;
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
