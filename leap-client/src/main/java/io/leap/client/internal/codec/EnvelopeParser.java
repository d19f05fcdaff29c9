package io.leap.client.internal.codec;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.TokenStreamFactory;

/**
 * Parser of the envelope only: {@code op}, Hello's interval, heartbeat tags, and for dispatches {@code c}, {@code u},
 * {@code e} (plus the nested {@code e} of messages). Every {@code d} that belongs to the user is kept as a raw slice of
 * the frame. Fields may come in any order; unknown fields are skipped. Not thread-safe: one per connection.
 *
 * <p>Op-0 dispatches, nearly all traffic, go through the hand-written {@link EnvelopeScanner} (several times faster
 * than a token stream, see docs/PERFORMANCE.md); whatever it declines (other opcodes, escapes in envelope fields,
 * invalid JSON, ...) is parsed with Jackson's streaming parser, which has the final word and the error messages.
 */
public final class EnvelopeParser {
    private final TokenStreamFactory factory;
    private final EnvelopeScanner scanner = new EnvelopeScanner();

    private char[] chars;
    private byte[] bytes;

    public EnvelopeParser(TokenStreamFactory factory) {
        this.factory = factory;
    }

    /**
     * @return the envelope; it may be reused by the next call, so use it before parsing the next frame
     * @throws DecodeException if the payload is not a valid JSON object
     */
    public Envelope parse(char[] buf, int off, int len) {
        Envelope fast = scanner.scan(buf, off, len);
        return fast != null ? fast : parseWithJackson(buf, off, len);
    }

    /** The Jackson path alone (package-private for the tests that compare both paths). */
    public Envelope parseWithJackson(char[] buf, int off, int len) {
        chars = buf;
        bytes = null;
        try {
            return parse(off, len);
        } finally {
            chars = null;
        }
    }

    /** @see #parse(char[], int, int) */
    public Envelope parse(byte[] buf, int off, int len) {
        Envelope fast = scanner.scan(buf, off, len);
        return fast != null ? fast : parseWithJackson(buf, off, len);
    }

    /** @see #parseWithJackson(char[], int, int) */
    public Envelope parseWithJackson(byte[] buf, int off, int len) {
        bytes = buf;
        chars = null;
        try {
            return parse(off, len);
        } finally {
            bytes = null;
        }
    }

    private JsonParser create(int off, int len) {
        return chars != null
                ? factory.createParser(ObjectReadContext.empty(), chars, off, len)
                : factory.createParser(ObjectReadContext.empty(), bytes, off, len);
    }

    private int start(JsonParser p) {
        return (int)
                (chars != null
                        ? p.currentTokenLocation().getCharOffset()
                        : p.currentTokenLocation().getByteOffset());
    }

    private int end(JsonParser p) {
        return (int)
                (chars != null
                        ? p.currentLocation().getCharOffset()
                        : p.currentLocation().getByteOffset());
    }

    private RawJson slice(int from, int to) {
        return chars != null ? RawJson.of(chars, from, to) : RawJson.of(bytes, from, to);
    }

    private Envelope parse(int off, int len) {
        try (JsonParser p = create(off, len)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new DecodeException("payload is not a JSON object");
            }
            Envelope env = new Envelope();
            int deferredStart = -1;
            int deferredEnd = -1;
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.PROPERTY_NAME) {
                String name = p.currentName();
                t = p.nextToken();
                if ("op".equals(name)) {
                    env.op = t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT
                            ? p.getIntValue()
                            : Envelope.OP_INVALID;
                    skip(p, t);
                } else if ("d".equals(name)) {
                    if (env.op != Envelope.OP_ABSENT) {
                        data(p, t, env, off);
                    } else {
                        deferredStart = start(p);
                        skip(p, t);
                        deferredEnd = end(p);
                    }
                } else {
                    skip(p, t);
                }
            }
            if (t != JsonToken.END_OBJECT) {
                throw new DecodeException("truncated payload");
            }
            if (deferredStart >= 0 && env.op != Envelope.OP_ABSENT) {
                int from = off + deferredStart;
                try (JsonParser q = create(from, deferredEnd - deferredStart)) {
                    data(q, q.nextToken(), env, from);
                }
            }
            return env;
        } catch (JacksonException e) {
            throw new DecodeException("invalid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static void skip(JsonParser p, JsonToken t) {
        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
            p.skipChildren();
        } else if (t != null && t.isScalarValue()) {
            p.finishToken();
        }
    }

    /** Parses the top-level {@code d}; {@code base} is the absolute offset the parser's offsets are relative to. */
    private void data(JsonParser p, JsonToken t, Envelope env, int base) {
        switch (env.op) {
            case 0 -> {
                if (t == JsonToken.START_OBJECT) {
                    dispatch(p, env, base);
                } else {
                    env.badData = true;
                    skip(p, t);
                }
            }
            case 1 -> {
                if (t == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                        String name = p.currentName();
                        JsonToken v = p.nextToken();
                        if ("heartbeat_interval".equals(name) && v != null && v.isNumeric()) {
                            env.heartbeatInterval = p.getValueAsLong(-1);
                        } else {
                            skip(p, v);
                        }
                    }
                } else {
                    skip(p, t);
                }
            }
            case 3, 4 -> {
                if (t == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                        String name = p.currentName();
                        JsonToken v = p.nextToken();
                        if ("tag".equals(name) && v == JsonToken.VALUE_STRING) {
                            env.tag = p.getString();
                        } else {
                            skip(p, v);
                        }
                    }
                } else {
                    skip(p, t);
                }
            }
            default -> skip(p, t);
        }
    }

    private void dispatch(JsonParser p, Envelope env, int base) {
        int dataStart = -1;
        int dataEnd = -1;
        boolean dataIsObject = false;
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "c" -> {
                    env.channel = v == JsonToken.VALUE_STRING ? p.getString() : null;
                    skip(p, v);
                }
                case "u" -> {
                    env.unicast = v == JsonToken.VALUE_TRUE;
                    skip(p, v);
                }
                case "e" -> {
                    env.event = v == JsonToken.VALUE_STRING ? p.getString() : null;
                    skip(p, v);
                }
                case "d" -> {
                    if (v == JsonToken.START_OBJECT && env.event != null && Envelope.isMessage(env.event)) {
                        message(p, env, base);
                    } else {
                        dataIsObject = v == JsonToken.START_OBJECT;
                        dataStart = start(p);
                        skip(p, v);
                        dataEnd = end(p);
                    }
                }
                default -> skip(p, v);
            }
        }
        if (dataStart >= 0) {
            if (env.event != null && Envelope.isMessage(env.event)) {
                if (dataIsObject) {
                    int from = base + dataStart;
                    try (JsonParser q = create(from, dataEnd - dataStart)) {
                        q.nextToken();
                        message(q, env, from);
                    }
                } else {
                    env.badData = true;
                }
            } else {
                env.data = slice(base + dataStart, base + dataEnd);
            }
        }
    }

    /** Parses a message's {@code {e, d}} object; {@code p} is at its START_OBJECT. */
    private void message(JsonParser p, Envelope env, int base) {
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if ("e".equals(name)) {
                env.messageEvent = v == JsonToken.VALUE_STRING ? p.getString() : null;
                skip(p, v);
            } else if ("d".equals(name)) {
                int s = start(p);
                skip(p, v);
                env.messageData = slice(base + s, base + end(p));
            } else {
                skip(p, v);
            }
        }
        env.messageParsed = true;
    }
}
