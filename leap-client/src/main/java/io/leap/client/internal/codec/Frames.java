package io.leap.client.internal.codec;

import java.io.StringWriter;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.ObjectMapper;

/** Writes the client's outgoing payloads. The Identify payload contains the token: never log it. */
public final class Frames {
    public static final String HEARTBEAT = "{\"op\":3}";

    private final ObjectMapper mapper;

    public Frames(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public String identify(String projectId, String token) {
        StringWriter w = new StringWriter(128);
        try (JsonGenerator g = mapper.createGenerator(w)) {
            g.writeStartObject();
            g.writeNumberProperty("op", 2);
            g.writeName("d");
            g.writeStartObject();
            g.writeStringProperty("project_id", projectId);
            if (token != null) {
                g.writeStringProperty("token", token);
            }
            g.writeEndObject();
            g.writeEndObject();
        }
        return w.toString();
    }

    public String heartbeatReply(String tag) {
        StringWriter w = new StringWriter(64);
        try (JsonGenerator g = mapper.createGenerator(w)) {
            g.writeStartObject();
            g.writeNumberProperty("op", 3);
            g.writeName("d");
            g.writeStartObject();
            g.writeStringProperty("tag", tag);
            g.writeEndObject();
            g.writeEndObject();
        }
        return w.toString();
    }

    /** A dispatch whose {@code d} is {@code data} written by the mapper ({@code null} → JSON null). */
    public String dispatch(String channel, String event, Object data) {
        StringWriter w = new StringWriter(128);
        try (JsonGenerator g = mapper.createGenerator(w)) {
            g.writeStartObject();
            g.writeNumberProperty("op", 0);
            g.writeName("d");
            g.writeStartObject();
            g.writeStringProperty("c", channel);
            g.writeStringProperty("e", event);
            g.writeName("d");
            g.writePOJO(data);
            g.writeEndObject();
            g.writeEndObject();
        }
        return w.toString();
    }

    /** A client MESSAGE: {@code d = {e: event, d: data}}. */
    public String message(String channel, String event, Object data) {
        StringWriter w = new StringWriter(256);
        try (JsonGenerator g = mapper.createGenerator(w)) {
            g.writeStartObject();
            g.writeNumberProperty("op", 0);
            g.writeName("d");
            g.writeStartObject();
            g.writeStringProperty("c", channel);
            g.writeStringProperty("e", "MESSAGE");
            g.writeName("d");
            g.writeStartObject();
            g.writeStringProperty("e", event);
            g.writeName("d");
            g.writePOJO(data);
            g.writeEndObject();
            g.writeEndObject();
            g.writeEndObject();
        }
        return w.toString();
    }
}
