package io.leap.server.internal;

/**
 * One server→client payload, serialised once and shared by every recipient. The zlib form is computed at most once,
 * by the first recipient that asked for compression (the stream is self-contained, so it is the same for everyone).
 */
final class Frame {

    final byte[] json;
    /** Follows the copies of a fault-injection burst to the sockets; {@code null} for every other payload. */
    final BurstTracker tracker;

    private volatile byte[] zlib;

    Frame(byte[] json) {
        this(json, null);
    }

    Frame(byte[] json, BurstTracker tracker) {
        this.json = json;
        this.tracker = tracker;
    }

    byte[] zlib() {
        byte[] z = zlib;
        if (z == null) {
            z = Zlib.deflate(json);
            zlib = z;
        }
        return z;
    }
}
