package io.leap.client;

import io.leap.client.internal.ClientConfig;
import io.leap.client.internal.DefaultLeapClient;
import io.leap.client.transport.JdkWebSocketTransport;
import io.leap.client.transport.WebSocketTransport;
import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import tools.jackson.databind.json.JsonMapper;

/**
 * A client of the Leap Edge socket: one logical connection that reconnects by itself, with listeners for messages,
 * channel events and connection state.
 *
 * <pre>{@code
 * try (LeapClient client = LeapClient.builder("project_...").token("leap_token_...").build()) {
 *     client.addMessageListener(m -> System.out.println(m.channelId() + " " + m.event() + " " + m.data()));
 *     client.addConnectionStateListener(c -> System.out.println(c.previous() + " -> " + c.current()));
 *     client.connect();                                  // fails fast, never retries (unless retryInitialConnect)
 *     Channel channel = client.subscribe("game");        // blocks; subscribeAsync("game") returns a future
 * }
 * }</pre>
 *
 * <p>Instances are thread-safe. Listeners are called on delivery threads, never on the socket-reading thread (unless
 * registered with {@link DeliveryMode#INLINE}), each in socket order with its own bounded buffer. Methods named
 * {@code ...Async} return futures; the others block. {@link #close()} is idempotent and may be called from any thread,
 * including from a listener.
 */
public interface LeapClient extends AutoCloseable {

    /** The production endpoint, with JSON encoding and zlib compression. */
    URI DEFAULT_URL = URI.create("wss://leap.hop.io/ws?encoding=json&compression=zlib");

    /**
     * @param projectId the project ID ({@code project_...})
     * @return a new builder
     */
    static Builder builder(String projectId) {
        return new Builder(projectId);
    }

    /**
     * Opens the socket, waits for Hello and sends Identify, then returns; {@code INIT} (authentication) completes
     * asynchronously (see {@link #connectAsync()} and the state listeners). If this first attempt fails it throws at once
     * and does not retry, so a failing boot is not mistaken for a healthy one. Once it has returned, lost connections
     * are re-established according to the {@link ReconnectPolicy}.
     *
     * @throws LeapConnectException if the socket cannot be opened or no Hello arrives in time
     * @throws LeapClosedException  if the client was closed
     * @throws IllegalStateException if the client is already connecting or connected
     */
    void connect();

    /**
     * Starts connecting without blocking.
     *
     * @return completes with the {@code INIT} information when the first connection is authenticated; fails with
     *         {@link LeapConnectException} if the first socket cannot be opened (no retry), with
     *         {@link LeapAuthenticationException} on 4001, with {@link LeapClosedException} if the client is closed
     *         first. If the connection is lost after Identify was sent, the client reconnects and the future completes
     *         on the first {@code INIT}.
     */
    CompletableFuture<InitInfo> connectAsync();

    /**
     * Sends a 1000 close frame, stops every thread the client created, fails pending futures with
     * {@link LeapClosedException}, completes every {@link Flow.Publisher} stream and discards buffered events.
     * Idempotent; safe from any thread, including a listener.
     */
    @Override
    void close();

    /** @return the current connection state */
    ConnectionState state();

    /** @return the most recent state change, or {@code null} while {@link ConnectionState#IDLE} */
    ConnectionStateChange lastStateChange();

    /** @return the {@code INIT} of the current connection, or of the last one while disconnected; empty before the first */
    Optional<InitInfo> init();

    /** @return IDs of the channels currently held (subscribed and confirmed by the server) */
    Set<String> channels();

    /**
     * @param channelId a channel ID
     * @return the channel's status (pending, subscribed, or refused with the server's error code) if the application
     *         asked for it, holds it or was refused it; empty otherwise
     */
    Optional<ChannelStatus> channelStatus(String channelId);

    /** @return the status of every channel the application asked for, holds or was refused, by channel ID */
    Map<String, ChannelStatus> channelStatuses();

