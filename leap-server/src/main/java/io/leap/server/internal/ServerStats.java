package io.leap.server.internal;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one node, kept without any metrics library so the server needs none; the management port exposes them
 * through Micrometer when it is enabled. All methods are thread-safe and cheap (striped adders).
 */
public final class ServerStats {

    private final LongAdder messagesIn = new LongAdder();
    private final LongAdder messagesOut = new LongAdder();
    private final LongAdder droppedFrames = new LongAdder();
    private final LongAdder fanOuts = new LongAdder();
    private final LongAdder fanOutNanos = new LongAdder();

    void messageIn() {
        messagesIn.increment();
    }

    void messagesOut(int n) {
        messagesOut.add(n);
    }

    void dropped(long n) {
        droppedFrames.add(n);
    }

    /** One event handed to this node's recipients, taking {@code nanos} to enqueue for all of them. */
    void fanOut(long nanos) {
        fanOuts.increment();
        fanOutNanos.add(nanos);
    }

    /** Inbound socket payloads (any opcode). */
    public long messagesIn() {
        return messagesIn.sum();
    }

    /** Payloads written to sockets. */
    public long messagesOut() {
        return messagesOut.sum();
    }

    /** Payloads dropped because a connection's outbound queue overflowed. */
    public long droppedFrames() {
        return droppedFrames.sum();
    }

    /** Channel events fanned out to this node's recipients. */
    public long fanOuts() {
        return fanOuts.sum();
    }

    /** Total time spent fanning those events out, in nanoseconds. */
    public long fanOutNanos() {
        return fanOutNanos.sum();
    }
}
