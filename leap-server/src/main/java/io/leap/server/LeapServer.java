package io.leap.server;

import io.leap.server.internal.FaultOps;
import io.leap.server.internal.Hub;
import io.leap.server.internal.Json;
import io.leap.server.internal.ServerConfig;
import io.leap.server.internal.ServerCore;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An embeddable Leap-compatible server: the Leap Edge socket ({@code /ws} and {@code /1.0/ws}) and the
 * Channels REST API ({@code /v1/...}) on one port, plus in-process admin and fault-injection methods for tests.
 * State lives in memory by default; with {@link Builder#redis(String)} it lives in Redis, and any number of servers
 * with the same Redis and project ID act as one Leap service.
 *
 * <pre>{@code
 * try (LeapServer server = LeapServer.builder().build().start()) {
 *     server.createChannel("game", ChannelType.UNPROTECTED, Map.of("round", 1));
 *     String token = server.createToken(Map.of("user_id", "42"));
 *     // point a client at server.wsUrl() with server.projectId() and token ...
 *     server.publish("game", "SCORE", Map.of("points", 10));
 * }
 * }</pre>
 *
 * <p>Admin methods have the same effects and socket events as the matching REST calls. Methods taking a connection ID
 * ({@code cid}) that return a {@code boolean} return {@code false} when that connection is no longer live; the ones
 * that return a report ({@link #sendTaggedHeartbeat(String, String, Duration)},
 * {@link #publishBurst(String, String, Object, int)}) throw {@link NoSuchElementException} for an unknown connection
 * or channel. All methods are thread-safe.
 */
public final class LeapServer implements AutoCloseable {

    private final ServerConfig config;
    private final Object lifecycle = new Object();
    private ServerCore core;
    private int boundPort = -1;
    private boolean closed;

    private LeapServer(ServerConfig config) {
        this.config = config;
    }

    /** A builder with the defaults: ephemeral port on loopback, generated project ID and token, 30 s heartbeats. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Binds the port and starts serving. Returns {@code this} for chaining.
     *
     * @throws IllegalStateException if already started or closed
     */
    public LeapServer start() {
        synchronized (lifecycle) {
            if (core != null || closed) {
                throw new IllegalStateException(closed ? "The server is closed" : "The server is already started");
            }
            ServerCore c = new ServerCore(config);
            boundPort = c.start();
            core = c;
            return this;
        }
    }

    /** Closes every connection with 1001 ("Server shutting down"), releases the port and stops all threads. Idempotent. */
    @Override
    public void close() {
        ServerCore c;
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            c = core;
        }
        if (c != null) {
            c.close();
        }
    }

    private ServerCore core() {
        ServerCore c = core;
        if (c == null || closed) {
            throw new IllegalStateException("The server is not running");
        }
        return c;
    }

    private Hub hub() {
        return core().hub;
    }

    private FaultOps faults() {
        return new FaultOps(hub());
    }

    // ------------------------------------------------------------------ addresses and identity

    /** The bound management port ({@code /health}, {@code /metrics}), or -1 when it is off. */
    public int managementPort() {
        return core().managementPort();
    }

    /** Where state lives: {@code in-memory}, or the Redis address and this node's ID (never credentials). */
    public String engineDescription() {
        return core().engineDescription();
    }

    /** The bound port. */
    public int port() {
        core();
        return boundPort;
    }

    /** The socket URL, e.g. {@code ws://127.0.0.1:PORT/ws} ({@code wss://} with TLS). Add the query you need. */
    public URI wsUrl() {
        return URI.create((config.sslContext() != null ? "wss" : "ws") + "://" + hostForUrl() + ":" + port() + "/ws");
    }

    /** The REST origin, e.g. {@code http://127.0.0.1:PORT}; routes live under {@code /v1}. */
    public URI apiUrl() {
        return URI.create((config.sslContext() != null ? "https" : "http") + "://" + hostForUrl() + ":" + port());
    }

    private String hostForUrl() {
        InetAddress a = config.bindAddress();
        if (a.isAnyLocalAddress()) {
            return "127.0.0.1";
        }
        String host = a.getHostAddress();
        return host.contains(":") ? "[" + host + "]" : host;
    }

    /** The project ID clients send in Identify. */
    public String projectId() {
        return config.projectId();
    }

    /** The first configured project token ({@code ptk_…}), accepted by the REST API. */
    public String projectToken() {
        return config.projectTokens().keySet().iterator().next();
    }

    // ------------------------------------------------------------------ admin: channels

    /**
     * Creates a channel. {@code id == null} generates a {@code channel_…} ID.
     *
     * @param state a JSON object ({@link JsonNode}, map, record...) or {@code null} for {@code {}}
     * @return the channel ID
     * @throws IllegalStateException    if the ID exists
     * @throws IllegalArgumentException for an invalid ID or a state that is not an object
     */
    public String createChannel(String id, ChannelType type, Object state) {
        Objects.requireNonNull(type, "type");
        return hub().createChannel(id, type, Json.toObject(state, "Channel state"))
                .get("id")
                .stringValue();
    }

    /** Deletes a channel; subscribers get {@code UNAVAILABLE UNKNOWN}. @throws NoSuchElementException if unknown */
    public void deleteChannel(String channelId) {
        hub().deleteChannel(channelId);
    }

    /** The channel IDs, in creation order. */
    public List<String> channelIds() {
        List<String> ids = new ArrayList<>();
        for (ObjectNode c : hub().listChannels(false, false)) {
            ids.add(c.get("id").stringValue());
        }
        return ids;
    }

    /** A copy of the channel's state. @throws NoSuchElementException if unknown */
    public JsonNode channelState(String channelId) {
        return hub().channelState(channelId);
    }

    /** Replaces the channel's state; subscribers get {@code STATE_UPDATE}. */
    public void setChannelState(String channelId, Object state) {
        hub().setChannelState(channelId, Json.toObject(state, "Channel state"));
    }

    /** Shallow-merges into the channel's state; subscribers get {@code STATE_UPDATE} with the full state. */
    public void patchChannelState(String channelId, Object patch) {
        hub().patchChannelState(channelId, Json.toObject(patch, "State patch"));
    }

    /**
     * Publishes {@code MESSAGE {e: event, d: data}} to the channel's live subscribers (the REST publish route does the
     * same). The payload is serialised once for all recipients.
     *
     * @param data any value Jackson can serialise; a {@link JsonNode} is sent as is, {@code null} as JSON null
     * @throws NoSuchElementException if the channel does not exist
     */
    public void publish(String channelId, String event, Object data) {
        hub().publish(channelId, event, Json.toTree(data));
    }

    /** The number of live connections whose session is subscribed to the channel. */
    public int onlineCount(String channelId) {
        return hub().onlineCount(channelId);
    }

    // ------------------------------------------------------------------ admin: tokens

    /** Creates a Leap token with the given state ({@code null} = {@code {}}); returns its ID ({@code leap_token_…}). */
    public String createToken(Object state) {
        return hub().createToken(Json.toObject(state, "Token state")).get("id").stringValue();
    }

    /** Replaces the token's state; its connections get {@code TOKEN_STATE_UPDATE}. */
    public void setTokenState(String token, Object state) {
        hub().setTokenState(token, Json.toObject(state, "Token state"));
    }

    /** Deletes the token: its subscriptions are removed and its connections closed with 4001. */
    public void deleteToken(String token) {
        hub().deleteToken(token);
    }

    /** Whether at least one live connection identified with the token. */
    public boolean isOnline(String token) {
        return hub().getToken(token).get("is_online").booleanValue();
    }

    /** Subscribes the token to the channel (any type); its connections get {@code AVAILABLE} if the subscription is new. */
    public void subscribeToken(String channelId, String token) {
        hub().subscribeToken(channelId, token);
    }

    /** Removes the subscription; the token's connections get {@code UNAVAILABLE {graceful:true}} if it existed. */
    public void unsubscribeToken(String channelId, String token) {
        hub().unsubscribeToken(channelId, token);
    }

    /** Sends {@code DIRECT_MESSAGE {e, d}} to the token's live connections; nothing is queued. */
    public void sendDirectMessage(String token, String event, Object data) {
        hub().directMessage(token, event, Json.toTree(data));
    }

    // ------------------------------------------------------------------ fault injection: socket

    /** Live socket connections (upgraded, whether identified or not), oldest first. */
    public List<ConnectionInfo> connections() {
        return hub().connectionInfos();
    }

    /** The number of live socket connections. */
    public int connectionCount() {
        return hub().connectionCount();
    }

    /** How many WebSocket upgrade requests arrived since start, refused ones included. */
    public long connectionAttempts() {
        return hub().connectionAttempts();
    }

    /** Live sessions: tokens with a connection or within the session timeout after their last one, plus anonymous connections. */
    public int sessionCount() {
        return hub().sessionCount();
    }

    /** Payloads dropped since start because a connection's outbound queue overflowed (it was closed with 4007). */
    public long droppedFrames() {
        return hub().droppedFrames();
    }

    /** Whether the server can serve now: always with the in-memory engine; with Redis, while Redis answers. */
    public boolean isReady() {
        return hub().ready();
    }

    /**
     * Closes one connection with a close frame (e.g. 4000-4007). The reason is at most 123 bytes. Returns {@code false}
     * if it is not live: unknown, or already closing (closed or cut before, its socket not yet gone).
     */
    public boolean closeConnection(String cid, int code, String reason) {
        return core().closeConnection(cid, code, reason);
    }

    /** Closes every live connection (not already closing) with the code and reason; returns how many. */
    public int closeAll(int code, String reason) {
        return core().closeAll(code, reason);
    }

    /**
     * Closes the connection with 4006 and the URL as reason. When the URL has no query, the connection's original
     * query is appended. The result must fit in 123 bytes.
     *
     * @throws IllegalArgumentException if the URL is not an absolute ws/wss URL or is too long
     */
    public boolean redirect(String cid, String url) {
        return core().redirect(cid, url);
    }

    /** {@link #redirect(String, String)} for every live connection (not already closing); returns how many. */
    public int redirectAll(String url) {
        return core().redirectAll(url);
    }

    /**
     * Turns heartbeat acks (op 4) on or off for every connection; on by default. A connection gets acks only while
     * this switch and its own ({@link #heartbeatAcks(String, boolean)}) are both on.
     */
    public void heartbeatAcks(boolean enabled) {
        hub().heartbeatAcks(enabled);
    }

    /**
     * Turns heartbeat acks (op 4) on or off for one connection, for its lifetime; on by default. The server-wide
     * switch ({@link #heartbeatAcks(boolean)}) still applies: acks are sent only while both are on. Client heartbeats
     * keep counting against the out-of-sync deadline either way, and tagged replies are still recorded.
     *
     * @return {@code false} if the connection is not live
     */
    public boolean heartbeatAcks(String cid, boolean enabled) {
        return faults().heartbeatAcks(cid, enabled);
    }

    /** Sends a tagged heartbeat (op 3) now; no reply within the tagged-heartbeat timeout closes with 4007. */
    public boolean sendTaggedHeartbeat(String cid) {
        return core().sendTaggedHeartbeat(cid);
    }

    /**
     * {@link #sendTaggedHeartbeat(String, String, Duration)} with the server's tagged-heartbeat timeout (10 s unless
     * {@link Builder#taggedHeartbeatTimeout(Duration) configured}).
     */
    public CompletableFuture<TaggedHeartbeatReport> sendTaggedHeartbeat(String cid, String tag) {
        return sendTaggedHeartbeat(cid, tag, null);
    }

    /**
     * Sends a server heartbeat request {@code {"op":3,"d":{"tag":tag}}} (protocol spec §5.3) and reports whether the
     * client replied with op 3 and the same tag, and after how long. As for the server's own requests, a reply gets
     * the ack {@code {"op":4,"d":{"tag","latency"}}} (unless acks are off) and no reply within the server's
     * tagged-heartbeat timeout closes the connection with 4007 (spec D-13).
     *
     * <p>The future completes on a server thread (do not block in dependent stages) with
     * {@link TaggedHeartbeatReport.Outcome#ANSWERED ANSWERED} when the reply arrives,
     * {@link TaggedHeartbeatReport.Outcome#TIMED_OUT TIMED_OUT} when {@code timeout} passes first, or
     * {@link TaggedHeartbeatReport.Outcome#CLOSED CLOSED} when the connection closes first. It fails with
     * {@link IllegalStateException} if a request with the same tag is still awaiting its reply on the connection.
     *
     * @param tag     the tag, 1-256 characters; {@code null} picks a random one (16 hex characters)
     * @param timeout how long to wait for the reply; {@code null}, or more than the server's tagged-heartbeat timeout,
     *                means that timeout
     * @throws NoSuchElementException   if the connection is not live
     * @throws IllegalArgumentException if the tag is empty or longer than 256 characters, or the timeout is not positive
     */
    public CompletableFuture<TaggedHeartbeatReport> sendTaggedHeartbeat(String cid, String tag, Duration timeout) {
        return faults().taggedHeartbeat(cid, tag, timeout);
    }

    /**
     * Publishes {@code count} identical {@code MESSAGE {e: event, d: data}} dispatches to the channel's live
     * subscribers, back to back (no other event on the channel comes between them; encoded once), and reports when
     * the copies were written to each subscriber's socket. A connection whose writes are paused holds the report until
     * it resumes or closes.
     *
     * @param data  any value Jackson can serialise, as for {@link #publish(String, String, Object)}
     * @param count 1 to 1,000,000
     * @return completes (on a server thread) once every recipient has had every copy written or has closed
     * @throws NoSuchElementException   if the channel does not exist
     * @throws IllegalArgumentException for an invalid event name or count
     */
    public CompletableFuture<BurstReport> publishBurst(String channelId, String event, Object data, int count) {
        return faults().publishBurst(channelId, event, Json.toTree(data), count);
    }

    /**
     * Drops the TCP connection without a close frame (the client sees an abnormal closure, 1006). Returns {@code false}
     * if it is not live (unknown, or already closing).
     */
    public boolean cut(String cid) {
        return core().cut(cid);
    }

    /** {@link #cut(String)} for every live connection (not already closing); returns how many. */
    public int cutAll() {
        return core().cutAll();
    }

    /** Holds every outbound payload of the connection (acks included) until {@link #resumeWrites(String)}. */
    public boolean pauseWrites(String cid) {
        return core().pauseWrites(cid);
    }

    /** Sends what was held and resumes normal writing. */
    public boolean resumeWrites(String cid) {
        return core().resumeWrites(cid);
    }

    /**
     * Benchmark fast path: writes {@code count} copies of a pre-encoded payload (one complete JSON envelope, e.g. from
     * {@link #encodeMessage(String, String, Object)}) to one connection as fast as the socket takes them, compressed
     * once if the connection asked for zlib.
     *
     * @return completes once every copy has been written to the socket
     */
    public CompletableFuture<Void> blast(String cid, String payloadJson, long count) {
        return core().blast(cid, payloadJson.getBytes(StandardCharsets.UTF_8), count);
    }

    /** The exact {@code MESSAGE} dispatch JSON that {@link #publish(String, String, Object)} would send. */
    public String encodeMessage(String channelId, String event, Object data) {
        ObjectNode root = Json.MAPPER.createObjectNode().put("op", 0);
        ObjectNode d = root.putObject("d").put("c", channelId).put("u", false).put("e", "MESSAGE");
        d.putObject("d").put("e", event).set("d", Json.toTree(data));
        return Json.MAPPER.writeValueAsString(root);
    }

    // ------------------------------------------------------------------ fault injection: REST

    /**
     * Answers the next {@code count} REST requests with {@code httpStatus} (400-599) and a Hop error envelope, without
     * processing them. {@code count = 0} cancels.
     */
    public void failNextRequests(int count, int httpStatus) {
        core().failNextRequests(count, httpStatus);
    }

    /** How many REST requests ({@code /v1/...}) arrived since start, failed and injected ones included. */
    public long restRequestCount() {
        return core().restRequestCount();
    }

    /** Delays every REST response by the given time ({@code Duration.ZERO} = off), e.g. to test client timeouts. */
    public void restResponseDelay(Duration delay) {
        core().restResponseDelay(delay);
    }

    @Override
    public String toString() {
        ServerCore c = core;
        return "LeapServer[" + (c == null ? "not started" : closed ? "closed" : wsUrl().toString()) + ", project="
                + config.projectId() + "]";
    }

    /** Builds a {@link LeapServer}. Every setting has a default. */
    public static final class Builder {
        private int port;
        private InetAddress bindAddress = InetAddress.getLoopbackAddress();
        private String projectId;
        private final Map<String, Set<Permission>> projectTokens = new LinkedHashMap<>();
        private final Set<String> userTokens = new LinkedHashSet<>();
        private Duration heartbeatInterval = Duration.ofSeconds(30);
        private Duration identifyWindow = Duration.ofSeconds(10);
        private Duration taggedHeartbeatInterval;
        private Duration taggedHeartbeatTimeout = Duration.ofSeconds(10);
        private Duration heartbeatTolerance = Duration.ofSeconds(10);
        private Duration sessionTimeout = Duration.ofSeconds(30);
        private int maxInboundMessageBytes = 1024 * 1024;
        private int maxStateBytes = 1024 * 1024;
        private int ioThreads = Math.max(2, Runtime.getRuntime().availableProcessors());
        private SslContext sslContext;
        private boolean adminApi;
        private long maxQueuedBytes = 64L * 1024 * 1024;
        private String redisUri;
        private int managementPort = -1;

        private Builder() {}

        /** The port; 0 (the default) picks a free one. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0-65535");
            }
            this.port = port;
            return this;
        }

        /** The address to bind; loopback by default. */
        public Builder bindAddress(InetAddress address) {
            this.bindAddress = Objects.requireNonNull(address, "address");
            return this;
        }

        /** The project ID ({@code project_…}); generated when absent. */
        public Builder projectId(String projectId) {
            this.projectId = requireText(projectId, "projectId");
            return this;
        }

        /** A project token ({@code ptk_…}) accepted by the REST API with every permission. Can be called repeatedly. */
        public Builder projectToken(String token) {
            return projectToken(token, EnumSet.allOf(Permission.class));
        }

        /** A project token restricted to the given permissions (others get 403 {@code forbidden}). */
        public Builder projectToken(String token, Set<Permission> permissions) {
            requireText(token, "token");
            if (!token.startsWith("ptk_")) {
                throw new IllegalArgumentException("A project token starts with ptk_");
            }
            projectTokens.put(
                    token, permissions.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(permissions)));
            return this;
        }

        /** A personal access token ({@code pat_…}) or user token ({@code bearer_…}); REST calls need {@code ?project=}. */
        public Builder personalAccessToken(String token) {
            requireText(token, "token");
            if (!token.startsWith("pat_") && !token.startsWith("bearer_")) {
                throw new IllegalArgumentException("A personal access token starts with pat_ or bearer_");
            }
            userTokens.add(token);
            return this;
        }

        /** The {@code heartbeat_interval} sent in Hello; 30 s by default. */
        public Builder heartbeatInterval(Duration interval) {
            this.heartbeatInterval = positive(interval, "heartbeatInterval");
            return this;
        }

        /** How long after Hello Identify may arrive, else 4002; 10 s by default. */
        public Builder identifyWindow(Duration window) {
            this.identifyWindow = positive(window, "identifyWindow");
            return this;
        }

        /** How often the server sends a tagged heartbeat; 2 × heartbeat interval by default; {@code Duration.ZERO} = off. */
        public Builder taggedHeartbeatInterval(Duration interval) {
            Objects.requireNonNull(interval, "interval");
            if (interval.isNegative()) {
                throw new IllegalArgumentException("taggedHeartbeatInterval must not be negative");
            }
            this.taggedHeartbeatInterval = interval;
            return this;
        }

        /** How long a client has to echo a tagged heartbeat, else 4007; 10 s by default. */
        public Builder taggedHeartbeatTimeout(Duration timeout) {
            this.taggedHeartbeatTimeout = positive(timeout, "taggedHeartbeatTimeout");
            return this;
        }

        /** Out of sync (4007) is no op 3 for heartbeat interval + this tolerance; 10 s by default. */
        public Builder heartbeatTolerance(Duration tolerance) {
            Objects.requireNonNull(tolerance, "tolerance");
            if (tolerance.isNegative()) {
                throw new IllegalArgumentException("heartbeatTolerance must not be negative");
            }
            this.heartbeatTolerance = tolerance;
            return this;
        }

        /** How long a token's session outlives its last connection; 30 s by default. */
        public Builder sessionTimeout(Duration timeout) {
            this.sessionTimeout = positive(timeout, "sessionTimeout");
            return this;
        }

        /** The largest inbound socket message (after inflating) and REST body; 1 MiB by default. */
        public Builder maxInboundMessageSize(int bytes) {
            if (bytes < 1024) {
                throw new IllegalArgumentException("maxInboundMessageSize must be at least 1024");
            }
            this.maxInboundMessageBytes = bytes;
            return this;
        }

        /** The largest channel or token state, serialised; 1 MiB by default. */
        public Builder maxStateSize(int bytes) {
            if (bytes < 2) {
                throw new IllegalArgumentException("maxStateSize must be at least 2");
            }
            this.maxStateBytes = bytes;
            return this;
        }

        /** Event-loop threads for connections; max(2, CPUs) by default. */
        public Builder ioThreads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("ioThreads must be at least 1");
            }
            this.ioThreads = threads;
            return this;
        }

        /** Serves TLS ({@code wss://}, {@code https://}) with the key and certificate chain in the key store. */
        public Builder tls(KeyStore keyStore, char[] password) {
            try {
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keyStore, password);
                return tls(kmf);
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException("Cannot use the key store for TLS: " + e.getMessage(), e);
            }
        }

        /** Serves TLS with the given key managers. */
        public Builder tls(KeyManagerFactory keyManagerFactory) {
            try {
                this.sslContext = SslContextBuilder.forServer(keyManagerFactory).build();
            } catch (SSLException e) {
                throw new IllegalArgumentException("Cannot build the TLS context: " + e.getMessage(), e);
            }
            return this;
        }

        /** Also serves the fault-injection methods over HTTP under {@code /admin} (see the module README). */
        public Builder adminApi(boolean enabled) {
            this.adminApi = enabled;
            return this;
        }

        /**
         * The most payload bytes (JSON) queued for one connection whose writes are paused or whose socket does not
         * keep up; 64 MiB by default. Past it the connection's queue is dropped and it is closed with 4007
         * {@code Out of sync}: it has missed events it can only recover by reconnecting.
         */
        public Builder maxQueuedBytes(long bytes) {
            if (bytes < 1024) {
                throw new IllegalArgumentException("maxQueuedBytes must be at least 1024");
            }
            this.maxQueuedBytes = bytes;
            return this;
        }

        /**
         * Keeps channels, tokens, states and subscriptions in Redis and fans events out over Redis pub/sub, so any
         * number of servers with the same Redis and project ID act as one Leap service. The URI is Lettuce's
         * ({@code redis://[:password@]host[:port][/db]}, {@code rediss://} for TLS, {@code redis-sentinel://}).
         * {@code null} (the default) keeps everything in this process's memory. {@link LeapServer#start()} fails with
         * a clear message when Redis cannot be reached.
         */
        public Builder redis(String uri) {
            if (uri != null) {
                requireText(uri, "redis");
                if (!uri.startsWith("redis://")
                        && !uri.startsWith("rediss://")
                        && !uri.startsWith("redis-sentinel://")
                        && !uri.startsWith("redis-socket://")) {
                    throw new IllegalArgumentException("The Redis URI must start with redis://, rediss://, "
                            + "redis-sentinel:// or redis-socket://");
                }
            }
            this.redisUri = uri;
            return this;
        }

        /**
         * Also serves {@code /health} (liveness and readiness, readiness including Redis) and {@code /metrics}
         * (Prometheus) on this port, on the same bind address; 0 picks a free one. Off by default. Needs
         * {@code io.micrometer:micrometer-registry-prometheus} on the class path (the standalone jar has it).
         */
        public Builder managementPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("managementPort must be 0-65535");
            }
            this.managementPort = port;
            return this;
        }

        /** Builds the server; call {@link LeapServer#start()} to serve. */
        public LeapServer build() {
            Map<String, Set<Permission>> tokens = new LinkedHashMap<>(projectTokens);
            if (tokens.isEmpty()) {
                tokens.put(randomId("ptk_"), Collections.unmodifiableSet(EnumSet.allOf(Permission.class)));
            }
            Duration tagged =
                    taggedHeartbeatInterval != null ? taggedHeartbeatInterval : heartbeatInterval.multipliedBy(2);
            return new LeapServer(new ServerConfig(
                    port,
                    bindAddress,
                    projectId != null ? projectId : randomId("project_"),
                    Collections.unmodifiableMap(tokens),
                    Set.copyOf(userTokens),
                    heartbeatInterval,
                    identifyWindow,
                    tagged,
                    taggedHeartbeatTimeout,
                    heartbeatTolerance,
                    sessionTimeout,
                    maxInboundMessageBytes,
                    maxStateBytes,
                    maxInboundMessageBytes,
                    ioThreads,
                    sslContext,
                    adminApi,
                    maxQueuedBytes,
                    redisUri,
                    managementPort));
        }

        private static String randomId(String prefix) {
            return io.leap.server.internal.Ids.random(prefix);
        }

        private static String requireText(String value, String name) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(name + " must not be blank");
            }
            return value;
        }

        private static Duration positive(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException(name + " must be positive");
            }
            return d;
        }
    }
}
