package io.leap.server.internal;

import io.leap.server.ChannelType;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Where a server keeps its state and how it fans events out: channels and their state, tokens and their state,
 * subscriptions, presence, and the socket side effects of every change (protocol spec §7, §9, §10, §12; REST spec §6).
 * The {@link Hub} keeps the node's live connections and delegates everything else here.
 *
 * <p>Two engines exist: {@link MemoryEngine} (one node, the default) and {@link RedisEngine} (any number of nodes
 * sharing one Redis). Every method is thread-safe. Socket sends only enqueue ({@link Conn#send}), so no method blocks
 * on a client. Errors: {@link java.util.NoSuchElementException} for an unknown channel or token,
 * {@link Hub.ConflictException} for an existing channel ID, {@link Hub.PayloadTooLargeException} for a state over the
 * limit, {@link IllegalArgumentException} for invalid input, {@link EngineUnavailableException} when the engine's
 * store cannot be reached.
 */
interface Engine extends AutoCloseable {

    // ---------------------------------------------------------------- socket side

    /**
     * Identifies the connection with a token ID ({@code null} = anonymous), joins the token's session and sends
     * {@code INIT} (spec §9.1). Returns false, changing nothing, if the token does not exist.
     */
    boolean identify(Conn conn, String tokenId);

    /** The connection is gone: leaves its session and drops its anonymous subscriptions. */
    void unregister(Conn conn);

    /** Client {@code SUBSCRIBE} (spec §10.1). */
    void subscribe(Conn conn, String channelId);

    /** Client {@code UNSUBSCRIBE} (spec §10.2). */
    void unsubscribe(Conn conn, String channelId);

    /** Client {@code MESSAGE} (spec §10.4): broadcast to every subscriber, the sender included. */
    void clientMessage(Conn conn, String channelId, String event, JsonNode data);

    /** Client {@code SET_CHANNEL_STATE} (spec §10.3). */
    void clientSetState(Conn conn, String channelId, ObjectNode state);

    /** Token sessions alive: a connection or within the session timeout after the last one (anonymous ones excluded). */
    int tokenSessionCount();

    // ---------------------------------------------------------------- channels

    ObjectNode createChannel(String id, ChannelType type, ObjectNode state);

    ObjectNode getChannel(String id);

    boolean channelExists(String id);

    List<ObjectNode> listChannels(boolean byId, boolean descending);

    void deleteChannel(String id);

    ObjectNode channelState(String id);

    void setChannelState(String id, ObjectNode state);

    void patchChannelState(String id, ObjectNode patch);

    void publish(String channelId, String event, JsonNode data);

    /**
     * Fans one frame out {@code count} times in a row to this node's live subscribers of the channel, nothing else of
     * the channel in between; never through the store (fault-injection bursts).
     */
    void publishRepeated(String channelId, Frame frame, int count);

    void subscribeToken(String channelId, String tokenId);

    void unsubscribeToken(String channelId, String tokenId);

    List<ObjectNode> channelTokens(String channelId);

    int onlineCount(String channelId);

    // ---------------------------------------------------------------- tokens

    ObjectNode createToken(ObjectNode state);

    List<ObjectNode> listTokens();

    boolean tokenExists(String id);

    ObjectNode getToken(String id);

    ObjectNode setTokenState(String id, ObjectNode state);

    void deleteToken(String id);

    void directMessage(String tokenId, String event, JsonNode data);

    // ---------------------------------------------------------------- lifecycle

    /** Whether the engine can serve requests now (its store is reachable). */
    default boolean ready() {
        return true;
    }

    /** Commands sent to Redis since start (0 for the in-memory engine). */
    default long redisRoundTrips() {
        return 0;
    }

    /** A short human-readable description for logs and the startup banner, never with credentials. */
    default String describe() {
        return "in-memory";
    }

    /** Releases the engine's resources; the node's connections are closed by then. */
    @Override
    default void close() {}
}