    /** @return the settings this client was built with (no secrets) */
    LeapClientOptions options();

    /**
     * Forces a fresh connection: the current one (if any) is closed with 1000 and a new one opened at once, with the
     * token provider asked again; subscriptions are re-established as after any reconnect. A reconnect that was waiting
     * for its backoff starts now.
     *
     * @throws LeapClosedException   if the client was closed
     * @throws IllegalStateException if {@link #connect()} was never called (or the client gave up for good)
     */
    void reconnect();

    /**
     * Closes the current connection (close frame 1000) and stops reconnecting, but keeps the client usable, unlike
     * {@link #close()}: listeners stay registered and the remembered channels stay wanted, so a later
     * {@link #connect()} or {@link #connectAsync()} opens a new connection and subscribes them again. The state becomes
     * {@link ConnectionState#ERRORED} with {@link ConnectionStateChange#willReconnect()} {@code false}; a pending
     * {@link #connectAsync()} future fails with {@link LeapConnectException}. Meant for stopping and restarting an
     * application (for example around a checkpoint). No-op if the client never connected or is already disconnected.
     *
     * <pre>{@code
     * client.disconnect();      // socket closed, nothing retried
     * client.connect();         // later: a fresh connection, channels resubscribed
     * }</pre>
     *
     * @throws LeapClosedException if the client was closed
     */
    void disconnect();

    /**
     * Subscribes to a channel without blocking. Concurrent calls for the same channel share one request. If the client is
     * reconnecting, the request is sent once the next connection has identified. The channel is remembered: it is
     * re-established after reconnects until {@link #unsubscribeAsync(String)}.
     *
     * @param channelId the channel ID
     * @return completes with the channel on {@code AVAILABLE}; fails with {@link LeapSubscriptionException} (carrying the
     *         {@code error_code}) on {@code UNAVAILABLE}, with {@link LeapTimeoutException} after the subscribe timeout,
     *         with {@link LeapConnectException} if the connection is lost before the answer, with
     *         {@link LeapClosedException} if the client is closed. The answer is not dispatched to channel-event listeners.
     */
    CompletableFuture<Channel> subscribeAsync(String channelId);

    /**
     * Blocking {@link #subscribeAsync(String)}, waiting at most the subscribe timeout
     * ({@link Builder#subscribeTimeout(Duration)}).
     *
     * @param channelId the channel ID
     * @return the channel
     * @throws LeapSubscriptionException if refused
     * @throws LeapTimeoutException      if no answer came in time
     * @throws LeapConnectException      if the connection was lost
     * @throws LeapClosedException       if the client was closed
     */
    Channel subscribe(String channelId);

    /**
     * Blocking {@link #subscribeAsync(String)}.
     *
     * @param channelId the channel ID
     * @param timeout   how long to wait (also bounds the request)
     * @return the channel
     * @throws LeapSubscriptionException if refused
     * @throws LeapTimeoutException      if no answer came in time
     * @throws LeapConnectException      if the connection was lost
     * @throws LeapClosedException       if the client was closed
     */
    Channel subscribe(String channelId, Duration timeout);

    /**
     * Unsubscribes without blocking and stops resubscribing the channel after reconnects.
     *
     * @param channelId the channel ID
     * @return completes when the server confirmed ({@code UNAVAILABLE}), or at once if not connected; the confirmation
     *         is not dispatched to channel-event listeners
     */
    CompletableFuture<Void> unsubscribeAsync(String channelId);

    /**
     * Blocking {@link #unsubscribeAsync(String)}, waiting at most the subscribe timeout.
     *
     * @param channelId the channel ID
     * @throws LeapTimeoutException if the server did not confirm in time
     * @throws LeapConnectException if the connection was lost first
     * @throws LeapClosedException  if the client was closed
     */
    void unsubscribe(String channelId);

