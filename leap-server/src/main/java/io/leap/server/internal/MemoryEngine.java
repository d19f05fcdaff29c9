package io.leap.server.internal;

import io.leap.server.ChannelType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The in-memory engine (the default): channels, tokens, sessions and subscriptions of one node, plus every operation
 * on them with its socket side effects (protocol spec §7, §9, §10, §12). One lock guards the model; socket sends only
 * enqueue, so no blocking happens under it, and taking it around each fan-out keeps every recipient's view of one
 * channel in publish order.
 */
final class MemoryEngine implements Engine {

    private static final Logger log = LoggerFactory.getLogger(MemoryEngine.class);

    final ServerConfig config;
    private final ScheduledExecutorService scheduler;
    private final Instant projectCreatedAt = Instant.now();
    private final Map<String, ChannelRec> channels = new LinkedHashMap<>();
    private final Map<String, TokenRec> tokens = new LinkedHashMap<>();

    private final ServerStats stats;

    MemoryEngine(ServerConfig config, ScheduledExecutorService scheduler, ServerStats stats) {
        this.config = config;
        this.scheduler = scheduler;
        this.stats = stats;
    }

    private static String randomId(String prefix, int bytes) {
        return Hub.randomId(prefix, bytes);
    }

    // ---------------------------------------------------------------- connections

    @Override
    public synchronized void unregister(Conn conn) {
        TokenRec t = conn.token;
        if (t != null && t.connections.remove(conn)) {
            t.invalidateChannels();
            if (t.connections.isEmpty() && t.sessionAlive) {
                t.sessionDrop = scheduler.schedule(
                        () -> dropSession(t), config.sessionTimeout().toMillis(), TimeUnit.MILLISECONDS);
            }
        }
        for (ChannelRec c : conn.anonymousSubscriptions) {
            c.anonymousSubscribers.remove(conn);
            c.invalidate();
        }
        conn.anonymousSubscriptions.clear();
    }

    private synchronized void dropSession(TokenRec t) {
        if (t.connections.isEmpty()) {
            t.sessionAlive = false;
            t.sessionDrop = null;
            log.debug("Session of a token dropped after {} without connections", config.sessionTimeout());
        }
    }

    @Override
    public synchronized int tokenSessionCount() {
        int n = 0;
        for (TokenRec t : tokens.values()) {
            if (t.sessionAlive) {
                n++;
            }
        }
        return n;
    }

    /**
     * Identifies the connection with a token ID ({@code null} = anonymous): joins the token's session and sends
     * {@code INIT} (spec §9.1). Returns false, changing nothing, if the token does not exist. Lookup and join happen
     * under one lock, so a token deleted concurrently never gains a connection.
     */
    @Override
    public synchronized boolean identify(Conn conn, String tokenId) {
        TokenRec token = null;
        if (tokenId != null) {
            token = tokens.get(tokenId);
            if (token == null) {
                return false;
            }
        }
        conn.identified = true;
        ObjectNode init = Json.object().put("cid", conn.cid);
        ArrayNode list = Json.NODES.arrayNode();
        if (token != null) {
            conn.token = token;
            token.connections.add(conn);
            token.invalidateChannels();
            if (token.sessionDrop != null) {
                token.sessionDrop.cancel(false);
                token.sessionDrop = null;
            }
            token.sessionAlive = true;
            for (ChannelRec c : token.subscriptions) {
                list.add(socketChannel(c));
            }
            init.put("connection_count", token.connections.size());
            init.set("metadata", token.state.deepCopy());
            init.put("scope", "token");
        } else {
            init.put("connection_count", 1);
            init.putNull("metadata");
            init.put("scope", "noauth");
        }
        init.set("channels", list);
        conn.send(Events.dispatch(null, true, "INIT", init));
        return true;
    }

    // ---------------------------------------------------------------- socket dispatches (spec §10)

    private boolean holds(Conn conn, ChannelRec c) {
        return conn.token != null ? conn.token.subscriptions.contains(c) : conn.anonymousSubscriptions.contains(c);
    }

    private void toSession(Conn conn, Frame frame) {
        if (conn.token != null) {
            toToken(conn.token, frame);
        } else {
            conn.send(frame);
        }
    }

