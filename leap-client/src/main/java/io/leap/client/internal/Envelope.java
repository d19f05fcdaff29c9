package io.leap.client.internal;

/** The parts of a server payload the client routes on; the user's data stays raw. Internal. */
final class Envelope {
    static final int OP_ABSENT = -1;
    static final int OP_INVALID = -2;

    int op = OP_ABSENT;
    /** op 1. */
    long heartbeatInterval = -1;
    /** op 3 / 4. */
    String tag;
    /** op 0: {@code c}. */
    String channel;
    /** op 0: {@code u}. */
    boolean unicast;
    /** op 0: {@code e}. */
    String event;
    /** op 0: {@code d} (not set for MESSAGE / DIRECT_MESSAGE, whose nested parts are below). */
    RawJson data;
    /** op 0: {@code d} was not an object where one was needed. */
    boolean badData;
    /** MESSAGE / DIRECT_MESSAGE: {@code d.e}. */
    String messageEvent;
    /** MESSAGE / DIRECT_MESSAGE: {@code d.d}. */
    RawJson messageData;
    /** MESSAGE / DIRECT_MESSAGE: {@code d} was an object and has been parsed into the two fields above. */
    boolean messageParsed;

    /** Back to the state of a new instance (the scanner reuses one envelope per connection). */
    void reset() {
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

    static boolean isMessage(String event) {
        return "MESSAGE".equals(event) || "DIRECT_MESSAGE".equals(event);
    }

    @Override
    public String toString() {
        return "Envelope[op=" + op + ", c=" + channel + ", e=" + event + ", u=" + unicast + "]";
    }
}
