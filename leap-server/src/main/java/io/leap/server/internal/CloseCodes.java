package io.leap.server.internal;

/** Leap close codes (protocol spec §11). */
final class CloseCodes {
    static final int UNKNOWN = 4000;
    static final int INVALID_AUTH = 4001;
    static final int IDENTIFY_TIMEOUT = 4002;
    static final int NOT_AUTHENTICATED = 4003;
    static final int UNKNOWN_OPCODE = 4004;
    static final int INVALID_PAYLOAD = 4005;
    static final int BAD_ROUTE = 4006;
    static final int OUT_OF_SYNC = 4007;
    static final int GOING_AWAY = 1001;

    private CloseCodes() {}
}
