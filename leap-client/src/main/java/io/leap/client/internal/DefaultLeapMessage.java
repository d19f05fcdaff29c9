package io.leap.client.internal;

import io.leap.client.LeapMessage;
import io.leap.client.internal.codec.RawJson;
import java.util.Objects;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.ObjectReader;

/** {@link LeapMessage} with lazily converted data. Thread-safe: the tree is cached with a benign race. */
final class DefaultLeapMessage implements LeapMessage {
    private final ObjectMapper mapper;
    private final String channelId;
    private final String event;
    private final boolean unicast;
    private final boolean direct;
    private final String connectionId;
    private final RawJson raw;
    private volatile JsonNode tree;

    DefaultLeapMessage(
            ObjectMapper mapper,
            String channelId,
            String event,
            boolean unicast,
            boolean direct,
            String connectionId,
            RawJson raw) {
        this.mapper = mapper;
        this.channelId = channelId;
        this.event = event;
        this.unicast = unicast;
        this.direct = direct;
        this.connectionId = connectionId;
        this.raw = raw == null ? RawJson.NULL : raw;
    }

    @Override
    public String channelId() {
        return channelId;
    }

    @Override
    public String event() {
        return event;
    }

    @Override
    public boolean unicast() {
        return unicast;
    }

    @Override
    public boolean isDirect() {
        return direct;
    }

    @Override
    public String connectionId() {
        return connectionId;
    }

    @Override
    public JsonNode data() {
        JsonNode t = tree;
        if (t == null) {
            try {
                t = raw.tree(mapper);
            } catch (JacksonException e) {
                throw RawJson.conversionError("JsonNode", e);
            }
            tree = t;
        }
        return t;
    }

    @Override
    public <T> T data(Class<T> type) {
        try {
            return raw.read(mapper, type);
        } catch (JacksonException e) {
            throw RawJson.conversionError(type.getName(), e);
        }
    }

    @Override
    public <T> T data(TypeReference<T> type) {
        try {
            return raw.read(mapper, type);
        } catch (JacksonException e) {
            throw RawJson.conversionError(type.getType().getTypeName(), e);
        }
    }

    @Override
    public <T> T data(ObjectReader reader) {
        Objects.requireNonNull(reader, "reader");
        try {
            return raw.read(reader);
        } catch (JacksonException e) {
            JavaType type = reader.getValueType();
            throw RawJson.conversionError(type == null ? "an unknown type" : type.toCanonical(), e);
        }
    }

    @Override
    public String rawData() {
        return raw.text();
    }

    @Override
    public String toString() {
        return "LeapMessage[" + (direct ? "direct" : "channel=" + channelId) + ", event=" + event + ", unicast="
                + unicast + ", dataSize=" + raw.size() + "]";
    }
}
