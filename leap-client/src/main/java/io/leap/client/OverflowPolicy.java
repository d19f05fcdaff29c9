package io.leap.client;

/** What a listener's bounded buffer does when it is full. */
public enum OverflowPolicy {
    /**
     * Stop reading the socket until the listener has room again (the default). Nothing is lost; a slow listener slows
     * the whole connection down (heartbeat checks are suspended while reading is paused).
     */
    BLOCK,
    /** Drop the oldest buffered event to make room for the new one. Drops are counted. */
    DROP_OLDEST,
    /** Drop the new event. Drops are counted. */
    DROP_NEWEST
}