    /**
     * Publishes a message to a channel the session is subscribed to (client {@code MESSAGE}) without blocking. The
     * server echoes it to every subscriber, this client included.
     *
     * @param channelId the channel ID
     * @param event     the user's event name (non-empty)
     * @param data      any value the JSON mapper can write ({@code null} allowed)
     * @return completes when the frame was sent (there is no other acknowledgement); fails with
     *         {@link LeapConnectException} if not connected
     */
    CompletableFuture<Void> publishAsync(String channelId, String event, Object data);

    /**
     * Blocking {@link #publishAsync(String, String, Object)}: returns once the frame was sent.
     *
     * @param channelId the channel ID
     * @param event     the user's event name (non-empty)
     * @param data      any value the JSON mapper can write ({@code null} allowed)
     * @throws LeapConnectException if not connected or the send failed
     * @throws LeapException        if the data cannot be serialised
     */
    void publish(String channelId, String event, Object data);

    /**
     * Replaces a channel's state ({@code SET_CHANNEL_STATE}) without blocking; subscribers receive a
     * {@code STATE_UPDATE}.
     *
     * @param channelId the channel ID
     * @param state     the complete new state; must serialise to a JSON object
     * @return completes when the frame was sent; fails with {@link LeapConnectException} if not connected
     */
    CompletableFuture<Void> setChannelStateAsync(String channelId, Object state);

    /**
     * Blocking {@link #setChannelStateAsync(String, Object)}: returns once the frame was sent.
     *
     * @param channelId the channel ID
     * @param state     the complete new state; must serialise to a JSON object
     * @throws LeapConnectException     if not connected or the send failed
     * @throws IllegalArgumentException if the state is not a JSON object
     */
    void setChannelState(String channelId, Object state);

    /**
     * @param listener receives every message, in socket order
     * @return a handle to pause, drain or remove it
     */
    default ListenerRegistration addMessageListener(MessageListener listener) {
        return addMessageListener(listener, ListenerOptions.defaults());
    }

    /**
     * @param listener receives every message, in socket order
     * @param options  filters, buffer size, overflow policy and delivery mode for this listener
     * @return a handle to pause, drain or remove it
     */
    ListenerRegistration addMessageListener(MessageListener listener, ListenerOptions options);

    /**
     * @param listener receives every channel event, in socket order
     * @return a handle to pause, drain or remove it
     */
    default ListenerRegistration addChannelEventListener(ChannelEventListener listener) {
        return addChannelEventListener(listener, ListenerOptions.defaults());
    }

    /**
     * @param listener receives every channel event, in socket order
     * @param options  filters, buffer size, overflow policy and delivery mode for this listener
     * @return a handle to pause, drain or remove it
     */
    ListenerRegistration addChannelEventListener(ChannelEventListener listener, ListenerOptions options);

    /**
     * @param listener receives every state change, strictly in order (unbounded buffer: state changes are rare)
     * @return a handle to pause, drain or remove it
     */
    ListenerRegistration addConnectionStateListener(ConnectionStateListener listener);

    /**
     * @return a publisher of messages: each subscriber gets every message received after it subscribed, in order, with
     *         demand-driven backpressure (undelivered messages wait in a bounded buffer with the client's overflow
     *         policy); completed when the client is closed
     */
    default Flow.Publisher<LeapMessage> messages() {
        return messages(ListenerOptions.defaults());
    }

    /**
     * @param options buffer size and overflow policy of each subscriber
     * @return a publisher of messages, see {@link #messages()}
     */
    Flow.Publisher<LeapMessage> messages(ListenerOptions options);

    /** @return a publisher of channel events, with the semantics of {@link #messages()} */
    default Flow.Publisher<ChannelEvent> channelEvents() {
        return channelEvents(ListenerOptions.defaults());
    }

    /**
     * @param options buffer size and overflow policy of each subscriber
     * @return a publisher of channel events, see {@link #messages()}
     */
    Flow.Publisher<ChannelEvent> channelEvents(ListenerOptions options);

