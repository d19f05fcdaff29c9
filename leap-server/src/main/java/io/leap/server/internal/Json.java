package io.leap.server.internal;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** Shared JSON plumbing: one mapper, node factory helpers and Hop's timestamp format. */
public final class Json {

    public static final JsonMapper MAPPER = JsonMapper.builder().build();
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private Json() {}

    static ObjectNode object() {
        return NODES.objectNode();
    }

    static String timestamp(Instant instant) {
        return TIMESTAMP.format(instant);
    }

    /** Serialises a value (a {@link JsonNode}, a map, a record, ...) to a JSON tree. */
    public static JsonNode toTree(Object value) {
        if (value == null) {
            return NODES.nullNode();
        }
        if (value instanceof JsonNode node) {
            return node;
        }
        return MAPPER.valueToTree(value);
    }

    /**
     * Converts a value to a JSON object for use as channel or token state.
     *
     * @throws IllegalArgumentException if it does not serialise to an object
     */
    public static ObjectNode toObject(Object value, String what) {
        if (value == null) {
            return object();
        }
        JsonNode node;
        try {
            node = toTree(value);
        } catch (JacksonException e) {
            throw new IllegalArgumentException(what + " cannot be serialised to JSON: " + e.getOriginalMessage(), e);
        }
        if (node.isNull() || node.isMissingNode()) {
            return object();
        }
        if (!(node instanceof ObjectNode obj)) {
            throw new IllegalArgumentException(what + " must be a JSON object, got " + node.getNodeType());
        }
        return obj.deepCopy();
    }

    static byte[] bytes(JsonNode node) {
        return MAPPER.writeValueAsBytes(node);
    }

    static int serialisedSize(JsonNode node) {
        return MAPPER.writeValueAsBytes(node).length;
    }
}