    @Override
    public synchronized void subscribe(Conn conn, String channelId) {
        ChannelRec c = channels.get(channelId);
        if (c == null) {
            conn.send(Events.dispatch(channelId, true, "UNAVAILABLE", Events.unavailable(false, "UNKNOWN")));
            return;
        }
        if (holds(conn, c)) {
            conn.send(available(c, true));
            return;
        }
        TokenRec t = conn.token;
        boolean granted = t != null ? c.type != ChannelType.PRIVATE : c.type == ChannelType.UNPROTECTED;
        if (!granted) {
            conn.send(Events.dispatch(channelId, true, "UNAVAILABLE", Events.unavailable(false, "NOT_GRANTED")));
            return;
        }
        if (t != null) {
            t.subscriptions.add(c);
            c.tokenSubscribers.add(t);
        } else {
            conn.anonymousSubscriptions.add(c);
            c.anonymousSubscribers.add(conn);
        }
        c.invalidate();
        toSession(conn, available(c, false));
    }

    @Override
    public synchronized void unsubscribe(Conn conn, String channelId) {
        ChannelRec c = channels.get(channelId);
        if (c == null || !holds(conn, c)) {
            conn.send(Events.dispatch(channelId, true, "UNAVAILABLE", Events.unavailable(true, null)));
            return;
        }
        Frame frame = Events.dispatch(channelId, false, "UNAVAILABLE", Events.unavailable(true, null));
        toSession(conn, frame);
        if (conn.token != null) {
            conn.token.subscriptions.remove(c);
            c.tokenSubscribers.remove(conn.token);
        } else {
            conn.anonymousSubscriptions.remove(c);
            c.anonymousSubscribers.remove(conn);
        }
        c.invalidate();
    }

    /** Client {@code MESSAGE} (spec §10.4): broadcast to every subscriber, the sender included. */
    @Override
    public void clientMessage(Conn conn, String channelId, String event, JsonNode data) {
        Frame frame = Events.userMessage(channelId, "MESSAGE", event, data);
        synchronized (this) {
            ChannelRec c = channels.get(channelId);
            if (c == null || !holds(conn, c)) {
                conn.send(Events.dispatch(channelId, true, "UNAVAILABLE", Events.unavailable(false, "UNKNOWN")));
                return;
            }
            fanOut(c, frame);
        }
    }

    /** Client {@code SET_CHANNEL_STATE} (spec §10.3). */
    @Override
    public synchronized void clientSetState(Conn conn, String channelId, ObjectNode state) {
        ChannelRec c = channels.get(channelId);
        if (c == null || !holds(conn, c)) {
            conn.send(Events.dispatch(channelId, true, "UNAVAILABLE", Events.unavailable(false, "UNKNOWN")));
            return;
        }
        c.state = state;
        fanOut(c, Events.dispatch(c.id, false, "STATE_UPDATE", Events.stateData(state.deepCopy())));
    }

    private Frame available(ChannelRec c, boolean unicast) {
        ObjectNode d = Json.object();
        d.set("channel", socketChannel(c));
        return Events.dispatch(c.id, unicast, "AVAILABLE", d);
    }

    private ObjectNode socketChannel(ChannelRec c) {
        ObjectNode o = Json.object()
                .put("id", c.id)
                .put("project_id", config.projectId())
                .put("type", c.type.wireName());
        o.set("state", c.state.deepCopy());
        o.put("capabilities", 0);
        return o;
    }

    /** Sends to every live connection of the token's session. */
    private static void toToken(TokenRec t, Frame frame) {
        for (Conn conn : t.connections) {
            conn.send(frame);
        }
    }

    private void fanOut(ChannelRec c, Frame frame) {
        long start = System.nanoTime();
        for (Conn conn : c.recipients()) {
            conn.send(frame);
        }
        stats.fanOut(System.nanoTime() - start);
    }

    // ---------------------------------------------------------------- channels (REST §6.1-6.13 and admin)

    /** Creates a channel; {@code id == null} generates {@code channel_…}. */
    @Override
    public synchronized ObjectNode createChannel(String id, ChannelType type, ObjectNode state) {
        checkState(state, "Channel state");
        String channelId = id;
        if (channelId == null) {
            do {
                channelId = randomId("channel_", 12);
            } while (channels.containsKey(channelId));
        } else {
            Hub.validateChannelId(channelId);
            if (channels.containsKey(channelId)) {
                throw new Hub.ConflictException("Channel " + channelId + " already exists");
            }
        }
        ChannelRec c = new ChannelRec(channelId, type, state.deepCopy());
        channels.put(channelId, c);
        return restChannel(c);
    }

