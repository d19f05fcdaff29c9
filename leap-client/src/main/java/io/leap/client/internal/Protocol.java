package io.leap.client.internal;

/**
 * The Leap Edge protocol's vocabulary, in one place: opcodes, close codes and dispatch event names (protocol spec §4,
 * §7 and §11). Internal API.
 */
public final class Protocol {

    /** op 0: a dispatch, in both directions. */
    public static final int OP_DISPATCH = 0;
    /** op 1: Hello, the server's first payload, with {@code heartbeat_interval}. */
    public static final int OP_HELLO = 1;
    /** op 2: Identify, the client's first payload, with the project ID and the token. */
    public static final int OP_IDENTIFY = 2;
    /** op 3: a heartbeat, in both directions (the server's carries a tag to echo). */
    public static final int OP_HEARTBEAT = 3;
    /** op 4: the server's acknowledgement of a client heartbeat. */
    public static final int OP_HEARTBEAT_ACK = 4;

    /** Normal closure, sent by the client when it closes or gives up a connection. */
    public static final int CLOSE_NORMAL = 1000;
    /** Identify rejected or the token deleted: never reconnect with the same token. */
    public static final int CLOSE_INVALID_AUTH = 4001;
    /** Bad route: reconnect to the URL given as the reason (decision D-15). */
    public static final int CLOSE_BAD_ROUTE = 4006;

    /** Server dispatch: a message published to a channel. */
    public static final String MESSAGE = "MESSAGE";
    /** Server dispatch: a message sent to this connection only. */
    public static final String DIRECT_MESSAGE = "DIRECT_MESSAGE";
    /** Server dispatch: the connection is authenticated. */
    public static final String INIT = "INIT";
    /** Server dispatch: a channel became available (subscribe answer or server-side subscription). */
    public static final String AVAILABLE = "AVAILABLE";
    /** Server dispatch: a channel is not (or no longer) available. */
    public static final String UNAVAILABLE = "UNAVAILABLE";
    /** Server dispatch: a channel's state was replaced. */
    public static final String STATE_UPDATE = "STATE_UPDATE";
    /** Server dispatch: the token's state was replaced. */
    public static final String TOKEN_STATE_UPDATE = "TOKEN_STATE_UPDATE";
    /** Server dispatch: a pipe room became available. */
    public static final String PIPE_ROOM_AVAILABLE = "PIPE_ROOM_AVAILABLE";
    /** Server dispatch: a pipe room changed. */
    public static final String PIPE_ROOM_UPDATE = "PIPE_ROOM_UPDATE";
    /** Server dispatch: a pipe room went away. */
    public static final String PIPE_ROOM_UNAVAILABLE = "PIPE_ROOM_UNAVAILABLE";
    /** Client dispatch: subscribe to a channel. */
    public static final String SUBSCRIBE = "SUBSCRIBE";
    /** Client dispatch: unsubscribe from a channel. */
    public static final String UNSUBSCRIBE = "UNSUBSCRIBE";
    /** Client dispatch: replace a channel's state. */
    public static final String SET_CHANNEL_STATE = "SET_CHANNEL_STATE";

    private Protocol() {}

    /**
     * @param event a dispatch event name
     * @return whether it carries a user message ({@code d = {e, d}})
     */
    public static boolean isMessage(String event) {
        return MESSAGE.equals(event) || DIRECT_MESSAGE.equals(event);
    }
}
