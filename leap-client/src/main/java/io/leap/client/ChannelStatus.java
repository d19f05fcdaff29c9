package io.leap.client;

import java.util.Objects;

/**
 * Where a channel the application asked for stands, as {@link LeapClient#channelStatus(String)} reports it.
 *
 * @param channelId the channel ID
 * @param state     pending, subscribed or refused
 * @param errorCode the server's {@code error_code} when refused ({@code null} otherwise; {@code "UNAVAILABLE"} if the
 *                  server gave none)
 */
public record ChannelStatus(String channelId, State state, String errorCode) {

    /** The states of a wanted channel. */
    public enum State {
        /** Asked for, no answer yet (or not connected). */
        PENDING,
        /** Held: the server confirmed it. */
        SUBSCRIBED,
        /**
         * The server refused it or took it away; with {@link LeapClient.Builder#subscriptionRetryInterval(java.time.Duration)}
         * it is asked for again on that interval.
         */
        REFUSED
    }

    /** Validates the fields. */
    public ChannelStatus {
        Objects.requireNonNull(channelId, "channelId");
        Objects.requireNonNull(state, "state");
    }
}
