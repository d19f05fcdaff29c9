package io.leap.client.internal;

import io.leap.client.Channel;
import io.leap.client.ChannelEvent;
import io.leap.client.ChannelEventListener;
import io.leap.client.ChannelStatus;
import io.leap.client.ClientStats;
import io.leap.client.ConnectionState;
import io.leap.client.ConnectionStateChange;
import io.leap.client.ConnectionStateListener;
import io.leap.client.InitInfo;
import io.leap.client.LeapAuthenticationException;
import io.leap.client.LeapClient;
import io.leap.client.LeapClientOptions;
import io.leap.client.LeapCloseException;
import io.leap.client.LeapClosedException;
import io.leap.client.LeapConnectException;
import io.leap.client.LeapException;
import io.leap.client.LeapMessage;
import io.leap.client.LeapSubscriptionException;
import io.leap.client.LeapTimeoutException;
import io.leap.client.ListenerRegistration;
import io.leap.client.ListenerOptions;
import io.leap.client.MessageListener;
import io.leap.client.internal.SubscriptionTable.PendingSubscribe;
import io.leap.client.internal.SubscriptionTable.PendingUnsubscribe;
import io.leap.client.internal.codec.DecodeException;
import io.leap.client.internal.codec.Envelope;
import io.leap.client.internal.codec.EnvelopeParser;
import io.leap.client.internal.codec.FrameDecoder;
import io.leap.client.internal.codec.Frames;
import io.leap.client.transport.JdkWebSocketTransport;
import io.leap.client.transport.WebSocketConnection;
import io.leap.client.transport.WebSocketTransport;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@link LeapClient} implementation: a facade over the {@link ConnectionStateMachine} (lifecycle),
 * {@link ReconnectScheduler} (when and where to reconnect), {@link SubscriptionTable} (channels), {@link Connection}
 * with its {@link LinkMonitor} (one socket), {@link Dispatcher} (envelopes to events) and {@link ListenerRegistry}
 * (delivery). Internal API: use {@link LeapClient#builder(String)}.
 *
 * <p>Threads: the transport's reading thread decodes frames and routes them (never running user code); one scheduler
 * thread runs heartbeats, timeouts and reconnect delays; delivery threads drain listener buffers. The state machine,
 * reconnect scheduler and subscription table are guarded by one lock; state changes are enqueued to listeners under
 * that lock, so they arrive strictly in order.
 */
public final class DefaultLeapClient implements LeapClient {

    private static final Logger log = LoggerFactory.getLogger(LeapClient.class);
    private static final AtomicInteger CLIENT_IDS = new AtomicInteger();
    /** A listener's own delivery thread waits this long for the next event before it is given back to the pool. */
    private static final long IDLE_PARK_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final int clientId = CLIENT_IDS.incrementAndGet();
    private final String threadPrefix = "leap-client-" + clientId;
    private final ClientConfig config;
    private final JsonMapper mapper;
    private final Frames frames;
    private final WebSocketTransport transport;
    private final boolean ownsTransport;
    private final Scheduler scheduler;
    private final ThreadPoolExecutor ownedDelivery;
    private final Executor delivery;
    private final ClientMetrics metrics;
    private final ListenerRegistry listeners;
    private final Dispatcher dispatcher;
    private final Events events = new Events();

    private final Object lock = new Object();
    // --- guarded by lock ---
    private final ConnectionStateMachine lifecycle;
    private final ReconnectScheduler reconnects;
    private final SubscriptionTable subscriptions;
    private Connection current;
    private Scheduler.Timer reconnectTask;
    private CompletableFuture<InitInfo> initFuture;
    /** With retryInitialConnect: completes when any attempt of the first connect() identified. */
    private CompletableFuture<Void> firstIdentified;
    /** A token to use for the next attempt instead of asking the provider (the one re-read after a 4001). */
    private String nextToken;
    /** Whether the next attempt is the single retry after a 4001 with a new token. */
    private boolean authRetry;
    private Scheduler.Timer subscriptionRetryTask = Scheduler.NONE;
    // --- end guarded ---
    private volatile InitInfo init;

    /** @return the {@code JsonMapper} a client uses when the builder was given none */
    public static JsonMapper defaultMapper() {
        return JsonMapper.builder().build();
    }

    /** @param config the settings */
    public DefaultLeapClient(ClientConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.mapper = config.jsonMapper();
        this.frames = new Frames(mapper);
        this.transport = config.transport() != null ? config.transport() : new JdkWebSocketTransport();
        this.ownsTransport = config.ownsTransport();
        this.scheduler = Scheduler.threaded(threadPrefix + "-scheduler");
        long idleParkNanos;
        if (config.deliveryExecutor() != null) {
            this.ownedDelivery = null;
            this.delivery = config.deliveryExecutor();
            idleParkNanos = 0;
        } else {
            // One thread per listener that currently has work; idle threads end after a while.
            this.ownedDelivery = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 10, TimeUnit.SECONDS,
                    new SynchronousQueue<>(), new NamedThreadFactory(threadPrefix + "-delivery"));
            this.delivery = ownedDelivery;
            idleParkNanos = IDLE_PARK_NANOS;
        }
        this.metrics = new ClientMetrics(clientId, config.observer(), scheduler);
        this.listeners = new ListenerRegistry(metrics, delivery, idleParkNanos, config.bufferSize(),
                config.overflowPolicy());
        this.dispatcher = new Dispatcher(clientId, mapper, frames, listeners, metrics, events);
        this.lifecycle = new ConnectionStateMachine(clientId, scheduler, listeners::publishState);
        this.reconnects = new ReconnectScheduler(clientId, config.reconnectPolicy(), config.url(),
                config.redirectAllowedHosts(), () -> ThreadLocalRandom.current().nextDouble());
        this.subscriptions = new SubscriptionTable(config.authenticated(), config.subscriptionRetryInterval() != null);
    }

    // ------------------------------------------------------------------------------------------------ lifecycle

    @Override
    public void connect() {
        Connection conn = beginFirstAttempt(true);
        CompletableFuture<Void> identified;
        synchronized (lock) {
            identified = config.retryInitialConnect() ? firstIdentified : conn.identified;
        }
        open(conn);
        long waitMs = config.retryInitialConnect() ? Long.MAX_VALUE
                : config.connectTimeout().plus(config.helloTimeout()).toMillis() + 5_000;
        try {
            identified.get(waitMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof LeapException le) {
                throw rethrowable(le);
            }
            throw new LeapConnectException("Could not connect to " + conn.uri + ": " + cause, cause);
        } catch (TimeoutException e) {
            LeapConnectException error = new LeapConnectException("Could not connect to " + conn.uri + " within "
                    + waitMs + " ms");
            lost(conn, error, Protocol.CLOSE_NORMAL, null);
            throw error;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LeapConnectException error = new LeapConnectException("Interrupted while connecting to " + conn.uri);
            lost(conn, error, Protocol.CLOSE_NORMAL, null);
            throw error;
        }
    }

    /** A new exception of the same kind with the caller's stack (the original as cause). */
    private static LeapException rethrowable(LeapException e) {
        if (e instanceof LeapClosedException) {
            return new LeapClosedException(e.getMessage());
        }
        if (e instanceof LeapCloseException || e instanceof LeapAuthenticationException) {
            return e;
        }
        if (e instanceof LeapConnectException) {
            return new LeapConnectException(e.getMessage(), e.getCause() != null ? e.getCause() : e);
        }
        return e;
    }

    @Override
    public CompletableFuture<InitInfo> connectAsync() {
        Connection conn;
        CompletableFuture<InitInfo> future;
        synchronized (lock) {
            if (lifecycle.closed()) {
                return CompletableFuture.failedFuture(new LeapClosedException("The client is closed"));
            }
            if (!lifecycle.canStart(reconnectTask != null)) {
                InitInfo i = init;
                if (lifecycle.state() == ConnectionState.CONNECTED && i != null) {
                    return CompletableFuture.completedFuture(i);
                }
                return initFuture != null ? initFuture.copy()
                        : CompletableFuture.failedFuture(new IllegalStateException("Already " + lifecycle.state()));
            }
            conn = beginFirstAttempt(false);
            future = initFuture.copy();
        }
        open(conn);
        return future;
    }

    private Connection beginFirstAttempt(boolean blocking) {
        synchronized (lock) {
            if (lifecycle.closed()) {
                throw new LeapClosedException("The client is closed");
            }
            if (!lifecycle.canStart(reconnectTask != null)) {
                throw new IllegalStateException("The client is already "
                        + lifecycle.state().name().toLowerCase(Locale.ROOT));
            }
            // With retryInitialConnect, a failed first attempt is retried like a lost connection.
            lifecycle.running(config.retryInitialConnect());
            reconnects.reset();
            authRetry = false;
            nextToken = null;
            firstIdentified = new CompletableFuture<>();
            if (initFuture == null || initFuture.isDone()) {
                initFuture = new CompletableFuture<>();
            }
            log.atDebug().addKeyValue("client", clientId).addKeyValue("url", config.url())
                    .addKeyValue("blocking", blocking).log("Connecting");
            return startAttempt(config.url());
        }
    }

    /** Creates the next connection and moves to CONNECTING. Caller holds the lock, then calls {@link #open}. */
    private Connection startAttempt(URI uri) {
        Connection conn = new Connection(uri,
                new FrameDecoder(new EnvelopeParser(mapper.tokenStreamFactory()), config.maxMessageSize()), events,
                link -> new LinkMonitor(scheduler, config.heartbeatAckTimeout(), config.readTimeoutGrace(), link));
        conn.authRetry = authRetry;
        current = conn;
        lifecycle.connecting();
        return conn;
    }

    private void open(Connection conn) {
        String token;
        synchronized (lock) {
            token = nextToken;
            nextToken = null;
        }
        if (token == null) {
            try {
                token = currentToken();
            } catch (RuntimeException e) {
                lost(conn, new LeapConnectException("The token provider failed: " + Connection.describe(e), e), -1,
                        null);
                return;
            }
        }
        conn.token = token;
        CompletableFuture<WebSocketConnection> opening;
        try {
            opening = transport.connect(conn.uri, conn, config.connectTimeout());
        } catch (RuntimeException e) {
            opening = CompletableFuture.failedFuture(e);
        }
        opening.whenComplete((ws, error) -> {
            if (error != null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                lost(conn, new LeapConnectException("Could not open " + conn.uri + ": " + Connection.describe(cause),
                        cause), -1, null);
            } else if (conn.dead) {
                ws.abort();
            }
        });
    }

    /** @return the token to identify with now: the configured one, or the provider's answer */
    private String currentToken() {
        if (config.tokenProvider() == null) {
            return config.token();
        }
        String t = config.tokenProvider().get();
        return t == null || t.isEmpty() ? null : t;
    }

    @Override
    public void close() {
        Connection conn;
        List<CompletableFuture<?>> toFail;
        synchronized (lock) {
            if (!lifecycle.close()) {
                return;
            }
            conn = current;
            current = null;
            if (conn != null) {
                conn.kill();
            }
            if (reconnectTask != null) {
                reconnectTask.cancel();
                reconnectTask = null;
            }
            subscriptionRetryTask.cancel();
            toFail = subscriptions.closeAll();
            if (initFuture != null) {
                toFail.add(initFuture);
            }
            if (firstIdentified != null) {
                toFail.add(firstIdentified);
            }
        }
        LeapClosedException closedError = new LeapClosedException("The client was closed");
        for (CompletableFuture<?> f : toFail) {
            f.completeExceptionally(closedError);
        }
        if (conn != null) {
            conn.identified.completeExceptionally(closedError);
            WebSocketConnection socket = conn.socket;
            if (socket != null) {
                try {
                    socket.close(Protocol.CLOSE_NORMAL, "Client closed").get(1, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (ExecutionException | TimeoutException | RuntimeException e) {
                    log.atDebug().addKeyValue("client", clientId).log("Close frame not sent: {}", e.toString());
                }
                socket.abort();
            }
        }
        listeners.closeAll();
        scheduler.shutdown();
        if (ownsTransport) {
            try {
                transport.close();
            } catch (RuntimeException e) {
                log.atDebug().addKeyValue("client", clientId).log("Transport close failed: {}", e.toString());
            }
        }
        if (ownedDelivery != null) {
            ownedDelivery.shutdown();
            if (!Thread.currentThread().getName().startsWith(threadPrefix)) {
                try {
                    if (!ownedDelivery.awaitTermination(2, TimeUnit.SECONDS)) {
                        ownedDelivery.shutdownNow();
                        ownedDelivery.awaitTermination(1, TimeUnit.SECONDS);
                    }
                    if (scheduler instanceof Scheduler.Threaded t) {
                        t.awaitTermination(1_000);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    ownedDelivery.shutdownNow();
                }
            }
        }
        log.atDebug().addKeyValue("client", clientId).log("Closed");
    }

    // ------------------------------------------------------------------------------------------------ queries

    @Override
    public ConnectionState state() {
        synchronized (lock) {
            return lifecycle.state();
        }
    }

    @Override
    public ConnectionStateChange lastStateChange() {
        synchronized (lock) {
            return lifecycle.lastChange();
        }
    }

    @Override
    public Optional<InitInfo> init() {
        return Optional.ofNullable(init);
    }

    @Override
    public Set<String> channels() {
        return Set.copyOf(subscriptions.held());
    }

    @Override
    public Optional<ChannelStatus> channelStatus(String channelId) {
        requireChannel(channelId);
        synchronized (lock) {
            return Optional.ofNullable(subscriptions.status(channelId));
        }
    }

    @Override
    public Map<String, ChannelStatus> channelStatuses() {
        synchronized (lock) {
            return Map.copyOf(subscriptions.statuses());
        }
    }

    @Override
    public LeapClientOptions options() {
        return config.options();
    }

    @Override
    public ClientStats stats() {
        return metrics.snapshot(state(), listeners.buffered());
    }

    // ------------------------------------------------------------------------------------------------ operations

    @Override
    public CompletableFuture<Channel> subscribeAsync(String channelId) {
        return subscribe0(requireChannel(channelId), config.subscribeTimeout());
    }

    @Override
    public Channel subscribe(String channelId) {
        return subscribe(channelId, config.subscribeTimeout());
    }

    @Override
    public Channel subscribe(String channelId, Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        CompletableFuture<Channel> f = subscribe0(requireChannel(channelId), timeout);
        try {
            return f.get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof LeapSubscriptionException se) {
                throw new LeapSubscriptionException(se.channelId(), se.errorCode());
            }
            if (cause instanceof LeapTimeoutException te) {
                throw new LeapTimeoutException(te.getMessage());
            }
            if (cause instanceof LeapClosedException ce) {
                throw new LeapClosedException(ce.getMessage());
            }
            if (cause instanceof LeapConnectException ce) {
                throw new LeapConnectException(ce.getMessage(), ce);
            }
            throw new LeapException("Subscribe to '" + channelId + "' failed: " + cause, cause);
        } catch (TimeoutException e) {
            throw new LeapTimeoutException("No answer to SUBSCRIBE '" + channelId + "' within " + timeout.toMillis()
                    + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LeapException("Interrupted while subscribing to '" + channelId + "'");
        }
    }

    private static String requireChannel(String channelId) {
        if (channelId == null || channelId.isEmpty()) {
            throw new IllegalArgumentException("channelId must not be empty");
        }
        return channelId;
    }

    private CompletableFuture<Channel> subscribe0(String channelId, Duration timeout) {
        Connection sendOn;
        PendingSubscribe pending;
        synchronized (lock) {
            if (lifecycle.closed()) {
                return CompletableFuture.failedFuture(new LeapClosedException("The client is closed"));
            }
            if (!lifecycle.running() && current == null) {
                return CompletableFuture.failedFuture(new LeapConnectException(
                        "Not connected: call connect() first (state " + lifecycle.state() + ")"));
            }
            PendingSubscribe existing = subscriptions.pendingSubscribe(channelId);
            if (existing != null) {
                return existing.future.copy();
            }
            Connection c = current;
            sendOn = c != null && c.usable() ? c : null;
            pending = subscriptions.addSubscribe(channelId, sendOn);
            pending.timer = scheduler.schedule(() -> subscribeTimedOut(pending, timeout), timeout.toNanos());
        }
        if (sendOn != null) {
            sendOn.send(frames.dispatch(channelId, Protocol.SUBSCRIBE, null));
        }
        return pending.future.copy();
    }

    private void subscribeTimedOut(PendingSubscribe p, Duration timeout) {
        synchronized (lock) {
            if (!subscriptions.subscribeTimedOut(p)) {
                return;
            }
        }
        p.future.completeExceptionally(new LeapTimeoutException("No answer to SUBSCRIBE '" + p.channelId + "' within "
                + timeout.toMillis() + " ms"));
    }

    @Override
    public void unsubscribe(String channelId) {
        await(unsubscribeAsync(channelId), config.subscribeTimeout().plusSeconds(1), "UNSUBSCRIBE '" + channelId + "'");
    }

    @Override
    public void publish(String channelId, String event, Object data) {
        await(publishAsync(channelId, event, data), config.connectTimeout(), "MESSAGE to '" + channelId + "'");
    }

    @Override
    public void setChannelState(String channelId, Object state) {
        await(setChannelStateAsync(channelId, state), config.connectTimeout(),
                "SET_CHANNEL_STATE of '" + channelId + "'");
    }

    /** Waits for a send or request future and rethrows its failure with the caller's stack. */
    private static void await(CompletableFuture<?> f, Duration timeout, String what) {
        try {
            f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof LeapTimeoutException te) {
                throw new LeapTimeoutException(te.getMessage());
            }
            if (cause instanceof LeapClosedException ce) {
                throw new LeapClosedException(ce.getMessage());
            }
            if (cause instanceof LeapConnectException ce) {
                throw new LeapConnectException(ce.getMessage(), ce);
            }
            if (cause instanceof LeapException le) {
                throw new LeapException(le.getMessage(), le);
            }
            if (cause instanceof IllegalArgumentException ie) {
                throw new IllegalArgumentException(ie.getMessage(), ie);
            }
            throw new LeapException(what + " failed: " + cause, cause);
        } catch (TimeoutException e) {
            throw new LeapTimeoutException(what + " not done within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LeapException("Interrupted while waiting for " + what);
        }
    }

    @Override
    public CompletableFuture<Void> unsubscribeAsync(String channelId) {
        requireChannel(channelId);
        Connection sendOn = null;
        PendingUnsubscribe pending;
        PendingSubscribe cancelled;
        synchronized (lock) {
            if (lifecycle.closed()) {
                return CompletableFuture.failedFuture(new LeapClosedException("The client is closed"));
            }
            cancelled = subscriptions.giveUp(channelId);
            PendingUnsubscribe existing = subscriptions.pendingUnsubscribe(channelId);
            if (existing != null) {
                pending = existing;
            } else {
                Connection c = current;
                if (c == null || !c.usable()) {
                    // Anonymous subscriptions die with the connection; a token's are reconciled after INIT.
                    subscriptions.unsubscribeLater(channelId);
                    pending = null;
                } else {
                    PendingUnsubscribe u = subscriptions.addUnsubscribe(channelId);
                    u.timer = scheduler.schedule(() -> unsubscribeTimedOut(u), config.subscribeTimeout().toNanos());
                    pending = u;
                    sendOn = c;
                }
            }
        }
        if (cancelled != null) {
            cancelled.future.completeExceptionally(new LeapSubscriptionException(channelId, "UNSUBSCRIBED"));
        }
        if (pending == null) {
            return CompletableFuture.completedFuture(null);
        }
        if (sendOn != null) {
            sendOn.send(frames.dispatch(channelId, Protocol.UNSUBSCRIBE, null));
        }
        return pending.future.copy();
    }

    private void unsubscribeTimedOut(PendingUnsubscribe u) {
        synchronized (lock) {
            if (!subscriptions.unsubscribeTimedOut(u)) {
                return;
            }
        }
        u.future.completeExceptionally(new LeapTimeoutException("No answer to UNSUBSCRIBE '" + u.channelId
                + "' within " + config.subscribeTimeout().toMillis() + " ms"));
    }

    @Override
    public CompletableFuture<Void> publishAsync(String channelId, String event, Object data) {
        requireChannel(channelId);
        if (event == null || event.isEmpty()) {
            throw new IllegalArgumentException("event must not be empty");
        }
        String text;
        try {
            text = frames.message(channelId, event, data);
        } catch (JacksonException e) {
            return CompletableFuture.failedFuture(new LeapException("Cannot serialise message data: "
                    + e.getOriginalMessage(), e));
        }
        return sendDispatch(text);
    }

    @Override
    public CompletableFuture<Void> setChannelStateAsync(String channelId, Object state) {
        requireChannel(channelId);
        JsonNode tree;
        try {
            tree = mapper.valueToTree(state);
        } catch (JacksonException | IllegalArgumentException e) {
            return CompletableFuture.failedFuture(new LeapException("Cannot serialise channel state: " + e.getMessage(),
                    e));
        }
        if (tree == null || !tree.isObject()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "Channel state must serialise to a JSON object"));
        }
        return sendDispatch(frames.dispatch(channelId, Protocol.SET_CHANNEL_STATE, tree));
    }

    private CompletableFuture<Void> sendDispatch(String text) {
        Connection c;
        synchronized (lock) {
            if (lifecycle.closed()) {
                return CompletableFuture.failedFuture(new LeapClosedException("The client is closed"));
            }
            c = current;
            if (c == null || !c.usable()) {
                return CompletableFuture.failedFuture(new LeapConnectException("Not connected (state "
                        + lifecycle.state() + ")"));
            }
        }
        return c.send(text);
    }

    // ------------------------------------------------------------------------------------------------ listeners

    @Override
    public ListenerRegistration addMessageListener(MessageListener listener, ListenerOptions options) {
        return listeners.addMessageListener(listener, options);
    }

    @Override
    public ListenerRegistration addChannelEventListener(ChannelEventListener listener, ListenerOptions options) {
        return listeners.addChannelEventListener(listener, options);
    }

    @Override
    public ListenerRegistration addConnectionStateListener(ConnectionStateListener listener) {
        return listeners.addConnectionStateListener(listener);
    }

    @Override
    public Flow.Publisher<LeapMessage> messages(ListenerOptions options) {
        return listeners.messages(options);
    }

    @Override
    public Flow.Publisher<ChannelEvent> channelEvents(ListenerOptions options) {
        return listeners.channelEvents(options);
    }

    // ------------------------------------------------------------------------------------------------ loss and reconnect

    /**
     * Gives up a connection and decides whether and when to reconnect.
     *
     * @param closeCode close code to send before aborting, or -1 to just drop the socket (peer closed or failed)
     * @param redirect  a validated 4006 target, or {@code null}
     */
    private void lost(Connection conn, LeapException error, int closeCode, URI redirect) {
        lost(conn, error, closeCode, redirect, null, false);
    }

    /**
     * @param retryToken after a 4001: a different token from the provider, to try once; otherwise {@code null}
     * @param forced     {@link #reconnect()}: reconnect at once whatever the policy says
     */
    private void lost(Connection conn, LeapException error, int closeCode, URI redirect, String retryToken,
                      boolean forced) {
        WebSocketConnection socket;
        List<CompletableFuture<?>> toFail;
        CompletableFuture<InitInfo> initToFail = null;
        CompletableFuture<Void> firstToFail = null;
        synchronized (lock) {
            if (conn.dead || current != conn) {
                conn.kill();
                return;
            }
            conn.kill();
            current = null;
            socket = conn.socket;
            subscriptionRetryTask.cancel();
            toFail = subscriptions.onLost(conn, conn.initReceived);
            boolean auth = error instanceof LeapAuthenticationException;
            boolean mayReconnect = lifecycle.running() && !auth;
            ReconnectScheduler.Plan plan = reconnects.onLost(conn.uri, conn.initReceived, mayReconnect, redirect,
                    scheduler.nanoTime());
            if (forced) {
                lifecycle.running(true);
                reconnects.reset();
                plan = new ReconnectScheduler.Plan(true, Duration.ZERO, 1);
            } else if (auth && retryToken != null && lifecycle.running() && !lifecycle.closed()) {
                log.atInfo().addKeyValue("client", clientId)
                        .log("Token rejected (4001); the token provider has a new one: trying it once");
                nextToken = retryToken;
                authRetry = true;
                plan = new ReconnectScheduler.Plan(true, Duration.ZERO, Math.max(1, reconnects.attempt()));
            }
            lifecycle.errored(error, plan.reconnect() ? plan.delay() : null);
            if (plan.reconnect()) {
                reconnectTask = scheduler.schedule(this::reconnectNow, plan.delay().toNanos());
            } else {
                authRetry = false;
                nextToken = null;
                if (initFuture != null && !initFuture.isDone()) {
                    initToFail = initFuture;
                }
                if (firstIdentified != null && !firstIdentified.isDone()) {
                    firstToFail = firstIdentified;
                }
            }
        }
        if (firstToFail != null) {
            firstToFail.completeExceptionally(error);
        }
        conn.identified.completeExceptionally(error);
        LeapConnectException lostError = new LeapConnectException("Connection lost before the answer: "
                + error.getMessage(), error);
        for (CompletableFuture<?> f : toFail) {
            f.completeExceptionally(lostError);
        }
        if (initToFail != null) {
            initToFail.completeExceptionally(error);
        }
        if (socket != null) {
            if (closeCode > 0) {
                CompletableFuture<Void> closing;
                try {
                    closing = socket.close(closeCode, error.getMessage().length() > 100 ? "Client gave up"
                            : error.getMessage());
                } catch (RuntimeException e) {
                    closing = CompletableFuture.failedFuture(e);
                }
                closing.whenComplete((v, e) -> socket.abort());
                if (scheduler.schedule(socket::abort, TimeUnit.SECONDS.toNanos(1)) == Scheduler.NONE) {
                    socket.abort();
                }
            } else if (closeCode < 0 && !(error instanceof LeapCloseException)) {
                socket.abort();
            }
        }
    }

    @Override
    public void reconnect() {
        Connection conn;
        Connection fresh = null;
        synchronized (lock) {
            if (lifecycle.closed()) {
                throw new LeapClosedException("The client is closed");
            }
            conn = current;
            if (conn == null) {
                if (reconnectTask == null) {
                    throw new IllegalStateException("Not connected and not reconnecting: call connect() first (state "
                            + lifecycle.state() + ")");
                }
                reconnectTask.cancel();
                reconnectTask = null;
                reconnects.reset();
                metrics.onReconnect(1);
                fresh = startAttempt(reconnects.nextUri());
            }
        }
        if (conn != null) {
            log.atDebug().addKeyValue("client", clientId).log("Reconnect requested");
            lost(conn, new LeapConnectException("Reconnect requested"), Protocol.CLOSE_NORMAL, null, null, true);
        } else {
            open(fresh);
        }
    }

    private void reconnectNow() {
        Connection conn;
        synchronized (lock) {
            reconnectTask = null;
            if (lifecycle.closed() || !lifecycle.running() || current != null) {
                return;
            }
            URI uri = reconnects.nextUri();
            metrics.onReconnect(Math.max(1, reconnects.attempt()));
            log.atDebug().addKeyValue("client", clientId).addKeyValue("url", uri)
                    .addKeyValue("attempt", reconnects.attempt()).log("Reconnecting");
            conn = startAttempt(uri);
        }
        open(conn);
    }

    // ------------------------------------------------------------------------------------------------ connection events

    /** The callbacks of connections and the dispatcher, kept off the public class. */
    private final class Events implements Connection.Owner, Dispatcher.Session {

        @Override
        public void opened(Connection conn) {
            synchronized (lock) {
                if (conn.dead || current != conn) {
                    conn.socket.abort();
                    return;
                }
                lifecycle.authenticating();
                Duration helloTimeout = config.helloTimeout();
                conn.helloTimer = scheduler.schedule(() -> lost(conn, new LeapConnectException("No Hello within "
                        + helloTimeout.toMillis() + " ms of opening " + conn.uri), Protocol.CLOSE_NORMAL, null),
                        helloTimeout.toNanos());
            }
        }

        @Override
        public CompletionStage<?> received(Connection conn, Envelope envelope) {
            return dispatcher.handle(conn, envelope);
        }

        @Override
        public void undecodable(DecodeException error) {
            metrics.onDecodeError(error);
        }

        @Override
        public void closedByPeer(Connection conn, int code, String reason) {
            String shown = Redaction.redactText(reason, conn.token, bareToken(conn.token));
            LeapException error = code == Protocol.CLOSE_INVALID_AUTH ? new LeapAuthenticationException(shown)
                    : new LeapCloseException(code, shown);
            URI redirect = code == Protocol.CLOSE_BAD_ROUTE ? reconnects.validateRedirect(reason) : null;
            String retryToken = null;
            if (code == Protocol.CLOSE_INVALID_AUTH && config.tokenProvider() != null && !conn.authRetry && !conn.dead) {
                try {
                    String candidate = currentToken();
                    if (candidate != null && !candidate.equals(conn.token)) {
                        retryToken = candidate;
                    }
                } catch (RuntimeException e) {
                    log.atWarn().addKeyValue("client", clientId).log("The token provider failed after a 4001: {}",
                            Connection.describe(e));
                }
            }
            lost(conn, error, -1, redirect, retryToken, false);
        }

        @Override
        public void failed(Connection conn, Throwable error) {
            lost(conn, new LeapConnectException("Connection failed: " + Connection.describe(error), error), -1, null);
        }

        @Override
        public void linkDead(Connection conn, LeapTimeoutException reason) {
            lost(conn, reason, Protocol.CLOSE_NORMAL, null);
        }

        @Override
        public void onHello(Connection conn, long heartbeatInterval) {
            List<String> resubscribe;
            CompletableFuture<Void> first;
            synchronized (lock) {
                if (conn.dead || current != conn) {
                    return;
                }
                conn.helloTimer.cancel();
                // Identify first (sends are queued in call order), then anything that must follow it.
                conn.send(frames.identify(config.projectId(), conn.token)).whenComplete((v, e) -> {
                    if (e != null) {
                        lost(conn, new LeapConnectException("Could not send Identify: " + Connection.describe(e), e), -1,
                                null);
                    }
                });
                conn.identifySent = true;
                lifecycle.running(true);
                if (heartbeatInterval > LinkMonitor.MAX_HEARTBEAT_INTERVAL_MS) {
                    // Larger values would overflow the nanosecond deadlines and drop the connection at once.
                    log.atWarn().addKeyValue("client", clientId).addKeyValue("heartbeat_interval", heartbeatInterval)
                            .log("Hello with an implausible heartbeat_interval: using one day");
                }
                if (heartbeatInterval > 0) {
                    conn.monitor.start(heartbeatInterval);
                } else {
                    log.atWarn().addKeyValue("client", clientId).addKeyValue("heartbeat_interval", heartbeatInterval)
                            .log("Hello without a positive heartbeat_interval: no heartbeats on this connection");
                }
                resubscribe = subscriptions.onHello(conn);
                for (String channel : resubscribe) {
                    conn.send(frames.dispatch(channel, Protocol.SUBSCRIBE, null));
                }
                first = firstIdentified;
            }
            conn.identified.complete(null);
            if (first != null) {
                first.complete(null);
            }
        }

        @Override
        public void onInit(Connection conn, InitInfo info) {
            SubscriptionTable.InitPlan plan;
            CompletableFuture<InitInfo> initDone;
            synchronized (lock) {
                if (conn.dead || current != conn) {
                    return;
                }
                conn.initReceived = true;
                conn.cid = info.connectionId();
                init = info;
                reconnects.onConnected(scheduler.nanoTime());
                plan = subscriptions.onInit(conn, info.channels());
                authRetry = false;
                Duration retry = config.subscriptionRetryInterval();
                if (retry != null) {
                    subscriptionRetryTask.cancel();
                    subscriptionRetryTask = scheduler.scheduleWithFixedDelay(() -> retrySubscriptions(conn),
                            retry.toNanos(), retry.toNanos());
                }
                lifecycle.connected();
                initDone = initFuture;
                for (String channel : plan.subscribe()) {
                    conn.send(frames.dispatch(channel, Protocol.SUBSCRIBE, null));
                }
                for (String channel : plan.unsubscribe()) {
                    conn.send(frames.dispatch(channel, Protocol.UNSUBSCRIBE, null));
                }
            }
            log.atDebug().addKeyValue("client", clientId).addKeyValue("cid", info.connectionId())
                    .addKeyValue("scope", info.scope()).addKeyValue("channels", info.channels().size())
                    .log("Connected (INIT)");
            for (Map.Entry<PendingSubscribe, Channel> e : plan.complete()) {
                completeAsync(e.getKey().future, e.getValue());
            }
            if (initDone != null) {
                completeAsync(initDone, info);
            }
        }

        @Override
        public boolean onAvailable(Connection conn, String channelId, Channel channel) {
            SubscriptionTable.Answer answer;
            synchronized (lock) {
                if (conn.dead || current != conn) {
                    return false;
                }
                answer = subscriptions.onAvailable(channelId);
            }
            if (answer.subscribe() != null) {
                completeAsync(answer.subscribe().future, channel);
            }
            return answer.dispatch();
        }

        @Override
        public boolean onUnavailable(Connection conn, String channelId, String errorCode) {
            SubscriptionTable.Answer answer;
            synchronized (lock) {
                if (conn.dead || current != conn) {
                    return false;
                }
                answer = subscriptions.onUnavailable(channelId, errorCode);
            }
            if (answer.subscribe() != null) {
                LeapSubscriptionException error = new LeapSubscriptionException(channelId, errorCode);
                CompletableFuture<Channel> f = answer.subscribe().future;
                delivery(() -> f.completeExceptionally(error));
            }
            if (answer.unsubscribe() != null) {
                completeAsync(answer.unsubscribe().future, null);
            }
            return answer.dispatch();
        }

        @Override
        public void onTokenState(Connection conn, JsonNode state) {
            synchronized (lock) {
                InitInfo i = init;
                if (i != null && current == conn) {
                    init = new InitInfo(i.connectionId(), i.scope(), state, i.channels(), i.connectionCount());
                }
            }
        }
    }

    /** @return the token without its {@code leap_token_} prefix (also a secret), or {@code null} */
    private static String bareToken(String token) {
        String prefix = "leap_token_";
        return token != null && token.startsWith(prefix) && token.length() > prefix.length() + 3
                ? token.substring(prefix.length()) : null;
    }

    /** The periodic retry of wanted channels that are not held (refused, unanswered or revoked). */
    private void retrySubscriptions(Connection conn) {
        synchronized (lock) {
            if (conn.dead || current != conn || !conn.initReceived) {
                return;
            }
            for (String channel : subscriptions.retry(conn)) {
                log.atDebug().addKeyValue("client", clientId).addKeyValue("channel", channel)
                        .log("Asking again for a wanted channel");
                conn.send(frames.dispatch(channel, Protocol.SUBSCRIBE, null));
            }
        }
    }

    private <T> void completeAsync(CompletableFuture<T> f, T value) {
        delivery(() -> f.complete(value));
    }

    /** Runs future completions off the reading thread, so dependent user code cannot stall the socket. */
    private void delivery(Runnable r) {
        try {
            delivery.execute(r);
        } catch (RejectedExecutionException e) {
            r.run();
        }
    }

    @Override
    public String toString() {
        return "LeapClient[id=" + clientId + ", state=" + state() + ", " + config + "]";
    }

    /** For tests: the prefix of every thread this client creates. */
    String threadPrefix() {
        return threadPrefix;
    }

    /** For tests: how many undecodable-frame warnings were logged. */
    long decodeWarningsLogged() {
        return metrics.decodeWarningsLogged();
    }
}