    private void checkState(ObjectNode state, String what) {
        int size = Json.serialisedSize(state);
        if (size > config.maxStateBytes()) {
            throw new Hub.PayloadTooLargeException(
                    what + " is " + size + " bytes; the limit is " + config.maxStateBytes());
        }
    }

    private ChannelRec channel(String id) {
        ChannelRec c = channels.get(id);
        if (c == null) {
            throw new NoSuchElementException("Channel " + id + " does not exist");
        }
        return c;
    }

    private TokenRec token(String id) {
        TokenRec t = tokens.get(id);
        if (t == null) {
            throw new NoSuchElementException("Token does not exist");
        }
        return t;
    }

    @Override
    public synchronized ObjectNode getChannel(String id) {
        return restChannel(channel(id));
    }

    @Override
    public synchronized boolean channelExists(String id) {
        return channels.containsKey(id);
    }

    /** All channels (REST shape) in creation order. */
    @Override
    public synchronized List<ObjectNode> listChannels(boolean byId, boolean descending) {
        List<ChannelRec> list = new ArrayList<>(channels.values());
        if (byId) {
            list.sort(Comparator.comparing(c -> c.id));
        }
        if (descending) {
            java.util.Collections.reverse(list);
        }
        List<ObjectNode> out = new ArrayList<>(list.size());
        for (ChannelRec c : list) {
            out.add(restChannel(c));
        }
        return out;
    }

    @Override
    public synchronized void deleteChannel(String id) {
        ChannelRec c = channel(id);
        fanOut(c, Events.dispatch(id, false, "UNAVAILABLE", Events.unavailable(false, "UNKNOWN")));
        for (TokenRec t : c.tokenSubscribers) {
            t.subscriptions.remove(c);
        }
        for (Conn conn : c.anonymousSubscribers) {
            conn.anonymousSubscriptions.remove(c);
        }
        channels.remove(id);
    }

    @Override
    public synchronized ObjectNode channelState(String id) {
        return channel(id).state.deepCopy();
    }

    @Override
    public synchronized void setChannelState(String id, ObjectNode state) {
        ChannelRec c = channel(id);
        checkState(state, "Channel state");
        c.state = state.deepCopy();
        fanOut(c, Events.dispatch(id, false, "STATE_UPDATE", Events.stateData(c.state.deepCopy())));
    }

    /** Shallow merge: each top-level key of the patch replaces that key; {@code null} values are kept. */
    @Override
    public synchronized void patchChannelState(String id, ObjectNode patch) {
        ChannelRec c = channel(id);
        ObjectNode merged = c.state.deepCopy();
        merged.setAll(patch.deepCopy());
        checkState(merged, "Channel state");
        c.state = merged;
        fanOut(c, Events.dispatch(id, false, "STATE_UPDATE", Events.stateData(merged.deepCopy())));
    }

    /** Publishes {@code MESSAGE {e, d}} to the channel's live subscribers; encoded once for all of them. */
    @Override
    public void publish(String channelId, String event, JsonNode data) {
        Hub.validateEvent(event);
        Frame frame = Events.userMessage(channelId, "MESSAGE", event, data);
        synchronized (this) {
            fanOut(channel(channelId), frame);
        }
    }

    @Override
    public synchronized void publishRepeated(String channelId, Frame frame, int count) {
        ChannelRec c = channel(channelId);
        for (int i = 0; i < count; i++) {
            fanOut(c, frame);
        }
    }

    @Override
    public synchronized void subscribeToken(String channelId, String tokenId) {
        ChannelRec c = channel(channelId);
        TokenRec t = token(tokenId);
        if (t.subscriptions.add(c)) {
            c.tokenSubscribers.add(t);
            c.invalidate();
            Frame frame = available(c, false);
            toToken(t, frame);
        }
    }

