package io.leap.client;

import java.time.Duration;

/**
 * A snapshot of a client's counters since it was built.
 *
 * @param state            the state when the snapshot was taken
 * @param framesReceived   frames received (every opcode)
 * @param dispatches       dispatches (op 0) received
 * @param messages         {@code MESSAGE} and {@code DIRECT_MESSAGE} dispatches received
 * @param reconnects       reconnect attempts made
 * @param listenerErrors   exceptions thrown by listeners
 * @param dropped          events dropped by full listener buffers, all listeners together
 * @param buffered         events currently waiting in listener buffers, all listeners together
 * @param decodeErrors     frames that could not be decoded and were skipped
 * @param lastHeartbeatRtt round trip of the last acknowledged heartbeat, or {@code null} if none yet
 */
public record ClientStats(
        ConnectionState state,
        long framesReceived,
        long dispatches,
        long messages,
        long reconnects,
        long listenerErrors,
        long dropped,
        long buffered,
        long decodeErrors,
        Duration lastHeartbeatRtt) {}
