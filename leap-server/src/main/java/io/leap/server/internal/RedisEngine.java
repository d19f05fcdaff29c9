package io.leap.server.internal;

import io.leap.server.ChannelType;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Redis engine: channels, tokens, states and subscriptions live in Redis, so any number of nodes with the same
 * Redis and project ID act as one Leap service.
 *
 * <p>Every change runs as one Lua script ({@link RedisScripts}) that also publishes the event it causes on the
 * project's pub/sub channel. Each node subscribes once to that channel and fans each event out to its own
 * connections from a local index (local tokens and their subscriptions, anonymous subscribers), so Redis carries one
 * message per event per node, not per recipient, and every node applies changes and events in the one order Redis
 * executed them: messages one publisher sent on one channel arrive in that order on every node (spec D-16).
 * Delivery stays at most once (spec D-4): events published while a node is cut from Redis are not replayed.
 *
 * <p>Presence is cluster-wide: each node writes its token → connection counts and anonymous subscriber counts under
 * keys that expire with its heartbeat ({@value #NODE_TTL_MS} ms, refreshed every {@value #NODE_REFRESH_MS} ms and on
 * every local change), and counts add the live nodes' figures to this node's own. A node that dies without closing
 * stops counting within {@value #NODE_TTL_MS} ms.
 */
final class RedisEngine implements Engine {

    private static final Logger log = LoggerFactory.getLogger(RedisEngine.class);
    /** A node's presence keys expire this long after its last heartbeat. */
    static final long NODE_TTL_MS = 6000;
    /** How often a node refreshes its heartbeat and presence. */
    static final long NODE_REFRESH_MS = 2000;

    private static final int STATE_CAS_ATTEMPTS = 100;
    /** How long a REST or admin call waits for its own event to come back through Redis before it returns anyway. */
    private static final long EVENT_ECHO_TIMEOUT_MS = 2000;

    private final ServerConfig config;
    private final ScheduledExecutorService sessionScheduler;
    private final String describe;
    private final String prefix;
    private final String nodeId = Hub.randomId("node_", 9);
    private final String[] routingKey;
    private final String eventsChannel;
    private final ClientResources resources;
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final StatefulRedisPubSubConnection<String, String> pubSub;
    private final ScheduledExecutorService redisExecutor;
    private final Map<String, String> digests = new java.util.concurrent.ConcurrentHashMap<>();
    private final Instant projectCreatedAt;

    // The local index, guarded by this.
    private final Map<String, LocalToken> tokens = new HashMap<>();
    private final Map<String, ChannelRec> channels = new HashMap<>();
    private final Map<String, ScheduledFuture<?>> sessionDrops = new HashMap<>();

    private final AtomicBoolean presenceDirty = new AtomicBoolean();
    private final AtomicBoolean resyncPending = new AtomicBoolean();
    private volatile boolean presenceWritten = true;
    private volatile boolean closed;
    final AtomicLong roundTrips = new AtomicLong();
    /** Calls waiting until this node has fanned out the event they published (read-your-writes on one node). */
    private final Map<Long, CompletableFuture<Void>> waiters = new java.util.concurrent.ConcurrentHashMap<>();

    private final AtomicLong eventSequence = new AtomicLong();
    private final String originPrefix = nodeId + ":";
    final AtomicLong eventsReceived = new AtomicLong();

    /** A token with local connections (or an Identify in flight) and its subscriptions as this node knows them. */
    private static final class LocalToken {
        final TokenRec rec;
        /** Identifies waiting for their snapshot; while the token is not loaded, events are also recorded here. */
        int pendingIdentifies;

        boolean loaded;
        boolean deleted;
        /** Channel → socket channel object (subscribed) or null (unsubscribed), last event wins. */
        final Map<String, ObjectNode> ops = new LinkedHashMap<>();
        /** While a resynchronisation waits for its snapshot: the events seen meanwhile (they are newer). */
        boolean resyncing;

        final Map<String, ObjectNode> resyncOps = new HashMap<>();
        /** Socket channel objects seen for this token's subscriptions (for {@code INIT}). */
        final Map<String, ObjectNode> known = new HashMap<>();

        LocalToken(String id) {
            this.rec = new TokenRec(id, null);
        }
    }

    private final ServerStats stats;

    RedisEngine(ServerConfig config, ScheduledExecutorService sessionScheduler, ServerStats stats) {
        this.config = config;
        this.stats = stats;
        this.sessionScheduler = sessionScheduler;
        RedisURI uri;
        try {
            uri = RedisURI.create(config.redisUri());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("Invalid Redis URI: " + e.getMessage(), e);
        }
        if (uri.getTimeout() == null || uri.getTimeout().equals(RedisURI.DEFAULT_TIMEOUT_DURATION)) {
            uri.setTimeout(Duration.ofSeconds(5));
        }
        this.describe = describe(uri);
        this.prefix = "leap:{" + config.projectId() + "}:";
        this.routingKey = new String[] {prefix + "seq"};
        this.eventsChannel = prefix + "events";
        // Lettuce's own event loops: few, daemon, and named like every other thread of the server
        this.resources = ClientResources.builder()
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(2)
                .threadFactoryProvider(
                        pool -> new DefaultThreadFactory(ServerCore.THREAD_PREFIX + "-redis-" + pool, true))
                .build();
        this.client = RedisClient.create(resources, uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                // fail at once while Redis is away (REST answers 503) instead of queueing commands
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder()
                        .connectTimeout(Duration.ofSeconds(5))
                        .keepAlive(true)
                        .build())
                .timeoutOptions(TimeoutOptions.enabled(uri.getTimeout()))
                .build());
        this.redisExecutor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, ServerCore.THREAD_PREFIX + "-redis-presence");
            t.setDaemon(true);
            return t;
        });
        try {
            this.connection = client.connect(StringCodec.UTF8);
            this.pubSub = client.connectPubSub(StringCodec.UTF8);
        } catch (RedisException e) {
            shutdownClient();
            throw new IllegalStateException("Cannot connect to Redis at " + describe + ": " + rootMessage(e), e);
        }
        pubSub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                onEvent(message);
            }
        });
        client.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> handler, SocketAddress address) {
                if (handler == pubSub && !closed) {
                    log.info("Reconnected to Redis at {}; resynchronising", RedisEngine.this.describe);
                    scheduleResync();
                }
            }

            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
                if (handler == pubSub && !closed) {
                    log.warn(
                            "Lost the connection to Redis at {}; not ready until it is back",
                            RedisEngine.this.describe);
                }
            }
        });
        try {
            pubSub.sync().subscribe(eventsChannel);
            String created = (String) runAlways(
                    RedisScripts.PROJECT_CREATED, ScriptOutputType.VALUE, Long.toString(System.currentTimeMillis()));
            this.projectCreatedAt = Instant.ofEpochMilli(Long.parseLong(created));
            refreshPresence();
        } catch (RuntimeException e) {
            connection.close();
            pubSub.close();
            shutdownClient();
            throw new IllegalStateException("Cannot use Redis at " + describe + ": " + rootMessage(e), e);
        }
        redisExecutor.scheduleWithFixedDelay(
                this::periodicRefresh, NODE_REFRESH_MS, NODE_REFRESH_MS, TimeUnit.MILLISECONDS);
        log.info("Redis engine on {} (node {}, project {})", describe, nodeId, config.projectId());
    }

    private static String describe(RedisURI uri) {
        StringBuilder b = new StringBuilder(uri.isSsl() ? "rediss://" : "redis://");
        if (uri.getSocket() != null) {
            return "redis-socket://" + uri.getSocket();
        }
        if (uri.getHost() != null) {
            b.append(uri.getHost()).append(':').append(uri.getPort());
        } else if (!uri.getSentinels().isEmpty()) {
            return "redis-sentinel://" + uri.getSentinelMasterId();
        }
        if (uri.getDatabase() != 0) {
            b.append('/').append(uri.getDatabase());
        }
        return b.toString();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return t == e ? String.valueOf(m) : e.getMessage() + " (" + m + ")";
    }

    private void shutdownClient() {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        redisExecutor.shutdownNow();
    }

    @Override
    public String describe() {
        return "Redis " + describe + " (node " + nodeId + ")";
    }

    String nodeId() {
        return nodeId;
    }

    @Override
    public long redisRoundTrips() {
        return roundTrips.get();
    }

    @Override
    public boolean ready() {
        return !closed && connection.isOpen() && pubSub.isOpen() && presenceWritten && !resyncPending.get();
    }

    @Override
    public void close() {
        closed = true;
        redisExecutor.shutdownNow();
        try {
            if (connection.isOpen()) {
                // bounded: a node that cannot reach Redis shuts down at once; its presence then expires by itself
                connection
                        .async()
                        .eval(RedisScripts.NODE_LEAVE, ScriptOutputType.INTEGER, routingKey, prefix, nodeId)
                        .get(1, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.debug("Could not remove this node's presence from Redis: {}", e.toString());
        }
        connection.close();
        pubSub.close();
        shutdownClient();
    }

    // ---------------------------------------------------------------- Redis calls

    private String digest(String script) {
        return digests.computeIfAbsent(script, s -> {
            try {
                return HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private String[] args(String... own) {
        String[] a = new String[own.length + 2];
        a[0] = prefix;
        a[1] = nodeId;
        System.arraycopy(own, 0, a, 2, own.length);
        return a;
    }

    /**
     * Runs a script for a caller (REST, Identify) and waits for its answer. While the node is not ready (Redis
     * unreachable, or not answering within the command timeout), it fails at once instead of holding the caller's
     * event loop for the command timeout.
     */
    private <T> T run(String script, ScriptOutputType type, String... own) {
        if (!ready()) {
            throw new EngineUnavailableException("Redis at " + describe + " is unavailable; try again", null);
        }
        return runAlways(script, type, own);
    }

    /** Runs a script and waits for its answer; EVALSHA, falling back to EVAL once Redis lost its script cache. */
    @SuppressWarnings("unchecked")
    private <T> T runAlways(String script, ScriptOutputType type, String... own) {
        String[] a = args(own);
        roundTrips.incrementAndGet();
        try {
            try {
                return (T) connection.sync().evalsha(digest(script), type, routingKey, a);
            } catch (RedisNoScriptException e) {
                roundTrips.incrementAndGet();
                return (T) connection.sync().eval(script, type, routingKey, a);
            }
        } catch (RedisException e) {
            throw unavailable(e);
        }
    }

    /** Runs a script without waiting; replies come back in command order, so callbacks of one caller stay ordered. */
    private <T> void runAsync(String script, ScriptOutputType type, Consumer<T> onReply, String... own) {
        runAsync(script, type, onReply, null, own);
    }

    /**
     * Runs a script without waiting; replies come back in command order, so callbacks of one caller stay ordered.
     * {@code onFailure} (may be null) runs when Redis cannot answer.
     */
    private <T> void runAsync(
            String script, ScriptOutputType type, Consumer<T> onReply, Runnable onFailure, String... own) {
        String[] a = args(own);
        roundTrips.incrementAndGet();
        try {
            connection.async().<T>evalsha(digest(script), type, routingKey, a).whenComplete((reply, error) -> {
                if (error instanceof RedisNoScriptException) {
                    roundTrips.incrementAndGet();
                    connection
                            .async()
                            .<T>eval(script, type, routingKey, a)
                            .whenComplete((again, error2) -> reply(onReply, onFailure, again, error2));
                } else {
                    reply(onReply, onFailure, reply, error);
                }
            });
        } catch (RedisException e) {
            reply(onReply, onFailure, null, e);
        }
    }

    private static <T> void reply(Consumer<T> onReply, Runnable onFailure, T reply, Throwable error) {
        if (error != null) {
            log.warn("Redis call failed: {}", rootMessage(error));
            if (onFailure != null) {
                onFailure.run();
            }
            return;
        }
        try {
            onReply.accept(reply);
        } catch (RuntimeException e) {
            log.warn("Handling a Redis reply failed", e);
        }
    }

    /** A script's nil reply: Lettuce gives {@code null} or a list holding one {@code null}. */
    private static boolean nil(List<Object> r) {
        return r == null || r.isEmpty() || r.get(0) == null;
    }

    private EngineUnavailableException unavailable(RedisException e) {
        return new EngineUnavailableException("Redis is unavailable: " + rootMessage(e), e);
    }

    // ---------------------------------------------------------------- presence

    private void markPresenceDirty() {
        if (!closed && presenceDirty.compareAndSet(false, true)) {
            try {
                redisExecutor.execute(this::refreshPresenceQuietly);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // closing
            }
        }
    }

    private void periodicRefresh() {
        refreshPresenceQuietly();
    }

    private void refreshPresenceQuietly() {
        try {
            refreshPresence();
            if (!presenceWritten) {
                // Redis answers again without a reconnect (a stall, not a drop): events may still have been lost
                log.info("Redis at {} answers again; resynchronising", describe);
                presenceWritten = true;
                scheduleResync();
            }
        } catch (RuntimeException e) {
            if (presenceWritten) {
                log.warn("Redis at {} does not answer ({}); not ready until it does", describe, rootMessage(e));
            }
            presenceWritten = false;
        }
    }

    private void refreshPresence() {
        presenceDirty.set(false);
        List<String> tokenPairs = new ArrayList<>();
        List<String> anonPairs = new ArrayList<>();
        synchronized (this) {
            for (LocalToken t : tokens.values()) {
                if (!t.rec.connections.isEmpty()) {
                    tokenPairs.add(t.rec.id);
                    tokenPairs.add(Integer.toString(t.rec.connections.size()));
                }
            }
            for (ChannelRec c : channels.values()) {
                if (!c.anonymousSubscribers.isEmpty()) {
                    anonPairs.add(c.id);
                    anonPairs.add(Integer.toString(c.anonymousSubscribers.size()));
                }
            }
        }
        List<String> own = new ArrayList<>(2 + tokenPairs.size() + anonPairs.size());
        own.add(Long.toString(NODE_TTL_MS));
        own.add(Integer.toString(tokenPairs.size() / 2));
        own.addAll(tokenPairs);
        own.addAll(anonPairs);
        runAlways(RedisScripts.NODE_REFRESH, ScriptOutputType.INTEGER, own.toArray(new String[0]));
    }

    private synchronized int localConnections(String tokenId) {
        LocalToken t = tokens.get(tokenId);
        return t == null ? 0 : t.rec.connections.size();
    }

    // ---------------------------------------------------------------- resynchronisation after a Redis outage

    private void scheduleResync() {
        if (resyncPending.compareAndSet(false, true)) {
            redisExecutor.execute(this::resync);
        }
    }

    /** Reloads the subscriptions of every local token (events may have been lost) and rewrites this node's presence. */
    private void resync() {
        try {
            digestsReload();
            refreshPresence();
            presenceWritten = true;
            List<String> ids;
            synchronized (this) {
                ids = new ArrayList<>(tokens.keySet());
            }
            for (String id : ids) {
                synchronized (this) {
                    LocalToken t = tokens.get(id);
                    if (t == null) {
                        continue;
                    }
                    t.resyncing = true;
                    t.resyncOps.clear();
                }
                List<Object> r;
                try {
                    r = runAlways(RedisScripts.IDENTIFY, ScriptOutputType.MULTI, id);
                } catch (RuntimeException e) {
                    synchronized (this) {
                        LocalToken t = tokens.get(id);
                        if (t != null) {
                            t.resyncing = false;
                            t.resyncOps.clear();
                        }
                    }
                    throw e;
                }
                synchronized (this) {
                    LocalToken t = tokens.get(id);
                    if (t == null) {
                        continue;
                    }
                    t.resyncing = false;
                    Map<String, ObjectNode> newer = new HashMap<>(t.resyncOps);
                    t.resyncOps.clear();
                    if (!t.loaded || t.deleted) {
                        continue;
                    }
                    if (nil(r)) {
                        onTokenDeleted(id);
                        continue;
                    }
                    Map<String, ObjectNode> now = new LinkedHashMap<>();
                    for (int i = 2; i + 2 < r.size() + 1; i += 3) {
                        now.put((String) r.get(i), socketChannel((String) r.get(i), (String) r.get(i + 1), (String)
                                r.get(i + 2)));
                    }
                    // events that arrived after the snapshot was taken are newer than it: they stand
                    for (ChannelRec c : new ArrayList<>(t.rec.subscriptions)) {
                        if (!now.containsKey(c.id) && !newer.containsKey(c.id)) {
                            Frame f = Events.dispatch(c.id, false, "UNAVAILABLE", Events.unavailable(true, null));
                            removeSubscription(t, c.id, f);
                        }
                    }
                    for (Map.Entry<String, ObjectNode> e : now.entrySet()) {
                        if (!newer.containsKey(e.getKey())) {
                            addSubscription(t, e.getKey(), e.getValue(), true);
                        }
                    }
                }
            }
            resyncPending.set(false);
        } catch (RuntimeException e) {
            log.debug("Resynchronisation failed, retrying: {}", e.toString());
            if (!closed) {
                try {
                    redisExecutor.schedule(this::resync, 500, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.RejectedExecutionException ignored) {
                    // closing
                }
            }
        }
    }

    private void digestsReload() {
        // Scripts are loaded lazily by the EVAL fallback; loading them again here avoids a burst of fallbacks.
        for (String script : digests.keySet()) {
            try {
                connection.sync().scriptLoad(script);
            } catch (RedisException e) {
                throw unavailable(e);
            }
        }
    }

    // ---------------------------------------------------------------- events from Redis

    private void onEvent(String envelope) {
        eventsReceived.incrementAndGet();
        int originEnd = envelope.indexOf('\n');
        if (originEnd < 0) {
            log.debug("Ignoring an event without an origin");
            return;
        }
        String origin = envelope.substring(0, originEnd);
        String message = envelope.substring(originEnd + 1);
        try {
            handleEvent(message);
        } finally {
            if (origin.startsWith(originPrefix)) {
                CompletableFuture<Void> w = waiters.remove(Long.parseLong(origin.substring(originPrefix.length())));
                if (w != null) {
                    w.complete(null);
                }
            }
        }
    }

    private void handleEvent(String message) {
        try {
            char type = message.charAt(0);
            switch (type) {
                case 'c' -> {
                    int nl = message.indexOf('\n', 2);
                    String channel = message.substring(2, nl);
                    Frame frame = new Frame(message.substring(nl + 1).getBytes(StandardCharsets.UTF_8));
                    synchronized (this) {
                        ChannelRec c = channels.get(channel);
                        if (c != null) {
                            long start = System.nanoTime();
                            for (Conn conn : c.recipients()) {
                                conn.send(frame);
                            }
                            stats.fanOut(System.nanoTime() - start);
                        }
                    }
                }
                case 't' -> {
                    int nl = message.indexOf('\n', 2);
                    String token = message.substring(2, nl);
                    Frame frame = new Frame(message.substring(nl + 1).getBytes(StandardCharsets.UTF_8));
                    synchronized (this) {
                        LocalToken t = tokens.get(token);
                        if (t != null) {
                            for (Conn conn : t.rec.connections) {
                                conn.send(frame);
                            }
                        }
                    }
                }
                case 's' -> {
                    String[] p = message.split("\n", 5);
                    ObjectNode channel = socketChannel(p[2], p[3], p[4]);
                    synchronized (this) {
                        LocalToken t = tokens.get(p[1]);
                        if (t != null) {
                            addSubscription(t, p[2], channel, true);
                        }
                    }
                }
                case 'u' -> {
                    String[] p = message.split("\n", 3);
                    synchronized (this) {
                        LocalToken t = tokens.get(p[1]);
                        if (t != null) {
                            removeSubscription(
                                    t,
                                    p[2],
                                    Events.dispatch(p[2], false, "UNAVAILABLE", Events.unavailable(true, null)));
                        }
                    }
                }
                case 'x' -> {
                    synchronized (this) {
                        onTokenDeleted(message.substring(2));
                    }
                }
                case 'd' -> {
                    int nl = message.indexOf('\n', 2);
                    String channel = message.substring(2, nl);
                    Frame frame = new Frame(message.substring(nl + 1).getBytes(StandardCharsets.UTF_8));
                    synchronized (this) {
                        onChannelDeleted(channel, frame);
                    }
                }
                default -> log.debug("Ignoring an unknown event type {}", type);
            }
        } catch (RuntimeException e) {
            log.warn("Could not handle an event from Redis", e);
        }
    }

    /** Adds a subscription to the local index; sends {@code AVAILABLE} to the token's connections if it is new. */
    private void addSubscription(LocalToken t, String channelId, ObjectNode socketChannel, boolean notify) {
        t.known.put(channelId, socketChannel);
        if (!t.loaded) {
            t.ops.put(channelId, socketChannel);
        }
        if (t.resyncing) {
            t.resyncOps.put(channelId, socketChannel);
        }
        ChannelRec c = channel(channelId);
        if (t.rec.subscriptions.add(c)) {
            c.tokenSubscribers.add(t.rec);
            c.invalidate();
            if (notify) {
                ObjectNode d = Json.object();
                d.set("channel", socketChannel);
                Frame frame = Events.dispatch(channelId, false, "AVAILABLE", d);
                for (Conn conn : t.rec.connections) {
                    conn.send(frame);
                }
            }
        }
    }

    private void removeSubscription(LocalToken t, String channelId, Frame notify) {
        if (!t.loaded) {
            t.ops.put(channelId, null);
        }
        if (t.resyncing) {
            t.resyncOps.put(channelId, null);
        }
        t.known.remove(channelId);
        ChannelRec c = channels.get(channelId);
        if (c != null && t.rec.subscriptions.remove(c)) {
            if (notify != null) {
                for (Conn conn : t.rec.connections) {
                    conn.send(notify);
                }
            }
            c.tokenSubscribers.remove(t.rec);
            c.invalidate();
            prune(c);
        }
    }

    private void onTokenDeleted(String tokenId) {
        LocalToken t = tokens.get(tokenId);
        ScheduledFuture<?> drop = sessionDrops.remove(tokenId);
        if (drop != null) {
            drop.cancel(false);
        }
        if (t == null) {
            return;
        }
        t.deleted = true;
        for (ChannelRec c : new ArrayList<>(t.rec.subscriptions)) {
            removeSubscription(t, c.id, null);
        }
        for (Conn conn : t.rec.connections) {
            conn.close(CloseCodes.INVALID_AUTH, "Invalid auth");
        }
    }

    private void onChannelDeleted(String channelId, Frame frame) {
        for (LocalToken t : tokens.values()) {
            if (!t.loaded) {
                t.ops.put(channelId, null);
            }
            if (t.resyncing) {
                t.resyncOps.put(channelId, null);
            }
            t.known.remove(channelId);
        }
        ChannelRec c = channels.remove(channelId);
        if (c == null) {
            return;
        }
        for (Conn conn : c.recipients()) {
            conn.send(frame);
        }
        for (TokenRec t : c.tokenSubscribers) {
            t.subscriptions.remove(c);
        }
        for (Conn conn : c.anonymousSubscribers) {
            conn.anonymousSubscriptions.remove(c);
        }
        markPresenceDirty();
    }

    private ChannelRec channel(String id) {
        return channels.computeIfAbsent(id, k -> new ChannelRec(k, null, null));
    }

    private void prune(ChannelRec c) {
        if (c.tokenSubscribers.isEmpty() && c.anonymousSubscribers.isEmpty()) {
            channels.remove(c.id, c);
        }
    }

    private ObjectNode socketChannel(String id, String type, String stateJson) {
        ObjectNode o = Json.object()
                .put("id", id)
                .put("project_id", config.projectId())
                .put("type", type);
        o.set("state", parseObject(stateJson));
        o.put("capabilities", 0);
        return o;
    }

    private static ObjectNode parseObject(String json) {
        JsonNode n = Json.MAPPER.readTree(json);
        return n instanceof ObjectNode o ? o : Json.object();
    }

    // ---------------------------------------------------------------- socket side

    @Override
    public boolean identify(Conn conn, String tokenId) {
        if (tokenId == null) {
            conn.identified = true;
            ObjectNode init = Json.object().put("cid", conn.cid);
            init.put("connection_count", 1);
            init.putNull("metadata");
            init.put("scope", "noauth");
            init.set("channels", Json.NODES.arrayNode());
            conn.send(Events.dispatch(null, true, "INIT", init));
            return true;
        }
        LocalToken t;
        synchronized (this) {
            t = tokens.computeIfAbsent(tokenId, LocalToken::new);
            t.pendingIdentifies++;
        }
        List<Object> r;
        try {
            r = run(RedisScripts.IDENTIFY, ScriptOutputType.MULTI, tokenId);
        } catch (RuntimeException e) {
            synchronized (this) {
                t.pendingIdentifies--;
                forgetIfUnused(t);
            }
            throw e;
        }
        synchronized (this) {
            t.pendingIdentifies--;
            if (nil(r) || t.deleted || conn.closing) {
                forgetIfUnused(t);
                return false;
            }
            Map<String, ObjectNode> snapshot = new LinkedHashMap<>();
            for (int i = 2; i + 2 < r.size() + 1; i += 3) {
                String id = (String) r.get(i);
                snapshot.put(id, socketChannel(id, (String) r.get(i + 1), (String) r.get(i + 2)));
            }
            if (!t.loaded) {
                // the snapshot, then every event seen since this token became local (the last one per channel wins)
                Map<String, ObjectNode> ops = new LinkedHashMap<>(t.ops);
                t.loaded = true;
                t.ops.clear();
                for (Map.Entry<String, ObjectNode> e : snapshot.entrySet()) {
                    if (!ops.containsKey(e.getKey())) {
                        addSubscription(t, e.getKey(), e.getValue(), false);
                    }
                }
                for (Map.Entry<String, ObjectNode> e : ops.entrySet()) {
                    if (e.getValue() == null) {
                        removeSubscription(t, e.getKey(), null);
                    } else {
                        addSubscription(t, e.getKey(), e.getValue(), false);
                    }
                }
            }
            conn.identified = true;
            conn.token = t.rec;
            t.rec.connections.add(conn);
            t.rec.invalidateChannels();
            ScheduledFuture<?> drop = sessionDrops.remove(tokenId);
            if (drop != null) {
                drop.cancel(false);
            }
            t.rec.sessionAlive = true;
            ObjectNode init = Json.object().put("cid", conn.cid);
            ArrayNode list = Json.NODES.arrayNode();
            for (ChannelRec c : t.rec.subscriptions) {
                ObjectNode known = snapshot.getOrDefault(c.id, t.known.get(c.id));
                list.add(known != null ? known.deepCopy() : socketChannel(c.id, "unprotected", "{}"));
            }
            long remote = (Long) r.get(1);
            init.put("connection_count", remote + t.rec.connections.size());
            init.set("metadata", parseObject((String) r.get(0)));
            init.put("scope", "token");
            init.set("channels", list);
            conn.send(Events.dispatch(null, true, "INIT", init));
        }
        markPresenceDirty();
        return true;
    }

    /** Drops a local token that has neither connections nor an Identify in flight. */
    private void forgetIfUnused(LocalToken t) {
        if (t.pendingIdentifies > 0 || !t.rec.connections.isEmpty()) {
            return;
        }
        if (tokens.get(t.rec.id) == t) {
            tokens.remove(t.rec.id);
        }
        for (ChannelRec c : t.rec.subscriptions) {
            c.tokenSubscribers.remove(t.rec);
            c.invalidate();
            prune(c);
        }
    }

    @Override
    public void unregister(Conn conn) {
        synchronized (this) {
            TokenRec rec = conn.token;
            if (rec != null && rec.connections.remove(conn)) {
                rec.invalidateChannels();
                LocalToken t = tokens.get(rec.id);
                if (rec.connections.isEmpty()) {
                    rec.sessionAlive = false;
                    if (!closed && t != null && !t.deleted) {
                        String id = rec.id;
                        sessionDrops.put(
                                id,
                                sessionScheduler.schedule(
                                        () -> {
                                            synchronized (RedisEngine.this) {
                                                sessionDrops.remove(id);
                                            }
                                        },
                                        config.sessionTimeout().toMillis(),
                                        TimeUnit.MILLISECONDS));
                    }
                    if (t != null) {
                        forgetIfUnused(t);
                    }
                }
            }
            for (ChannelRec c : conn.anonymousSubscriptions) {
                c.anonymousSubscribers.remove(conn);
                c.invalidate();
                prune(c);
            }
            conn.anonymousSubscriptions.clear();
        }
        markPresenceDirty();
    }

    @Override
    public synchronized int tokenSessionCount() {
        int n = sessionDrops.size();
        for (LocalToken t : tokens.values()) {
            if (!t.rec.connections.isEmpty()) {
                n++;
            }
        }
        return n;
    }

    private static Frame unavailableUnknown(String channelId) {
        return Events.dispatch(channelId, true, "UNAVAILABLE", Events.unavailable(false, "UNKNOWN"));
    }

    private Frame available(ObjectNode socketChannel, boolean unicast) {
        ObjectNode d = Json.object();
        d.set("channel", socketChannel);
        return Events.dispatch(socketChannel.get("id").stringValue(), unicast, "AVAILABLE", d);
    }

    private synchronized boolean holds(Conn conn, String channelId) {
        ChannelRec c = channels.get(channelId);
        if (c == null) {
            return false;
        }
        return conn.token != null ? conn.token.subscriptions.contains(c) : conn.anonymousSubscriptions.contains(c);
    }

    @Override
    public void subscribe(Conn conn, String channelId) {
        if (conn.token == null) {
            runAsync(
                    RedisScripts.GET_CHANNEL,
                    ScriptOutputType.MULTI,
                    (List<Object> r) -> {
                        if (nil(r)) {
                            conn.send(unavailableUnknown(channelId));
                            return;
                        }
                        ObjectNode sc = socketChannel(channelId, (String) r.get(0), (String) r.get(1));
                        if (!ChannelType.UNPROTECTED.wireName().equals(r.get(0))) {
                            conn.send(Events.dispatch(
                                    channelId, true, "UNAVAILABLE", Events.unavailable(false, "NOT_GRANTED")));
                            return;
                        }
                        synchronized (this) {
                            if (conn.closing) {
                                return;
                            }
                            ChannelRec c = channel(channelId);
                            if (!c.anonymousSubscribers.add(conn)) {
                                conn.send(available(sc, true));
                                return;
                            }
                            conn.anonymousSubscriptions.add(c);
                            c.invalidate();
                            conn.send(available(sc, false));
                        }
                        markPresenceDirty();
                    },
                    failed(conn),
                    channelId);
            return;
        }
        runAsync(
                RedisScripts.SUBSCRIBE,
                ScriptOutputType.MULTI,
                (List<Object> r) -> {
                    long code = (Long) r.get(0);
                    if (code == 0 || code == 1) {
                        conn.send(unavailableUnknown(channelId));
                    } else if (code == 2) {
                        conn.send(Events.dispatch(
                                channelId, true, "UNAVAILABLE", Events.unavailable(false, "NOT_GRANTED")));
                    } else if (code == 3) {
                        conn.send(available(socketChannel(channelId, (String) r.get(1), (String) r.get(2)), true));
                    }
                    // 4: the subscribe event sends AVAILABLE to every connection of the session, on every node
                },
                failed(conn),
                channelId,
                conn.token.id,
                "socket",
                NO_ORIGIN);
    }

    @Override
    public void unsubscribe(Conn conn, String channelId) {
        if (conn.token == null) {
            synchronized (this) {
                ChannelRec c = channels.get(channelId);
                if (c == null || !conn.anonymousSubscriptions.remove(c)) {
                    conn.send(Events.dispatch(channelId, true, "UNAVAILABLE", Events.unavailable(true, null)));
                    return;
                }
                conn.send(Events.dispatch(channelId, false, "UNAVAILABLE", Events.unavailable(true, null)));
                c.anonymousSubscribers.remove(conn);
                c.invalidate();
                prune(c);
            }
            markPresenceDirty();
            return;
        }
        runAsync(
                RedisScripts.UNSUBSCRIBE,
                ScriptOutputType.INTEGER,
                (Long code) -> {
                    if (code != 3) {
                        conn.send(Events.dispatch(channelId, true, "UNAVAILABLE", Events.unavailable(true, null)));
                    }
                },
                failed(conn),
                channelId,
                conn.token.id,
                NO_ORIGIN);
    }

    /**
     * A subscribe or unsubscribe that Redis could not answer: the client cannot know where it stands, so the
     * connection is closed with 4000 and the client reconnects (with backoff) and subscribes again.
     */
    private static Runnable failed(Conn conn) {
        return () -> conn.close(CloseCodes.UNKNOWN, "Unknown error");
    }

    @Override
    public void clientMessage(Conn conn, String channelId, String event, JsonNode data) {
        if (!holds(conn, channelId)) {
            conn.send(unavailableUnknown(channelId));
            return;
        }
        Frame frame = Events.userMessage(channelId, "MESSAGE", event, data);
        runAsync(
                RedisScripts.PUBLISH_IF_EXISTS,
                ScriptOutputType.INTEGER,
                (Long ok) -> {
                    if (ok == 0) {
                        conn.send(unavailableUnknown(channelId));
                    }
                },
                "ch:" + channelId,
                channelEvent(NO_ORIGIN, channelId, frame));
    }

    @Override
    public void clientSetState(Conn conn, String channelId, ObjectNode state) {
        if (!holds(conn, channelId)) {
            conn.send(unavailableUnknown(channelId));
            return;
        }
        Frame frame = Events.dispatch(channelId, false, "STATE_UPDATE", Events.stateData(state));
        runAsync(
                RedisScripts.SET_STATE,
                ScriptOutputType.INTEGER,
                (Long ok) -> {
                    if (ok == 0) {
                        conn.send(unavailableUnknown(channelId));
                    }
                },
                channelId,
                "",
                Json.MAPPER.writeValueAsString(state),
                channelEvent(NO_ORIGIN, channelId, frame));
    }

    private static String channelEvent(String origin, String channelId, Frame frame) {
        return origin + "\nc\n" + channelId + "\n" + new String(frame.json, StandardCharsets.UTF_8);
    }

    private static String tokenEvent(String origin, String tokenId, Frame frame) {
        return origin + "\nt\n" + tokenId + "\n" + new String(frame.json, StandardCharsets.UTF_8);
    }

    /** The origin of events published by socket dispatches: nobody waits for them. */
    private static final String NO_ORIGIN = "-";

    /**
     * A pending wait for an event this call is about to publish. REST and admin calls return only once this node has
     * handed their event to its own connections, as the in-memory engine does: a client of this node that sees the
     * REST answer and then sends a heartbeat gets the event before the ack.
     */
    private final class Wait implements AutoCloseable {
        final long seq = eventSequence.incrementAndGet();
        final CompletableFuture<Void> done = new CompletableFuture<>();

        Wait() {
            waiters.put(seq, done);
        }

        String origin() {
            return originPrefix + seq;
        }

        /** The event was published: waits (bounded) until this node has fanned it out. */
        void published() {
            if (!pubSub.isOpen()) {
                return;
            }
            try {
                done.get(EVENT_ECHO_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                log.debug("This node's own event did not come back within {} ms", EVENT_ECHO_TIMEOUT_MS);
            }
        }

        @Override
        public void close() {
            waiters.remove(seq);
        }
    }

    // ---------------------------------------------------------------- channels

    private void checkState(ObjectNode state, String what) {
        int size = Json.serialisedSize(state);
        if (size > config.maxStateBytes()) {
            throw new Hub.PayloadTooLargeException(
                    what + " is " + size + " bytes; the limit is " + config.maxStateBytes());
        }
    }

    private static NoSuchElementException noChannel(String id) {
        return new NoSuchElementException("Channel " + id + " does not exist");
    }

    private static NoSuchElementException noToken() {
        return new NoSuchElementException("Token does not exist");
    }

    @Override
    public ObjectNode createChannel(String id, ChannelType type, ObjectNode state) {
        checkState(state, "Channel state");
        String json = Json.MAPPER.writeValueAsString(state);
        long now = System.currentTimeMillis();
        if (id != null) {
            Hub.validateChannelId(id);
        }
        while (true) {
            String channelId = id != null ? id : Hub.randomId("channel_", 12);
            Long created = run(
                    RedisScripts.CREATE_CHANNEL,
                    ScriptOutputType.INTEGER,
                    channelId,
                    type.wireName(),
                    json,
                    Long.toString(now));
            if (created == 1) {
                return restChannel(channelId, type.wireName(), json, Long.toString(now));
            }
            if (id != null) {
                throw new Hub.ConflictException("Channel " + channelId + " already exists");
            }
        }
    }

    @Override
    public ObjectNode getChannel(String id) {
        List<Object> r = run(RedisScripts.GET_CHANNEL, ScriptOutputType.MULTI, id);
        if (nil(r)) {
            throw noChannel(id);
        }
        return restChannel(id, (String) r.get(0), (String) r.get(1), (String) r.get(2));
    }

    @Override
    public boolean channelExists(String id) {
        return !nil(run(RedisScripts.GET_CHANNEL, ScriptOutputType.MULTI, id));
    }

    @Override
    public List<ObjectNode> listChannels(boolean byId, boolean descending) {
        List<Object> r = run(RedisScripts.LIST_CHANNELS, ScriptOutputType.MULTI);
        List<ObjectNode> out = new ArrayList<>(r.size() / 4);
        for (int i = 0; i + 3 < r.size(); i += 4) {
            out.add(restChannel(
                    (String) r.get(i), (String) r.get(i + 1), (String) r.get(i + 2), (String) r.get(i + 3)));
        }
        if (byId) {
            out.sort(Comparator.comparing(o -> o.get("id").stringValue()));
        }
        if (descending) {
            java.util.Collections.reverse(out);
        }
        return out;
    }

    @Override
    public void deleteChannel(String id) {
        Frame frame = Events.dispatch(id, false, "UNAVAILABLE", Events.unavailable(false, "UNKNOWN"));
        try (Wait w = new Wait()) {
            Long deleted = run(
                    RedisScripts.DELETE_CHANNEL,
                    ScriptOutputType.INTEGER,
                    id,
                    w.origin() + "\nd\n" + id + "\n" + new String(frame.json, StandardCharsets.UTF_8));
            if (deleted == 0) {
                throw noChannel(id);
            }
            w.published();
        }
    }

    @Override
    public ObjectNode channelState(String id) {
        List<Object> r = run(RedisScripts.GET_STATE, ScriptOutputType.MULTI, id);
        if (nil(r)) {
            throw noChannel(id);
        }
        return parseObject((String) r.get(0));
    }

    @Override
    public void setChannelState(String id, ObjectNode state) {
        checkState(state, "Channel state");
        writeState(id, "", state);
    }

    private long writeState(String id, String expectedVersion, ObjectNode state) {
        Frame frame = Events.dispatch(id, false, "STATE_UPDATE", Events.stateData(state));
        try (Wait w = new Wait()) {
            Long r = run(
                    RedisScripts.SET_STATE,
                    ScriptOutputType.INTEGER,
                    id,
                    expectedVersion,
                    Json.MAPPER.writeValueAsString(state),
                    channelEvent(w.origin(), id, frame));
            if (r == 0) {
                throw noChannel(id);
            }
            if (r == 1) {
                w.published();
            }
            return r;
        }
    }

    /** Shallow merge with compare-and-set on the state's version, so concurrent patches on any node all apply. */
    @Override
    public void patchChannelState(String id, ObjectNode patch) {
        for (int attempt = 0; attempt < STATE_CAS_ATTEMPTS; attempt++) {
            List<Object> r = run(RedisScripts.GET_STATE, ScriptOutputType.MULTI, id);
            if (nil(r)) {
                throw noChannel(id);
            }
            ObjectNode merged = parseObject((String) r.get(0));
            merged.setAll(patch.deepCopy());
            checkState(merged, "Channel state");
            if (writeState(id, (String) r.get(1), merged) == 1) {
                return;
            }
        }
        throw new EngineUnavailableException(
                "The state of channel " + id + " changed " + STATE_CAS_ATTEMPTS + " times during one patch; try again",
                null);
    }

    @Override
    public void publish(String channelId, String event, JsonNode data) {
        Hub.validateEvent(event);
        Frame frame = Events.userMessage(channelId, "MESSAGE", event, data);
        try (Wait w = new Wait()) {
            Long ok = run(
                    RedisScripts.PUBLISH_IF_EXISTS,
                    ScriptOutputType.INTEGER,
                    "ch:" + channelId,
                    channelEvent(w.origin(), channelId, frame));
            if (ok == 0) {
                throw noChannel(channelId);
            }
            w.published();
        }
    }

    @Override
    public void publishRepeated(String channelId, Frame frame, int count) {
        if (!channelExists(channelId)) {
            throw noChannel(channelId);
        }
        synchronized (this) {
            ChannelRec c = channels.get(channelId);
            if (c == null) {
                return; // no subscriber of the channel on this node
            }
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                for (Conn conn : c.recipients()) {
                    conn.send(frame);
                }
            }
            stats.fanOut(System.nanoTime() - start);
        }
    }

    @Override
    public void subscribeToken(String channelId, String tokenId) {
        try (Wait w = new Wait()) {
            List<Object> r =
                    run(RedisScripts.SUBSCRIBE, ScriptOutputType.MULTI, channelId, tokenId, "rest", w.origin());
            long code = (Long) r.get(0);
            if (code == 0) {
                throw noChannel(channelId);
            }
            if (code == 1) {
                throw noToken();
            }
            if (code == 4) {
                w.published();
            }
        }
    }

    @Override
    public void unsubscribeToken(String channelId, String tokenId) {
        try (Wait w = new Wait()) {
            Long code = run(RedisScripts.UNSUBSCRIBE, ScriptOutputType.INTEGER, channelId, tokenId, w.origin());
            if (code == 0) {
                throw noChannel(channelId);
            }
            if (code == 1) {
                throw noToken();
            }
            if (code == 3) {
                w.published();
            }
        }
    }

    @Override
    public List<ObjectNode> channelTokens(String channelId) {
        List<Object> r = run(RedisScripts.CHANNEL_TOKENS, ScriptOutputType.MULTI, channelId);
        if (nil(r)) {
            throw noChannel(channelId);
        }
        return tokenList(r);
    }

    private List<ObjectNode> tokenList(List<Object> r) {
        List<ObjectNode> out = new ArrayList<>(r.size() / 3);
        for (int i = 0; i + 2 < r.size(); i += 3) {
            String id = (String) r.get(i);
            out.add(restToken(id, (String) r.get(i + 1), (Long) r.get(i + 2) + localConnections(id)));
        }
        return out;
    }

    @Override
    public int onlineCount(String channelId) {
        Long remote = run(RedisScripts.ONLINE_COUNT, ScriptOutputType.INTEGER, channelId);
        if (remote < 0) {
            throw noChannel(channelId);
        }
        int local;
        synchronized (this) {
            ChannelRec c = channels.get(channelId);
            local = c == null ? 0 : c.recipients().length;
        }
        return (int) (remote + local);
    }

    // ---------------------------------------------------------------- tokens

    @Override
    public ObjectNode createToken(ObjectNode state) {
        checkState(state, "Token state");
        String json = Json.MAPPER.writeValueAsString(state);
        while (true) {
            String id = Hub.randomId("leap_token_", 24);
            Long created = run(RedisScripts.CREATE_TOKEN, ScriptOutputType.INTEGER, id, json);
            if (created == 1) {
                return restToken(id, json, 0);
            }
        }
    }

    @Override
    public List<ObjectNode> listTokens() {
        return tokenList(run(RedisScripts.LIST_TOKENS, ScriptOutputType.MULTI));
    }

    @Override
    public boolean tokenExists(String id) {
        return !nil(run(RedisScripts.GET_TOKEN, ScriptOutputType.MULTI, id));
    }

    @Override
    public ObjectNode getToken(String id) {
        List<Object> r = run(RedisScripts.GET_TOKEN, ScriptOutputType.MULTI, id);
        if (nil(r)) {
            throw noToken();
        }
        return restToken(id, (String) r.get(0), (Long) r.get(1) + localConnections(id));
    }

    @Override
    public ObjectNode setTokenState(String id, ObjectNode state) {
        checkState(state, "Token state");
        Frame frame = Events.dispatch(null, false, "TOKEN_STATE_UPDATE", Events.stateData(state));
        String json = Json.MAPPER.writeValueAsString(state);
        try (Wait w = new Wait()) {
            Long remote = run(
                    RedisScripts.SET_TOKEN_STATE,
                    ScriptOutputType.INTEGER,
                    id,
                    json,
                    tokenEvent(w.origin(), id, frame));
            if (remote < 0) {
                throw noToken();
            }
            w.published();
            return restToken(id, json, remote + localConnections(id));
        }
    }

    @Override
    public void deleteToken(String id) {
        try (Wait w = new Wait()) {
            Long deleted = run(RedisScripts.DELETE_TOKEN, ScriptOutputType.INTEGER, id, w.origin());
            if (deleted == 0) {
                throw noToken();
            }
            w.published();
        }
    }

    @Override
    public void directMessage(String tokenId, String event, JsonNode data) {
        Hub.validateEvent(event);
        Frame frame = Events.userMessage(null, "DIRECT_MESSAGE", event, data);
        try (Wait w = new Wait()) {
            Long ok = run(
                    RedisScripts.PUBLISH_IF_EXISTS,
                    ScriptOutputType.INTEGER,
                    "tok:" + tokenId,
                    tokenEvent(w.origin(), tokenId, frame));
            if (ok == 0) {
                throw noToken();
            }
            w.published();
        }
    }

    // ---------------------------------------------------------------- REST shapes

    private ObjectNode restChannel(String id, String type, String stateJson, String createdMs) {
        ObjectNode o = Json.object().put("id", id);
        o.set("project", restProject());
        o.set("state", parseObject(stateJson));
        o.put("capabilities", 0);
        o.put("created_at", Json.timestamp(Instant.ofEpochMilli(Long.parseLong(createdMs))));
        o.put("type", type);
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

    private ObjectNode restToken(String id, String stateJson, long connections) {
        ObjectNode o = Json.object().put("id", id);
        o.set("state", parseObject(stateJson));
        o.put("project_id", config.projectId());
        o.put("is_online", connections > 0);
        return o;
    }
}
