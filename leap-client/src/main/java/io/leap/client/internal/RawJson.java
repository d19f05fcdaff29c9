package io.leap.client.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.NullNode;

/**
 * A JSON value kept as received (a copy of its slice of the frame), converted on demand. Immutable.
 */
abstract class RawJson {

    static final RawJson NULL = new Text("null");

    /**
     * Copies the slice into a {@link String} (a vectorised copy on the reading thread: Latin-1 strings are compressed
     * by a JVM intrinsic); converting it later encodes it to UTF-8 bytes for Jackson's byte parser, which for ASCII is
     * another vectorised copy.
     */
    static RawJson of(char[] buf, int from, int to) {
        return new Text(new String(buf, from, to - from));
    }

    static RawJson of(byte[] buf, int from, int to) {
        return new Bytes(Arrays.copyOfRange(buf, from, to));
    }

    static RawJson of(String json) {
        return new Text(json);
    }

    abstract JsonNode tree(ObjectMapper mapper);

    abstract <T> T read(ObjectMapper mapper, Class<T> type);

    abstract <T> T read(ObjectMapper mapper, TypeReference<T> type);

    abstract String text();

    /** @return the approximate size in bytes, for diagnostics */
    abstract int size();

    @Override
    public String toString() {
        return text();
    }

    private static final class Text extends RawJson {
        private final String json;

        Text(String json) {
            this.json = json;
        }

        // Jackson's byte parser is faster than its char parser, and encoding to UTF-8 costs little.
        @Override
        JsonNode tree(ObjectMapper mapper) {
            JsonNode node = mapper.readTree(json.getBytes(StandardCharsets.UTF_8));
            return node == null ? NullNode.getInstance() : node;
        }

        @Override
        <T> T read(ObjectMapper mapper, Class<T> type) {
            return mapper.readValue(json.getBytes(StandardCharsets.UTF_8), type);
        }

        @Override
        <T> T read(ObjectMapper mapper, TypeReference<T> type) {
            return mapper.readValue(json.getBytes(StandardCharsets.UTF_8), type);
        }

        @Override
        String text() {
            return json;
        }

        @Override
        int size() {
            return json.length();
        }
    }

    private static final class Bytes extends RawJson {
        private final byte[] json;

        Bytes(byte[] json) {
            this.json = json;
        }

        @Override
        JsonNode tree(ObjectMapper mapper) {
            JsonNode node = mapper.readTree(json);
            return node == null ? NullNode.getInstance() : node;
        }

        @Override
        <T> T read(ObjectMapper mapper, Class<T> type) {
            return mapper.readValue(json, type);
        }

        @Override
        <T> T read(ObjectMapper mapper, TypeReference<T> type) {
            return mapper.readValue(json, type);
        }

        @Override
        String text() {
            return new String(json, StandardCharsets.UTF_8);
        }

        @Override
        int size() {
            return json.length;
        }
    }

    static RuntimeException conversionError(String what, JacksonException e) {
        return new io.leap.client.LeapException("Cannot convert message data to " + what + ": " + e.getOriginalMessage(), e);
    }
}
