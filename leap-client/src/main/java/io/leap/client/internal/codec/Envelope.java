package io.leap.client.internal.codec;

import io.leap.client.internal.Protocol;

/** The parts of a server payload the client routes on; the user's data stays raw. Internal. */
public final class Envelope {
    public static final int OP_ABSENT = -1;
    public static final int OP_INVALID = -2;

    public int op = OP_ABSENT;
    /** op 1. */
    public long heartbeatInterval = -1;
    /** op 3 / 4. */
    public String tag;
    /** op 0: {@code c}. */
    public String channel;
    /** op 0: {@code u}. */
    public boolean unicast;
    /** op 0: {@code e}. */
    public String event;
    /** op 0: {@code d} (not set for MESSAGE / DIRECT_MESSAGE, whose nested parts are below). */
    public RawJson data;
    /** op 0: {@code d} was not an object where one was needed. */
    public boolean badData;
    /** MESSAGE / DIRECT_MESSAGE: {@code d.e}. */
    public String messageEvent;
    /** MESSAGE / DIRECT_MESSAGE: {@code d.d}. */
    public RawJson messageData;
    /** MESSAGE / DIRECT_MESSAGE: {@code d} was an object and has been parsed into the two fields above. */
    public boolean messageParsed;

    /** Back to the state of a new instance (the scanner reuses one envelope per connection). */
    public void reset() {
        op = OP_ABSENT;
        heartbeatInterval = -1;
        tag = null;
        channel = null;
        unicast = false;
        event = null;
        data = null;
        badData = false;
        messageEvent = null;
        messageData = null;
        messageParsed = false;
    }

    public static boolean isMessage(String event) {
        return Protocol.isMessage(event);
    }

    @Override
    public String toString() {
        return "Envelope[op=" + op + ", c=" + channel + ", e=" + event + ", u=" + unicast + "]";
    }
}
