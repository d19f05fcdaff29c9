package io.leap.server.internal;

import io.leap.server.ChannelType;
import io.leap.server.ConnectionInfo;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The node's live connections and the front of its {@link Engine}: the socket handlers, the REST API and the admin
 * methods call the hub, which keeps the connection registry and the server-wide switches itself and hands state and
 * fan-out to the engine (in memory, or Redis for a cluster).
 */
public final class Hub {

    private static final SecureRandom RANDOM = new SecureRandom();

    final ServerConfig config;
    final Engine engine;
    private final Map<String, Conn> connections = new ConcurrentHashMap<>();
    final AtomicLong connectionAttempts = new AtomicLong();
    volatile boolean heartbeatAcks = true;
    /**
     * Connection opens and closes as {@code key=value} lines, at debug level (the standalone server turns it on);
     * never with a token.
     */
    static final Logger connectionLog = LoggerFactory.getLogger("io.leap.server.connections");

    final ServerStats stats;

    Hub(ServerConfig config, Engine engine, ServerStats stats) {
        this.config = config;
        this.engine = engine;
        this.stats = stats;
    }

    static String randomId(String prefix, int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static void validateChannelId(String id) {
        if (id.isEmpty() || id.length() > 128) {
            throw new IllegalArgumentException("Channel ID must be 1-128 characters");
        }
        if (id.equals("tokens")) {
            throw new IllegalArgumentException("Channel ID 'tokens' is reserved");
        }
        for (int i = 0; i < id.length(); i++) {
            char ch = id.charAt(i);
            if (ch == '/' || Character.isISOControl(ch)) {
                throw new IllegalArgumentException("Channel ID must not contain '/' or control characters");
            }
        }
    }

    static void validateEvent(String event) {
        if (event == null || event.isEmpty() || event.length() > 256) {
            throw new IllegalArgumentException("Event name 'e' must be a non-empty string of at most 256 characters");
        }
    }

    // ---------------------------------------------------------------- connections

    void register(Conn conn) {
        connections.put(conn.cid, conn);
        connectionLog.debug(
                "connection opened cid={} remote={} compression={}",
                conn.cid,
                conn.channel.remoteAddress(),
                conn.zlib ? "zlib" : "none");
    }

    void unregister(Conn conn) {
        if (connections.remove(conn.cid) == null) {
            return;
        }
        try {
            engine.unregister(conn);
        } finally {
            long ms = java.time.Duration.between(conn.connectedAt, java.time.Instant.now())
                    .toMillis();
            int code = conn.closeCode;
            connectionLog.debug(
                    "connection closed cid={} identified={} anonymous={} code={} by={} duration_ms={}",
                    conn.cid,
                    conn.identified,
                    conn.token == null,
                    code == 0 ? "-" : Integer.toString(code),
                    code == 0 ? "peer" : "server",
                    ms);
        }
    }

    Conn connection(String cid) {
        Conn c = connections.get(cid);
        if (c == null) {
            throw new NoSuchElementException("No live connection " + cid);
        }
        return c;
    }

    Conn findConnection(String cid) {
        return connections.get(cid);
    }

    List<Conn> allConnections() {
        return new ArrayList<>(connections.values());
    }

    public List<ConnectionInfo> connectionInfos() {
        List<ConnectionInfo> out = new ArrayList<>();
        for (Conn c : connections.values()) {
            out.add(c.info());
        }
        out.sort(Comparator.comparing(ConnectionInfo::connectedAt));
        return out;
    }

    public int connectionCount() {
        return connections.size();
    }

    public long connectionAttempts() {
        return connectionAttempts.get();
    }

    public long droppedFrames() {
        return stats.droppedFrames();
    }

    public ServerStats stats() {
        return stats;
    }

    public void heartbeatAcks(boolean enabled) {
        heartbeatAcks = enabled;
    }

    /** Token sessions of this node's engine view plus this node's anonymous identified connections. */
    public int sessionCount() {
        int n = engine.tokenSessionCount();
        for (Conn c : connections.values()) {
            if (c.identified && c.token == null) {
                n++;
            }
        }
        return n;
    }

    /** Whether the engine can serve (its store is reachable). */
    public boolean ready() {
        return engine.ready();
    }

    // ---------------------------------------------------------------- socket dispatches (spec §9, §10)

    boolean identify(Conn conn, String tokenId) {
        return engine.identify(conn, tokenId);
    }

    void subscribe(Conn conn, String channelId) {
        engine.subscribe(conn, channelId);
    }

    void unsubscribe(Conn conn, String channelId) {
        engine.unsubscribe(conn, channelId);
    }

    void clientMessage(Conn conn, String channelId, String event, JsonNode data) {
        engine.clientMessage(conn, channelId, event, data);
    }

    void clientSetState(Conn conn, String channelId, ObjectNode state) {
        engine.clientSetState(conn, channelId, state);
    }

    // ---------------------------------------------------------------- channels (REST §6.1-6.13 and admin)

    /** Creates a channel; {@code id == null} generates {@code channel_…}. */
    public ObjectNode createChannel(String id, ChannelType type, ObjectNode state) {
        return engine.createChannel(id, type, state);
    }

    public ObjectNode getChannel(String id) {
        return engine.getChannel(id);
    }

    public boolean channelExists(String id) {
        return engine.channelExists(id);
    }

    /** All channels (REST shape) in creation order. */
    public List<ObjectNode> listChannels(boolean byId, boolean descending) {
        return engine.listChannels(byId, descending);
    }

    public void deleteChannel(String id) {
        engine.deleteChannel(id);
    }

    public ObjectNode channelState(String id) {
        return engine.channelState(id);
    }

    public void setChannelState(String id, ObjectNode state) {
        engine.setChannelState(id, state);
    }

    /** Shallow merge: each top-level key of the patch replaces that key; {@code null} values are kept. */
    public void patchChannelState(String id, ObjectNode patch) {
        engine.patchChannelState(id, patch);
    }

    /** Publishes {@code MESSAGE {e, d}} to the channel's live subscribers; encoded once for all of them. */
    public void publish(String channelId, String event, JsonNode data) {
        engine.publish(channelId, event, data);
    }

    /**
     * Fans the same frame out {@code count} times in a row to this node's live subscribers of the channel, with no
     * other event of the channel in between (fault-injection bursts, see {@link FaultOps}). Local only: a burst
     * measures this node's sockets, not the engine's fan-out.
     */
    void publishRepeated(String channelId, Frame frame, int count) {
        engine.publishRepeated(channelId, frame, count);
    }

    public void subscribeToken(String channelId, String tokenId) {
        engine.subscribeToken(channelId, tokenId);
    }

    public void unsubscribeToken(String channelId, String tokenId) {
        engine.unsubscribeToken(channelId, tokenId);
    }

    public List<ObjectNode> channelTokens(String channelId) {
        return engine.channelTokens(channelId);
    }

    public int onlineCount(String channelId) {
        return engine.onlineCount(channelId);
    }

    // ---------------------------------------------------------------- tokens (REST §6.14-6.19 and admin)

    public ObjectNode createToken(ObjectNode state) {
        return engine.createToken(state);
    }

    public List<ObjectNode> listTokens() {
        return engine.listTokens();
    }

    public boolean tokenExists(String id) {
        return engine.tokenExists(id);
    }

    public ObjectNode getToken(String id) {
        return engine.getToken(id);
    }

    /** Replaces the token's state whole and sends {@code TOKEN_STATE_UPDATE} to its live connections (spec D-9). */
    public ObjectNode setTokenState(String id, ObjectNode state) {
        return engine.setTokenState(id, state);
    }

    /** Deletes the token: its subscriptions go, its live connections are closed with 4001 (spec D-8). */
    public void deleteToken(String id) {
        engine.deleteToken(id);
    }

    public void directMessage(String tokenId, String event, JsonNode data) {
        engine.directMessage(tokenId, event, data);
    }

    /** {@code PUT /v1/channels/{id}} for an existing ID (REST spec R-3). */
    public static final class ConflictException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        ConflictException(String message) {
            super(message);
        }
    }

    /** A state over the configured size limit. */
    public static final class PayloadTooLargeException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        PayloadTooLargeException(String message) {
            super(message);
        }
    }
}
