package io.leap.spring.listener;

/**
 * Counters of one {@link LeapListenerContainer} since it was created.
 *
 * @param received messages that matched the listener (channel or direct, and event), dropped ones included
 * @param processed messages whose listener method returned normally
 * @param failed messages whose conversion, validation, method invocation or reply failed
 * @param dropped messages dropped because the buffer was full, or discarded on shutdown
 * @param buffered messages currently waiting in the buffer
 */
public record LeapListenerStats(long received, long processed, long failed, long dropped, int buffered) {}
