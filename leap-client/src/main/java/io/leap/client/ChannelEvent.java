package io.leap.client;

import tools.jackson.databind.JsonNode;

/**
 * A channel event: every server dispatch that is not a message and not {@code INIT}. A closed set of types plus
 * {@link UnknownEvent} for anything this client does not know (unknown events never disconnect).
 *
 * <pre>{@code
 * switch (event) {
 *     case ChannelEvent.StateUpdate s -> render(s.channelId(), s.state());
 *     case ChannelEvent.ChannelUnavailable u -> log(u.channelId(), u.errorCode());
 *     default -> { }
 * }
 * }</pre>
 */
public sealed interface ChannelEvent {

    /** @return the channel ID ({@code c}), or {@code null} for events not tied to a channel */
    String channelId();

    /** @return {@code true} if the server addressed only this connection ({@code u:true}) */
    boolean unicast();

    /**
     * @return the dispatch name on the wire, e.g. {@code "STATE_UPDATE"} ({@link UnknownEvent#event()} for unknown
     *         events); what {@link ListenerOptions#withEvents(String...)} matches for channel events
     */
    default String eventName() {
        if (this instanceof ChannelAvailable) {
            return "AVAILABLE";
        }
        if (this instanceof ChannelUnavailable) {
            return "UNAVAILABLE";
        }
        if (this instanceof StateUpdate) {
            return "STATE_UPDATE";
        }
        if (this instanceof TokenStateUpdate) {
            return "TOKEN_STATE_UPDATE";
        }
        if (this instanceof PipeRoomAvailable) {
            return "PIPE_ROOM_AVAILABLE";
        }
        if (this instanceof PipeRoomUpdate) {
            return "PIPE_ROOM_UPDATE";
        }
        if (this instanceof PipeRoomUnavailable) {
            return "PIPE_ROOM_UNAVAILABLE";
        }
        return ((UnknownEvent) this).event();
    }

    /**
     * {@code AVAILABLE}: the session gained a subscription (e.g. through REST), or a resubscription failed and was
     * re-granted. Answers to this client's own {@code subscribe} are not dispatched.
     *
     * @param channelId the channel ID
     * @param channel   the channel with its current state
     * @param unicast   {@code u}
     */
    record ChannelAvailable(String channelId, Channel channel, boolean unicast) implements ChannelEvent {}

    /**
     * {@code UNAVAILABLE}: the session lost the channel (deleted, unsubscribed through REST, a resubscription refused, a
     * publish to a channel not held...).
     *
     * @param channelId the channel ID
     * @param graceful  {@code true} if the loss was expected (an unsubscribe)
     * @param errorCode e.g. {@code NOT_GRANTED} or {@code UNKNOWN}; {@code null} when graceful
     * @param unicast   {@code u}
     */
    record ChannelUnavailable(String channelId, boolean graceful, String errorCode, boolean unicast)
            implements ChannelEvent {}

    /**
     * {@code STATE_UPDATE}: the channel's complete new state.
     *
     * @param channelId the channel ID
     * @param state     the full state after the change
     * @param unicast   {@code u}
     */
    record StateUpdate(String channelId, JsonNode state, boolean unicast) implements ChannelEvent {}

    /**
     * {@code TOKEN_STATE_UPDATE}: the token's new state (the new {@code INIT.metadata}).
     *
     * @param channelId normally {@code null}
     * @param state     the token's new full state
     * @param unicast   {@code u}
     */
    record TokenStateUpdate(String channelId, JsonNode state, boolean unicast) implements ChannelEvent {}

    /**
     * {@code PIPE_ROOM_AVAILABLE}.
     *
     * @param channelId normally {@code null}
     * @param data      the event data ({@code pipe_room}, {@code connection})
     * @param unicast   {@code u}
     */
    record PipeRoomAvailable(String channelId, JsonNode data, boolean unicast) implements ChannelEvent {}

    /**
     * {@code PIPE_ROOM_UPDATE}.
     *
     * @param channelId normally {@code null}
     * @param data      the event data ({@code pipe_room}, {@code connection})
     * @param unicast   {@code u}
     */
    record PipeRoomUpdate(String channelId, JsonNode data, boolean unicast) implements ChannelEvent {}

    /**
     * {@code PIPE_ROOM_UNAVAILABLE}.
     *
     * @param channelId normally {@code null}
     * @param joinToken the room's join token, if present
     * @param graceful  whether the loss was expected
     * @param errorCode the error code, or {@code null}
     * @param data      the whole event data
     * @param unicast   {@code u}
     */
    record PipeRoomUnavailable(
            String channelId, String joinToken, boolean graceful, String errorCode, JsonNode data, boolean unicast)
            implements ChannelEvent {}

    /**
     * A dispatch this client does not know, delivered as received (logged at debug, never a reason to disconnect).
     *
     * @param channelId the channel ID, or {@code null}
     * @param event     the event name ({@code e})
     * @param data      the event data ({@code NullNode} if absent or unparseable)
     * @param unicast   {@code u}
     */
    record UnknownEvent(String channelId, String event, JsonNode data, boolean unicast) implements ChannelEvent {}
}