    @Override
    public synchronized void unsubscribeToken(String channelId, String tokenId) {
        ChannelRec c = channel(channelId);
        TokenRec t = token(tokenId);
        if (t.subscriptions.remove(c)) {
            c.tokenSubscribers.remove(t);
            c.invalidate();
            Frame frame = Events.dispatch(channelId, false, "UNAVAILABLE", Events.unavailable(true, null));
            toToken(t, frame);
        }
    }

    @Override
    public synchronized List<ObjectNode> channelTokens(String channelId) {
        ChannelRec c = channel(channelId);
        List<ObjectNode> out = new ArrayList<>();
        for (TokenRec t : c.tokenSubscribers) {
            out.add(restToken(t));
        }
        return out;
    }

    @Override
    public synchronized int onlineCount(String channelId) {
        return channel(channelId).recipients().length;
    }

    // ---------------------------------------------------------------- tokens (REST §6.14-6.19 and admin)

    @Override
    public synchronized ObjectNode createToken(ObjectNode state) {
        checkState(state, "Token state");
        String id;
        do {
            id = randomId("leap_token_", 24);
        } while (tokens.containsKey(id));
        TokenRec t = new TokenRec(id, state.deepCopy());
        tokens.put(id, t);
        return restToken(t);
    }

    @Override
    public synchronized List<ObjectNode> listTokens() {
        List<ObjectNode> out = new ArrayList<>();
        for (TokenRec t : tokens.values()) {
            out.add(restToken(t));
        }
        return out;
    }

    @Override
    public synchronized boolean tokenExists(String id) {
        return tokens.containsKey(id);
    }

    @Override
    public synchronized ObjectNode getToken(String id) {
        return restToken(token(id));
    }

    /** Replaces the token's state whole and sends {@code TOKEN_STATE_UPDATE} to its live connections (spec D-9). */
    @Override
    public synchronized ObjectNode setTokenState(String id, ObjectNode state) {
        TokenRec t = token(id);
        checkState(state, "Token state");
        t.state = state.deepCopy();
        Frame frame = Events.dispatch(null, false, "TOKEN_STATE_UPDATE", Events.stateData(t.state.deepCopy()));
        toToken(t, frame);
        return restToken(t);
    }

    /** Deletes the token: its subscriptions go, its live connections are closed with 4001 (spec D-8). */
    @Override
    public synchronized void deleteToken(String id) {
        TokenRec t = token(id);
        tokens.remove(id);
        for (ChannelRec c : t.subscriptions) {
            c.tokenSubscribers.remove(t);
            c.invalidate();
        }
        t.subscriptions.clear();
        for (Conn conn : t.connections) {
            conn.close(CloseCodes.INVALID_AUTH, "Invalid auth");
        }
        if (t.sessionDrop != null) {
            t.sessionDrop.cancel(false);
        }
        t.sessionAlive = false;
    }

    @Override
    public void directMessage(String tokenId, String event, JsonNode data) {
        Hub.validateEvent(event);
        Frame frame = Events.userMessage(null, "DIRECT_MESSAGE", event, data);
        synchronized (this) {
            toToken(token(tokenId), frame);
        }
    }

    // ---------------------------------------------------------------- REST shapes

    private ObjectNode restChannel(ChannelRec c) {
        ObjectNode o = Json.object().put("id", c.id);
        o.set("project", restProject());
        o.set("state", c.state.deepCopy());
        o.put("capabilities", 0);
        o.put("created_at", Json.timestamp(c.createdAt));
        o.put("type", c.type.wireName());
        return o;
    }

    private ObjectNode restProject() {
        ObjectNode p = Json.object()
                .put("id", config.projectId())
                .put("name", "leap-embedded")
                .put("tier", "free")
                .put("created_at", Json.timestamp(projectCreatedAt));
        p.putNull("icon");
        p.put("namespace", "leap-embedded").put("type", "regular");
        p.putObject("default_quotas").put("vcpu", 2).put("ram", 2048).put("volume", 3000);
        p.putObject("quota_overrides");
        p.putObject("quota_usage").put("vcpu", 0).put("ram", 0).put("volume", 0);
        return p;
    }

    private ObjectNode restToken(TokenRec t) {
        ObjectNode o = Json.object().put("id", t.id);
        o.set("state", t.state.deepCopy());
        o.put("project_id", config.projectId());
        o.put("is_online", !t.connections.isEmpty());
        return o;
    }
}