    /** @return a snapshot of the counters */
    ClientStats stats();

    /**
     * Builds a {@link LeapClient}. Not thread-safe. {@link #toString()} never shows the token.
     */
    final class Builder {
        private final String projectId;
        private String token;
        private URI url = DEFAULT_URL;
        private Boolean compression;
        private JsonMapper jsonMapper;
        private ReconnectPolicy reconnectPolicy = ReconnectPolicy.defaults();
        private Duration heartbeatAckTimeout;
        private Duration readTimeoutGrace = Duration.ofSeconds(5);
        private Duration helloTimeout = Duration.ofSeconds(10);
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration subscribeTimeout = Duration.ofSeconds(10);
        private Executor deliveryExecutor;
        private int bufferSize = 1024;
        private OverflowPolicy overflowPolicy = OverflowPolicy.BLOCK;
        private WebSocketTransport transport;
        private LeapClientObserver observer = LeapClientObserver.NOOP;
        private int maxMessageSize = 16 * 1024 * 1024;
        private Set<String> redirectAllowedHosts;
        private Supplier<String> tokenProvider;
        private boolean retryInitialConnect;
        private Duration subscriptionRetryInterval;
        private ScheduledExecutorService scheduler;

        private Builder(String projectId) {
            this.projectId = requireText(projectId, "projectId");
        }

        /**
         * @param token a Leap token ({@code leap_token_...}); {@code null} or empty for an anonymous connection
         * @return this builder
         */
        public Builder token(String token) {
            this.token = token == null || token.isEmpty() ? null : token;
            this.tokenProvider = null;
            return this;
        }

        /**
         * Sets a token provider, asked for the token before every connection attempt (the first, every reconnect and
         * {@link LeapClient#reconnect()}), so rotated tokens are picked up. After a 4001 (invalid auth) the provider is
         * asked once more: if it yields a different token, that token is tried once at once; otherwise (or if that
         * fails too) the client gives up as it does without a provider. Called on client threads; it should return
         * quickly (cache the token and refresh it in the background). Replaces {@link #token(String)}.
         *
         * <pre>{@code
         * LeapClient.builder("project_...").tokenProvider(tokens::current).build();
         * }</pre>
         *
         * @param tokenProvider returns the token, or {@code null}/empty for an anonymous connection
         * @return this builder
         */
        public Builder tokenProvider(Supplier<String> tokenProvider) {
            this.tokenProvider = Objects.requireNonNull(tokenProvider, "tokenProvider");
            this.token = null;
            return this;
        }

        /**
         * Opts in to retrying the first connection: {@link LeapClient#connect()} then keeps trying with the
         * {@link ReconnectPolicy}'s backoff (and its {@code maxAttempts}) until a connection identifies, and throws only
         * when the policy gives up; {@link LeapClient#connectAsync()} completes on the first {@code INIT}. A 4001 is
         * never retried. Default {@code false}: the first attempt fails fast.
         *
         * <pre>{@code
         * LeapClient.builder("project_...").retryInitialConnect(true)
         *         .reconnectPolicy(ReconnectPolicy.defaults().maxAttempts(10)).build();
         * }</pre>
         *
         * @param retry whether to retry the first connection
         * @return this builder
         */
        public Builder retryInitialConnect(boolean retry) {
            this.retryInitialConnect = retry;
            return this;
        }

        /**
         * Opts in to remembered channels: a subscription that is refused, unanswered or revoked by the server stays
         * wanted and is asked for again on this interval while connected (and after reconnects), until
         * {@link LeapClient#unsubscribeAsync(String)}. The first refusal still fails the subscribe future; the status is
         * visible through {@link LeapClient#channelStatus(String)}. Default: off (a refused channel is forgotten).
         *
         * <pre>{@code
         * LeapClient.builder("project_...").subscriptionRetryInterval(Duration.ofSeconds(30)).build();
         * }</pre>
         *
         * @param interval how often to retry
         * @return this builder
         */
        public Builder subscriptionRetryInterval(Duration interval) {
            this.subscriptionRetryInterval = requirePositive(interval, "subscriptionRetryInterval");
            return this;
        }

