package io.leap.spring.support;

import io.leap.spring.annotation.LeapListener;

/**
 * Names of the Spring {@link org.springframework.messaging.Message} headers that carry a Leap message's metadata to
 * {@link LeapListener} methods, for {@code @Header(LeapHeaders.CHANNEL_ID) String channel} and the like.
 */
public final class LeapHeaders {

    /** Prefix of every Leap header. */
    public static final String PREFIX = "leap_";

    /** Channel id ({@code String}); absent for direct messages. */
    public static final String CHANNEL_ID = PREFIX + "channelId";

    /** User event name ({@code String}). */
    public static final String EVENT = PREFIX + "event";

    /** Whether the server addressed only this connection ({@code Boolean}). */
    public static final String UNICAST = PREFIX + "unicast";

    /** Whether it is a direct message, sent to the token rather than to a channel ({@code Boolean}). */
    public static final String DIRECT = PREFIX + "direct";

    /** Id of the connection that received it ({@code String}); absent before the first {@code INIT}. */
    public static final String CONNECTION_ID = PREFIX + "connectionId";

    /** Id of the listener the message is delivered to ({@code String}). */
    public static final String LISTENER_ID = PREFIX + "listenerId";

    /** The {@link io.leap.client.LeapMessage} itself. */
    public static final String LEAP_MESSAGE = PREFIX + "message";

    private LeapHeaders() {}
}
