package io.leap.client.internal.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.node.NullNode;

/**
 * A JSON value kept as received (a copy of its slice of the frame), converted on demand. Immutable.
 */
public abstract class RawJson {

    public static final RawJson NULL = new Text("null");

    /**
     * Copies the slice into a {@link String} (a vectorised copy on the reading thread: Latin-1 strings are compressed
     * by a JVM intrinsic); converting it later encodes it to UTF-8 bytes for Jackson's byte parser, which for ASCII is
     * another vectorised copy.
     */
    public static RawJson of(char[] buf, int from, int to) {
        return new Text(new String(buf, from, to - from));
    }

    public static RawJson of(byte[] buf, int from, int to) {
        return new Bytes(Arrays.copyOfRange(buf, from, to));
    }

    public static RawJson of(String json) {
        return new Text(json);
    }

    public abstract JsonNode tree(ObjectMapper mapper);

    public abstract <T> T read(ObjectMapper mapper, Class<T> type);

    public abstract <T> T read(ObjectMapper mapper, TypeReference<T> type);

    /** Reads the value with {@code reader}, from the bytes received where they were kept as bytes. */
    public abstract <T> T read(ObjectReader reader);

    public abstract String text();

    /** @return the approximate size in bytes, for diagnostics */
    public abstract int size();

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
        public JsonNode tree(ObjectMapper mapper) {
            JsonNode node = mapper.readTree(json.getBytes(StandardCharsets.UTF_8));
            return node == null ? NullNode.getInstance() : node;
        }

        @Override
        public <T> T read(ObjectMapper mapper, Class<T> type) {
            return mapper.readValue(json.getBytes(StandardCharsets.UTF_8), type);
        }

        @Override
        public <T> T read(ObjectMapper mapper, TypeReference<T> type) {
            return mapper.readValue(json.getBytes(StandardCharsets.UTF_8), type);
        }

        @Override
        public <T> T read(ObjectReader reader) {
            return reader.readValue(json.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String text() {
            return json;
        }

        @Override
        public int size() {
            return json.length();
        }
    }

    private static final class Bytes extends RawJson {
        private final byte[] json;

        Bytes(byte[] json) {
            this.json = json;
        }

        @Override
        public JsonNode tree(ObjectMapper mapper) {
            JsonNode node = mapper.readTree(json);
            return node == null ? NullNode.getInstance() : node;
        }

        @Override
        public <T> T read(ObjectMapper mapper, Class<T> type) {
            return mapper.readValue(json, type);
        }

        @Override
        public <T> T read(ObjectMapper mapper, TypeReference<T> type) {
            return mapper.readValue(json, type);
        }

        @Override
        public <T> T read(ObjectReader reader) {
            return reader.readValue(json);
        }

        @Override
        public String text() {
            return new String(json, StandardCharsets.UTF_8);
        }

        @Override
        public int size() {
            return json.length;
        }
    }

    public static RuntimeException conversionError(String what, JacksonException e) {
        return new io.leap.client.LeapException(
                "Cannot convert message data to " + what + ": " + e.getOriginalMessage(), e);
    }
}