        /**
         * @param url the socket URL, used as given except for {@link #compression(boolean)}
         *            (default {@code wss://leap.hop.io/ws?encoding=json&compression=zlib})
         * @return this builder
         */
        public Builder url(URI url) {
            Objects.requireNonNull(url, "url");
            String scheme = url.getScheme();
            if (!"ws".equalsIgnoreCase(scheme) && !"wss".equalsIgnoreCase(scheme)) {
                throw new IllegalArgumentException("url must use ws or wss: " + url);
            }
            this.url = url;
            return this;
        }

        /**
         * @param compression {@code true} to set {@code compression=zlib} in the URL's query, {@code false} for
         *                    {@code compression=none}; unset = keep the URL as given. Frames of both kinds are
         *                    decoded either way.
         * @return this builder
         */
        public Builder compression(boolean compression) {
            this.compression = compression;
            return this;
        }

        /**
         * @param jsonMapper the mapper used to convert message data and to write published data (default: a plain
         *                   {@code JsonMapper})
         * @return this builder
         */
        public Builder jsonMapper(JsonMapper jsonMapper) {
            this.jsonMapper = Objects.requireNonNull(jsonMapper, "jsonMapper");
            return this;
        }

        /**
         * @param reconnectPolicy when to reconnect (default {@link ReconnectPolicy#defaults()})
         * @return this builder
         */
        public Builder reconnectPolicy(ReconnectPolicy reconnectPolicy) {
            this.reconnectPolicy = Objects.requireNonNull(reconnectPolicy, "reconnectPolicy");
            return this;
        }

        /**
         * @param timeout how long a heartbeat may stay unacknowledged before the connection is closed and re-opened
         *                (default {@code min(heartbeat_interval, 10 s)})
         * @return this builder
         */
        public Builder heartbeatAckTimeout(Duration timeout) {
            this.heartbeatAckTimeout = requirePositive(timeout, "heartbeatAckTimeout");
            return this;
        }

        /**
         * @param grace how long beyond {@code heartbeat_interval} the link may stay silent (nothing read) before it is
         *              considered dead (default 5 s)
         * @return this builder
         */
        public Builder readTimeoutGrace(Duration grace) {
            this.readTimeoutGrace = requirePositive(grace, "readTimeoutGrace");
            return this;
        }

        /**
         * @param timeout how long to wait for Hello after the socket opened (default 10 s)
         * @return this builder
         */
        public Builder helloTimeout(Duration timeout) {
            this.helloTimeout = requirePositive(timeout, "helloTimeout");
            return this;
        }

        /**
         * @param timeout how long opening the socket may take (default 10 s)
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = requirePositive(timeout, "connectTimeout");
            return this;
        }

        /**
         * @param timeout default time to wait for a subscribe answer (default 10 s)
         * @return this builder
         */
        public Builder subscribeTimeout(Duration timeout) {
            this.subscribeTimeout = requirePositive(timeout, "subscribeTimeout");
            return this;
        }

