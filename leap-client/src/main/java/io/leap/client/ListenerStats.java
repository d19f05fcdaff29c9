package io.leap.client;

/**
 * Counters of one listener registration.
 *
 * @param delivered events handed to the listener (including those it threw on)
 * @param dropped   events discarded because its buffer was full ({@link OverflowPolicy#DROP_OLDEST} or
 *                  {@link OverflowPolicy#DROP_NEWEST})
 * @param queued    events waiting in its buffer now
 */
public record ListenerStats(long delivered, long dropped, int queued) {}