        /**
         * @param executor where listener buffers are drained (each listener still sees its events one at a time, in
         *                 order); not shut down by the client. Default: client-owned daemon threads that end on close.
         *                 A slow listener occupies one of its threads while it runs: give a pool large enough.
         * @return this builder
         */
        public Builder deliveryExecutor(Executor executor) {
            this.deliveryExecutor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * Runs the client's timers (heartbeats, timeouts, reconnect and subscription-retry delays) on an application's
         * scheduler instead of a client-owned thread. The client's tasks still run one at a time (serialised if the
         * executor has several threads) and must not wait behind long tasks of others: a dedicated or lightly used
         * scheduler is best. Not shut down by the client; {@link LeapClient#close()} cancels the client's own tasks.
         * Default: one client-owned daemon thread that ends on close.
         *
         * <pre>{@code
         * LeapClient.builder("project_...").scheduler(Executors.newSingleThreadScheduledExecutor()).build();
         * }</pre>
         *
         * @param scheduler where timers run
         * @return this builder
         */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /**
         * @param bufferSize default per-listener buffer size (default 1024)
         * @return this builder
         */
        public Builder bufferSize(int bufferSize) {
            if (bufferSize < 1) {
                throw new IllegalArgumentException("bufferSize must be at least 1");
            }
            this.bufferSize = bufferSize;
            return this;
        }

        /**
         * @param overflowPolicy default per-listener overflow policy (default {@link OverflowPolicy#BLOCK})
         * @return this builder
         */
        public Builder overflowPolicy(OverflowPolicy overflowPolicy) {
            this.overflowPolicy = Objects.requireNonNull(overflowPolicy, "overflowPolicy");
            return this;
        }

        /**
         * @param transport the WebSocket implementation (default: a new {@link JdkWebSocketTransport}, closed with the
         *                  client); a transport given here is not closed by the client
         * @return this builder
         */
        public Builder transport(WebSocketTransport transport) {
            this.transport = Objects.requireNonNull(transport, "transport");
            return this;
        }

        /**
         * @param observer metrics hooks (default: none)
         * @return this builder
         */
        public Builder observer(LeapClientObserver observer) {
            this.observer = Objects.requireNonNull(observer, "observer");
            return this;
        }

        /**
         * @param maxMessageSize largest accepted message in bytes, after decompression (default and minimum sensible
         *                       value 16 MiB); larger ones are skipped with an error log
         * @return this builder
         */
        public Builder maxMessageSize(int maxMessageSize) {
            if (maxMessageSize < 1024) {
                throw new IllegalArgumentException("maxMessageSize must be at least 1024");
            }
            this.maxMessageSize = maxMessageSize;
            return this;
        }

        /**
         * @param hosts if set, a 4006 redirect is followed only to these host names (case-insensitive); a redirect
         *              elsewhere is ignored and the client reconnects to its current URL. Default: any host (scheme
         *              must still be ws or wss).
         * @return this builder
         */
        public Builder redirectAllowedHosts(Collection<String> hosts) {
            this.redirectAllowedHosts = Set.copyOf(Objects.requireNonNull(hosts, "hosts"));
            return this;
        }

        /** @return a new client in state {@link ConnectionState#IDLE} */
        public LeapClient build() {
            Duration ackTimeout = heartbeatAckTimeout;
            return new DefaultLeapClient(new ClientConfig(
                    projectId,
                    token,
                    ClientConfig.applyCompression(url, compression),
                    jsonMapper == null ? DefaultLeapClient.defaultMapper() : jsonMapper,
                    reconnectPolicy,
                    ackTimeout,
                    readTimeoutGrace,
                    helloTimeout,
                    connectTimeout,
                    subscribeTimeout,
                    deliveryExecutor,
                    bufferSize,
                    overflowPolicy,
                    transport,
                    transport == null,
                    observer,
                    maxMessageSize,
                    redirectAllowedHosts,
                    tokenProvider,
                    retryInitialConnect,
                    subscriptionRetryInterval,
                    scheduler));
        }

        private static String requireText(String value, String name) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(name + " must not be empty");
            }
            return value;
        }

        private static Duration requirePositive(Duration value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive");
            }
            return value;
        }

        @Override
        public String toString() {
            return "LeapClient.Builder[projectId=" + projectId + ", token="
                    + (token != null ? "<redacted>" : tokenProvider != null ? "<provider>" : "none")
                    + ", url=" + url + "]";
        }
    }
}
