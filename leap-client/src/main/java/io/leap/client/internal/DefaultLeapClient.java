package io.leap.client.internal;

import io.leap.client.Channel;
import io.leap.client.ChannelEvent;
import io.leap.client.ChannelEventListener;
import io.leap.client.ClientStats;
import io.leap.client.ConnectionState;
import io.leap.client.ConnectionStateChange;
import io.leap.client.ConnectionStateListener;
import io.leap.client.InitInfo;
import io.leap.client.LeapAuthenticationException;
import io.leap.client.LeapClient;
import io.leap.client.LeapClientObserver;
import io.leap.client.LeapCloseException;
import io.leap.client.LeapClosedException;
import io.leap.client.LeapConnectException;
import io.leap.client.LeapException;
import io.leap.client.LeapMessage;
import io.leap.client.LeapSubscriptionException;
import io.leap.client.LeapTimeoutException;
import io.leap.client.ListenerOptions;
import io.leap.client.MessageListener;
import io.leap.client.OverflowPolicy;
import io.leap.client.ReconnectPolicy;
import io.leap.client.Subscription;
import io.leap.client.transport.JdkWebSocketTransport;
import io.leap.client.transport.WebSocketConnection;
import io.leap.client.transport.WebSocketHandler;
import io.leap.client.transport.WebSocketTransport;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.NullNode;

/**
 * The {@link LeapClient} implementation. Internal API: use {@link LeapClient#builder(String)}.
 *
 * <p>Threads: the transport's reading thread decodes frames and routes them (never running user code); one scheduler
 * thread runs heartbeats, timeouts and reconnect delays; delivery threads drain listener buffers. All connection state
 * is guarded by one lock; state changes are enqueued to listeners under that lock, so they arrive strictly in order.
 */
public final class DefaultLeapClient implements LeapClient {

    private static final Logger log = LoggerFactory.getLogger(LeapClient.class);
    private static final AtomicInteger CLIENT_IDS = new AtomicInteger();
    private static final long MAX_ACK_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final int MAX_REDIRECT_FAILURES = 3;
    /** Upper bound for the Hello's heartbeat_interval (one day), so deadline arithmetic cannot overflow. */
    private static final long MAX_HEARTBEAT_INTERVAL_MS = TimeUnit.DAYS.toMillis(1);
    /** A listener's own delivery thread waits this long for the next event before it is given back to the pool. */
    private static final long IDLE_PARK_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final int clientId = CLIENT_IDS.incrementAndGet();
    private final String threadPrefix = "leap-client-" + clientId;
    private final ClientConfig config;
    private final JsonMapper mapper;
    private final Frames frames;
    private final WebSocketTransport transport;
    private final boolean ownsTransport;
    private final LeapClientObserver observer;
    private final ScheduledThreadPoolExecutor scheduler;
    private final ThreadPoolExecutor ownedDelivery;
    private final Executor delivery;
    /** How long a sink's drain task keeps its (dedicated) delivery thread while idle; 0 on a user's executor. */
    private final long idleParkNanos;
    private final SinkHooks hooks = new SinkHooks();

    private final Object lock = new Object();
    // --- guarded by lock ---
    private ConnectionState state = ConnectionState.IDLE;
    private ConnectionStateChange lastChange;
    private Conn current;
    /** True once the first attempt identified: from then on lost connections are re-established. */
    private boolean running;
    private boolean closed;
    private int attempt;
    private long connectedAtNanos;
    private URI redirectUrl;
    private int redirectFailures;
    private ScheduledFuture<?> reconnectTask;
    private CompletableFuture<InitInfo> initFuture;
    private final Set<String> wanted = new LinkedHashSet<>();
    private final Set<String> toUnsubscribe = new HashSet<>();
    private final Map<String, PendingSubscribe> pendingSubscribes = new HashMap<>();
    private final Map<String, PendingUnsubscribe> pendingUnsubscribes = new HashMap<>();
    // --- end guarded ---
    private volatile InitInfo init;
    private final Set<String> held = ConcurrentHashMap.newKeySet();

    private final CopyOnWriteArrayList<DeliverySink<LeapMessage>> messageSinks = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<DeliverySink<ChannelEvent>> eventSinks = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<DeliverySink<ConnectionStateChange>> stateSinks = new CopyOnWriteArrayList<>();

    private final LongAdder framesReceived = new LongAdder();
    private final LongAdder dispatches = new LongAdder();
    private final LongAdder messages = new LongAdder();
    private final LongAdder reconnects = new LongAdder();
    private final LongAdder listenerErrors = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder decodeErrors = new LongAdder();
    private volatile Duration lastRtt;

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
        this.observer = config.observer();
        this.scheduler = new ScheduledThreadPoolExecutor(1, new NamedThreadFactory(threadPrefix + "-scheduler"));
        this.scheduler.setRemoveOnCancelPolicy(true);
        this.scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        if (config.deliveryExecutor() != null) {
            this.ownedDelivery = null;
            this.delivery = config.deliveryExecutor();
            this.idleParkNanos = 0;
        } else {
            // One thread per listener that currently has work; idle threads end after a while.
            this.ownedDelivery = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 10, TimeUnit.SECONDS,
                    new SynchronousQueue<>(), new NamedThreadFactory(threadPrefix + "-delivery"));
            this.delivery = ownedDelivery;
            this.idleParkNanos = IDLE_PARK_NANOS;
        }
    }

    // ------------------------------------------------------------------------------------------------ lifecycle

    @Override
    public void connect() {
        Conn conn = beginFirstAttempt(true);
        open(conn);
        long waitMs = config.connectTimeout().plus(config.helloTimeout()).toMillis() + 5_000;
        try {
            conn.identified.get(waitMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof LeapException le) {
                throw rethrowable(le);
            }
            throw new LeapConnectException("Could not connect to " + conn.uri + ": " + cause, cause);
        } catch (TimeoutException e) {
            LeapConnectException error = new LeapConnectException("Could not connect to " + conn.uri + " within "
                    + waitMs + " ms");
            lost(conn, error, 1000, null);
            throw error;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LeapConnectException error = new LeapConnectException("Interrupted while connecting to " + conn.uri);
            lost(conn, error, 1000, null);
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
        Conn conn;
        CompletableFuture<InitInfo> future;
        synchronized (lock) {
            if (closed) {
                return CompletableFuture.failedFuture(new LeapClosedException("The client is closed"));
            }
            if (!canStart()) {
                InitInfo i = init;
                if (state == ConnectionState.CONNECTED && i != null) {
                    return CompletableFuture.completedFuture(i);
                }
                return initFuture != null ? initFuture.copy()
                        : CompletableFuture.failedFuture(new IllegalStateException("Already " + state));
            }
            conn = beginFirstAttempt(false);
            future = initFuture.copy();
        }
        open(conn);
        return future;
    }

    private boolean canStart() {
        return state == ConnectionState.IDLE || (state == ConnectionState.ERRORED && !running && reconnectTask == null);
    }

    private Conn beginFirstAttempt(boolean blocking) {
        synchronized (lock) {
            if (closed) {
                throw new LeapClosedException("The client is closed");
            }
            if (!canStart()) {
                throw new IllegalStateException("The client is already " + state.name().toLowerCase(Locale.ROOT));
            }
            running = false;
            attempt = 0;
            if (initFuture == null || initFuture.isDone()) {
                initFuture = new CompletableFuture<>();
            }
            log.atDebug().addKeyValue("client", clientId).addKeyValue("url", config.url())
                    .addKeyValue("blocking", blocking).log("Connecting");
            return startAttempt(config.url());
        }
    }

    /** Creates the next connection and moves to CONNECTING. Caller holds the lock, then calls {@link #open}. */
    private Conn startAttempt(URI uri) {
        Conn conn = new Conn(uri);
        current = conn;
        transition(ConnectionState.CONNECTING, null, false, null);
        return conn;
    }

    private void open(Conn conn) {
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
                lost(conn, new LeapConnectException("Could not open " + conn.uri + ": " + describe(cause), cause),
                        -1, null);
            } else if (conn.dead) {
                ws.abort();
            }
        });
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + m;
    }

    @Override
    public void close() {
        Conn conn;
        List<CompletableFuture<?>> toFail = new ArrayList<>();
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            running = false;
            conn = current;
            current = null;
            if (conn != null) {
                conn.kill();
            }
            if (reconnectTask != null) {
                reconnectTask.cancel(false);
                reconnectTask = null;
            }
            transition(ConnectionState.CLOSED, null, false, null);
            for (PendingSubscribe p : pendingSubscribes.values()) {
                p.cancelTimer();
                toFail.add(p.future);
            }
            pendingSubscribes.clear();
            for (PendingUnsubscribe p : pendingUnsubscribes.values()) {
                p.cancelTimer();
                toFail.add(p.future);
            }
            pendingUnsubscribes.clear();
            if (initFuture != null) {
                toFail.add(initFuture);
            }
            held.clear();
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
                    socket.close(1000, "Client closed").get(1, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (ExecutionException | TimeoutException | RuntimeException e) {
                    log.atDebug().addKeyValue("client", clientId).log("Close frame not sent: {}", e.toString());
                }
                socket.abort();
            }
        }
        for (DeliverySink<LeapMessage> s : messageSinks) {
            s.complete(true);
        }
        for (DeliverySink<ChannelEvent> s : eventSinks) {
            s.complete(true);
        }
        for (DeliverySink<ConnectionStateChange> s : stateSinks) {
            s.complete(false);
        }
        scheduler.shutdownNow();
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
                    scheduler.awaitTermination(1, TimeUnit.SECONDS);
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
            return state;
        }
    }

    @Override
    public ConnectionStateChange lastStateChange() {
        synchronized (lock) {
            return lastChange;
        }
    }

    @Override
    public Optional<InitInfo> init() {
        return Optional.ofNullable(init);
    }

    @Override
    public Set<String> channels() {
        return Set.copyOf(held);
    }

    @Override
    public ClientStats stats() {
        long buffered = 0;
        for (DeliverySink<?> s : messageSinks) {
            buffered += s.bufferedCount();
        }
        for (DeliverySink<?> s : eventSinks) {
            buffered += s.bufferedCount();
        }
        return new ClientStats(state(), framesReceived.sum(), dispatches.sum(), messages.sum(), reconnects.sum(),
                listenerErrors.sum(), dropped.sum(), buffered, decodeErrors.sum(), lastRtt);
    }

    // ------------------------------------------------------------------------------------------------ operations

    @Override
    public CompletableFuture<Channel> subscribe(String channelId) {
        return subscribe0(requireChannel(channelId), config.subscribeTimeout());
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
        Conn sendOn = null;
        PendingSubscribe pending;
        synchronized (lock) {
            if (closed) {
                return CompletableFuture.failedFuture(new LeapClosedException("The client is closed"));
            }
            if (!running && current == null) {
                return CompletableFuture.failedFuture(new LeapConnectException(
                        "Not connected: call connect() first (state " + state + ")"));
            }
            PendingSubscribe existing = pendingSubscribes.get(channelId);
            if (existing != null) {
                return existing.future.copy();
            }
            pending = new PendingSubscribe(channelId);
            pendingSubscribes.put(channelId, pending);
            wanted.add(channelId);
            toUnsubscribe.remove(channelId);
            pending.timer = scheduler.schedule(() -> subscribeTimedOut(pending, timeout), timeout.toNanos(),
                    TimeUnit.NANOSECONDS);
            Conn c = current;
            if (c != null && c.identifySent && !c.dead) {
                pending.sentOn = c;
                c.awaiting.add(channelId);
                sendOn = c;
            }
        }
        if (sendOn != null) {
            send(sendOn, frames.dispatch(channelId, "SUBSCRIBE", null));
        }
        return pending.future.copy();
    }

    private void subscribeTimedOut(PendingSubscribe p, Duration timeout) {
        synchronized (lock) {
            if (pendingSubscribes.get(p.channelId) != p) {
                return;
            }
            pendingSubscribes.remove(p.channelId);
            if (!held.contains(p.channelId)) {
                wanted.remove(p.channelId);
            }
        }
        p.future.completeExceptionally(new LeapTimeoutException("No answer to SUBSCRIBE '" + p.channelId + "' within "
                + timeout.toMillis() + " ms"));
    }

    @Override
    public CompletableFuture<Void> unsubscribe(String channelId) {
        requireChannel(channelId);
        Conn sendOn = null;
        PendingUnsubscribe pending;
        PendingSubscribe cancelled;
        synchronized (lock) {
            if (closed) {
                return CompletableFuture.failedFuture(new LeapClosedException("The client is closed"));
            }
            wanted.remove(channelId);
            cancelled = pendingSubscribes.remove(channelId);
            if (cancelled != null) {
                cancelled.cancelTimer();
            }
            PendingUnsubscribe existing = pendingUnsubscribes.get(channelId);
            if (existing != null) {
                pending = existing;
            } else {
                Conn c = current;
                if (c == null || !c.identifySent || c.dead) {
                    // Anonymous subscriptions die with the connection; a token's are reconciled after INIT.
                    if (config.token() != null) {
                        toUnsubscribe.add(channelId);
                    }
                    pending = null;
                } else {
                    pending = new PendingUnsubscribe(channelId);
                    pendingUnsubscribes.put(channelId, pending);
                    pending.timer = scheduler.schedule(() -> unsubscribeTimedOut(pending),
                            config.subscribeTimeout().toNanos(), TimeUnit.NANOSECONDS);
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
            send(sendOn, frames.dispatch(channelId, "UNSUBSCRIBE", null));
        }
        return pending.future.copy();
    }

    private void unsubscribeTimedOut(PendingUnsubscribe p) {
        synchronized (lock) {
            if (pendingUnsubscribes.get(p.channelId) != p) {
                return;
            }
            pendingUnsubscribes.remove(p.channelId);
        }
        p.future.completeExceptionally(new LeapTimeoutException("No answer to UNSUBSCRIBE '" + p.channelId
                + "' within " + config.subscribeTimeout().toMillis() + " ms"));
    }

    @Override
    public CompletableFuture<Void> publish(String channelId, String event, Object data) {
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
    public CompletableFuture<Void> setChannelState(String channelId, Object state) {
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
        return sendDispatch(frames.dispatch(channelId, "SET_CHANNEL_STATE", tree));
    }

    private CompletableFuture<Void> sendDispatch(String text) {
        Conn c;
        synchronized (lock) {
            if (closed) {
                return CompletableFuture.failedFuture(new LeapClosedException("The client is closed"));
            }
            c = current;
            if (c == null || !c.identifySent || c.dead) {
                return CompletableFuture.failedFuture(new LeapConnectException("Not connected (state " + state + ")"));
            }
        }
        return send(c, text);
    }

    private CompletableFuture<Void> send(Conn conn, String text) {
        WebSocketConnection socket = conn.socket;
        if (socket == null) {
            return CompletableFuture.failedFuture(new LeapConnectException("Not connected"));
        }
        CompletableFuture<Void> f;
        try {
            f = socket.sendText(text);
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        return f.handle((v, e) -> {
            if (e != null) {
                Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                throw new CompletionException(new LeapConnectException("Send failed: " + describe(cause), cause));
            }
            return v;
        });
    }

    // ------------------------------------------------------------------------------------------------ listeners

    @Override
    public Subscription addMessageListener(MessageListener listener, ListenerOptions options) {
        Objects.requireNonNull(listener, "listener");
        DeliverySink<LeapMessage> sink = newSink(name(options, listener), options, listener::onMessage, true);
        return register(messageSinks, sink);
    }

    @Override
    public Subscription addChannelEventListener(ChannelEventListener listener, ListenerOptions options) {
        Objects.requireNonNull(listener, "listener");
        DeliverySink<ChannelEvent> sink = newSink(name(options, listener), options, listener::onEvent, true);
        return register(eventSinks, sink);
    }

    @Override
    public Subscription addConnectionStateListener(ConnectionStateListener listener) {
        Objects.requireNonNull(listener, "listener");
        DeliverySink<ConnectionStateChange> sink = new DeliverySink<>(listener.getClass().getName(), Integer.MAX_VALUE,
                OverflowPolicy.BLOCK, delivery, idleParkNanos, listener::onStateChange, hooks, true);
        return register(stateSinks, sink);
    }

    private <T> Subscription register(CopyOnWriteArrayList<DeliverySink<T>> list, DeliverySink<T> sink) {
        synchronized (lock) {
            if (closed) {
                sink.complete(true);
                return sink;
            }
            list.add(sink);
        }
        return sink;
    }

    private static String name(ListenerOptions options, Object listener) {
        return options != null && options.name() != null ? options.name() : listener.getClass().getName();
    }

    private <T> DeliverySink<T> newSink(String name, ListenerOptions options, java.util.function.Consumer<T> consumer,
                                        boolean unbounded) {
        ListenerOptions o = options == null ? ListenerOptions.defaults() : options;
        int size = o.bufferSize() > 0 ? o.bufferSize() : config.bufferSize();
        OverflowPolicy policy = o.overflowPolicy() != null ? o.overflowPolicy() : config.overflowPolicy();
        return new DeliverySink<>(name, size, policy, delivery, idleParkNanos, consumer, hooks, unbounded);
    }

    @Override
    public Flow.Publisher<LeapMessage> messages(ListenerOptions options) {
        return subscriber -> subscribeFlow(messageSinks, options, subscriber);
    }

    @Override
    public Flow.Publisher<ChannelEvent> channelEvents(ListenerOptions options) {
        return subscriber -> subscribeFlow(eventSinks, options, subscriber);
    }

    private <T> void subscribeFlow(CopyOnWriteArrayList<DeliverySink<T>> list, ListenerOptions options,
                                   Flow.Subscriber<? super T> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        ListenerOptions o = options == null ? ListenerOptions.defaults() : options;
        int size = o.bufferSize() > 0 ? o.bufferSize() : config.bufferSize();
        OverflowPolicy policy = o.overflowPolicy() != null ? o.overflowPolicy() : config.overflowPolicy();
        FlowSink<T> sink = new FlowSink<>(name(o, subscriber), size, policy, delivery, idleParkNanos, subscriber, hooks);
        try {
            subscriber.onSubscribe(sink);
        } catch (Throwable e) {
            hooks.onConsumerError(sink, e);
            sink.cancel();
            return;
        }
        register(list, sink);
    }

    /** A {@link DeliverySink} that is also a {@link Flow.Subscription}. */
    private static final class FlowSink<T> extends DeliverySink<T> implements Flow.Subscription {
        private final Flow.Subscriber<? super T> subscriber;

        FlowSink(String name, int capacity, OverflowPolicy policy, Executor executor, long idleParkNanos,
                 Flow.Subscriber<? super T> subscriber, Hooks hooks) {
            super(name, capacity, policy, executor, idleParkNanos, subscriber::onNext, hooks, false);
            this.subscriber = subscriber;
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                cancel();
                subscriber.onError(new IllegalArgumentException("request(n) needs n > 0 (Reactive Streams §3.9), was "
                        + n));
                return;
            }
            super.request(n);
        }

        @Override
        void onComplete() {
            subscriber.onComplete();
        }
    }

    private final class SinkHooks implements DeliverySink.Hooks {
        @Override
        public void onConsumerError(DeliverySink<?> sink, Throwable error) {
            listenerErrors.increment();
            log.atWarn().addKeyValue("client", clientId).addKeyValue("listener", sink.name).setCause(error)
                    .log("Listener threw; it keeps receiving events");
            try {
                observer.onListenerError(error);
            } catch (RuntimeException e) {
                observerFailed(e);
            }
        }

        @Override
        public void onDropped(DeliverySink<?> sink, long count) {
            dropped.add(count);
            log.atDebug().addKeyValue("client", clientId).addKeyValue("listener", sink.name)
                    .log("Listener buffer full; event dropped");
            try {
                observer.onDropped(count);
            } catch (RuntimeException e) {
                observerFailed(e);
            }
        }

        @Override
        public void onCancelled(DeliverySink<?> sink) {
            messageSinks.remove(sink);
            eventSinks.remove(sink);
            stateSinks.remove(sink);
        }
    }

    private void observerFailed(RuntimeException e) {
        log.atWarn().addKeyValue("client", clientId).setCause(e).log("LeapClientObserver threw; ignored");
    }

    // ------------------------------------------------------------------------------------------------ state

    /** Records a transition and enqueues it to every state listener. Caller holds the lock. */
    private void transition(ConnectionState next, Throwable error, boolean willReconnect, Instant nextAttemptAt) {
        ConnectionStateChange change = new ConnectionStateChange(state, next, error, willReconnect, nextAttemptAt,
                Instant.now());
        state = next;
        lastChange = change;
        for (DeliverySink<ConnectionStateChange> sink : stateSinks) {
            sink.offer(change);
        }
        if (next == ConnectionState.ERRORED) {
            log.atInfo().addKeyValue("client", clientId).addKeyValue("previous", change.previous())
                    .addKeyValue("willReconnect", willReconnect).addKeyValue("nextAttemptAt", nextAttemptAt)
                    .log("Connection lost: {}", error == null ? "unknown cause" : error.getMessage());
        } else {
            log.atDebug().addKeyValue("client", clientId).addKeyValue("previous", change.previous())
                    .addKeyValue("current", next).log("Connection state changed");
        }
    }

    /**
     * Gives up a connection and decides whether and when to reconnect.
     *
     * @param closeCode close code to send before aborting, or -1 to just drop the socket (peer closed or failed)
     * @param redirect  a validated 4006 target, or {@code null}
     */
    private void lost(Conn conn, LeapException error, int closeCode, URI redirect) {
        WebSocketConnection socket;
        List<CompletableFuture<?>> toFail = new ArrayList<>();
        CompletableFuture<InitInfo> initToFail = null;
        synchronized (lock) {
            if (conn.dead || current != conn) {
                conn.kill();
                return;
            }
            conn.kill();
            current = null;
            socket = conn.socket;
            held.clear();
            for (var it = pendingSubscribes.values().iterator(); it.hasNext(); ) {
                PendingSubscribe p = it.next();
                if (p.sentOn == conn) {
                    it.remove();
                    p.cancelTimer();
                    if (!conn.initReceived || config.token() == null) {
                        wanted.remove(p.channelId);
                    }
                    toFail.add(p.future);
                }
            }
            for (PendingUnsubscribe p : pendingUnsubscribes.values()) {
                p.cancelTimer();
                if (config.token() != null) {
                    toUnsubscribe.add(p.channelId);
                }
                toFail.add(p.future);
            }
            pendingUnsubscribes.clear();

            long now = System.nanoTime();
            if (!conn.initReceived && redirectUrl != null && conn.uri.equals(redirectUrl)) {
                redirectFailures++;
                if (redirectFailures >= MAX_REDIRECT_FAILURES) {
                    log.atWarn().addKeyValue("client", clientId).addKeyValue("redirect", redirectUrl)
                            .addKeyValue("failures", redirectFailures)
                            .log("Redirect target failed repeatedly; falling back to the configured URL");
                    redirectUrl = null;
                    redirectFailures = 0;
                }
            }
            if (redirect != null) {
                redirectUrl = redirect;
                redirectFailures = 0;
            }
            ReconnectPolicy policy = config.reconnectPolicy();
            if (conn.initReceived && now - connectedAtNanos >= policy.stableAfter().toNanos()) {
                attempt = 0;
            }
            boolean willReconnect;
            Duration delay = Duration.ZERO;
            if (!running || error instanceof LeapAuthenticationException || !policy.isEnabled()) {
                willReconnect = false;
            } else if (redirect != null) {
                willReconnect = true;
            } else if (policy.maxAttempts() > 0 && attempt >= policy.maxAttempts()) {
                willReconnect = false;
            } else {
                attempt++;
                delay = policy.delay(attempt, ThreadLocalRandom.current().nextDouble());
                willReconnect = true;
            }
            Instant nextAt = willReconnect ? Instant.now().plus(delay) : null;
            if (!willReconnect) {
                running = false;
                if (initFuture != null && !initFuture.isDone()) {
                    initToFail = initFuture;
                }
            }
            transition(ConnectionState.ERRORED, error, willReconnect, nextAt);
            if (willReconnect) {
                reconnectTask = scheduler.schedule(this::reconnect, delay.toNanos(), TimeUnit.NANOSECONDS);
            }
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
                try {
                    scheduler.schedule(socket::abort, 1, TimeUnit.SECONDS);
                } catch (RejectedExecutionException e) {
                    socket.abort();
                }
            } else if (closeCode < 0 && !(error instanceof LeapCloseException)) {
                socket.abort();
            }
        }
    }

    private void reconnect() {
        Conn conn;
        synchronized (lock) {
            reconnectTask = null;
            if (closed || !running || current != null) {
                return;
            }
            URI uri = redirectUrl != null ? redirectUrl : config.url();
            reconnects.increment();
            try {
                observer.onReconnect(Math.max(1, attempt));
            } catch (RuntimeException e) {
                observerFailed(e);
            }
            log.atDebug().addKeyValue("client", clientId).addKeyValue("url", uri).addKeyValue("attempt", attempt)
                    .log("Reconnecting");
            conn = startAttempt(uri);
        }
        open(conn);
    }

    private URI validateRedirect(String reason) {
        URI uri;
        try {
            uri = new URI(reason.trim());
        } catch (Exception e) {
            log.atWarn().addKeyValue("client", clientId).addKeyValue("reason", reason)
                    .log("Ignoring 4006 redirect: reason is not a URL");
            return null;
        }
        String scheme = uri.getScheme();
        if (!uri.isAbsolute() || uri.getHost() == null
                || !("ws".equalsIgnoreCase(scheme) || "wss".equalsIgnoreCase(scheme))) {
            log.atWarn().addKeyValue("client", clientId).addKeyValue("reason", reason)
                    .log("Ignoring 4006 redirect: not an absolute ws/wss URL");
            return null;
        }
        Set<String> allowed = config.redirectAllowedHosts();
        if (allowed != null && allowed.stream().noneMatch(h -> h.equalsIgnoreCase(uri.getHost()))) {
            log.atWarn().addKeyValue("client", clientId).addKeyValue("host", uri.getHost())
                    .log("Ignoring 4006 redirect: host not in the allow-list");
            return null;
        }
        return uri;
    }

    // ------------------------------------------------------------------------------------------------ inbound

    private CompletionStage<?> handle(Conn conn, Envelope env) {
        framesReceived.increment();
        switch (env.op) {
            case 0:
                return onDispatch(conn, env);
            case 1:
                onHello(conn, env);
                return null;
            case 3:
                if (env.tag != null) {
                    send(conn, frames.heartbeatReply(env.tag));
                } else {
                    log.atDebug().addKeyValue("client", clientId).log("Server heartbeat without tag ignored");
                }
                return null;
            case 4:
                onAck(conn);
                return null;
            default:
                log.atDebug().addKeyValue("client", clientId).addKeyValue("op", env.op)
                        .log("Payload with unknown or missing op ignored");
                return null;
        }
    }

    private void onHello(Conn conn, Envelope env) {
        if (conn.helloReceived) {
            log.atDebug().addKeyValue("client", clientId).log("Second Hello ignored");
            return;
        }
        conn.helloReceived = true;
        List<String> resubscribe = new ArrayList<>();
        synchronized (lock) {
            if (conn.dead || current != conn) {
                return;
            }
            if (conn.helloTimer != null) {
                conn.helloTimer.cancel(false);
            }
            // Identify first (sends are queued in call order), then anything that must follow it.
            send(conn, frames.identify(config.projectId(), config.token())).whenComplete((v, e) -> {
                if (e != null) {
                    lost(conn, new LeapConnectException("Could not send Identify: " + describe(e), e), -1, null);
                }
            });
            conn.identifySent = true;
            running = true;
            long interval = env.heartbeatInterval;
            if (interval > MAX_HEARTBEAT_INTERVAL_MS) {
                // Larger values would overflow the nanosecond deadlines and drop the connection at once.
                log.atWarn().addKeyValue("client", clientId).addKeyValue("heartbeat_interval", interval)
                        .log("Hello with an implausible heartbeat_interval: using one day");
                interval = MAX_HEARTBEAT_INTERVAL_MS;
            }
            if (interval > 0) {
                long intervalNanos = TimeUnit.MILLISECONDS.toNanos(interval);
                conn.intervalNanos = intervalNanos;
                conn.ackTimeoutNanos = config.heartbeatAckTimeout() != null
                        ? config.heartbeatAckTimeout().toNanos() : Math.min(intervalNanos, MAX_ACK_TIMEOUT_NANOS);
                conn.nextHeartbeatAt = System.nanoTime();
                long tick = Math.max(TimeUnit.MILLISECONDS.toNanos(5),
                        Math.min(TimeUnit.SECONDS.toNanos(1), Math.min(intervalNanos, conn.ackTimeoutNanos) / 4));
                conn.ticker = scheduler.scheduleWithFixedDelay(() -> tick(conn), 0, tick, TimeUnit.NANOSECONDS);
            } else {
                log.atWarn().addKeyValue("client", clientId).addKeyValue("heartbeat_interval", interval)
                        .log("Hello without a positive heartbeat_interval: no heartbeats on this connection");
            }
            if (config.token() == null) {
                // Anonymous subscriptions died with the previous connection: ask again for everything wanted.
                for (String channel : wanted) {
                    PendingSubscribe p = pendingSubscribes.get(channel);
                    if (p != null) {
                        p.sentOn = conn;
                    }
                    conn.awaiting.add(channel);
                    resubscribe.add(channel);
                }
            }
            for (String channel : resubscribe) {
                send(conn, frames.dispatch(channel, "SUBSCRIBE", null));
            }
        }
        conn.identified.complete(null);
    }

    private void onAck(Conn conn) {
        long sent = conn.heartbeatSentAt;
        if (sent != 0) {
            conn.heartbeatSentAt = 0;
            Duration rtt = Duration.ofNanos(System.nanoTime() - sent);
            lastRtt = rtt;
            try {
                observer.onHeartbeatAck(rtt);
            } catch (RuntimeException e) {
                observerFailed(e);
            }
        }
    }

    private void tick(Conn conn) {
        if (conn.dead) {
            return;
        }
        long now = System.nanoTime();
        if (!conn.paused) {
            long sent = conn.heartbeatSentAt;
            // An ack queued behind a backlog of data is late, not lost: the link is alive while frames keep arriving,
            // so the ack deadline runs from the later of the heartbeat and the last frame read.
            long lastRead = conn.lastReadNanos;
            long since = lastRead - sent > 0 ? lastRead : sent;
            if (sent != 0 && now - since > conn.ackTimeoutNanos) {
                lost(conn, new LeapTimeoutException("No heartbeat ack within "
                        + TimeUnit.NANOSECONDS.toMillis(conn.ackTimeoutNanos) + " ms"), 1000, null);
                return;
            }
            long silence = now - conn.lastReadNanos;
            if (silence > conn.intervalNanos + config.readTimeoutGrace().toNanos()) {
                lost(conn, new LeapTimeoutException("Nothing received for " + TimeUnit.NANOSECONDS.toMillis(silence)
                        + " ms"), 1000, null);
                return;
            }
        }
        if (now - conn.nextHeartbeatAt >= 0) {
            conn.nextHeartbeatAt = now + conn.intervalNanos;
            if (conn.heartbeatSentAt == 0 && !conn.paused) {
                conn.heartbeatSentAt = now;
            }
            send(conn, Frames.HEARTBEAT);
        }
    }

    private CompletionStage<?> onDispatch(Conn conn, Envelope env) {
        dispatches.increment();
        String event = env.event;
        try {
            observer.onMessage(event);
        } catch (RuntimeException e) {
            observerFailed(e);
        }
        if (event == null) {
            log.atDebug().addKeyValue("client", clientId).log("Dispatch without event name ignored");
            return null;
        }
        switch (event) {
            case "MESSAGE", "DIRECT_MESSAGE" -> {
                if (!env.messageParsed) {
                    log.atDebug().addKeyValue("client", clientId).addKeyValue("event", event)
                            .log("Message whose data is not an object delivered as UnknownEvent");
                    return offerAll(conn, eventSinks, new ChannelEvent.UnknownEvent(env.channel, event,
                            tree(env.data), env.unicast));
                }
                messages.increment();
                if (messageSinks.isEmpty()) {
                    return null;
                }
                LeapMessage m = new DefaultLeapMessage(mapper, env.channel, env.messageEvent, env.unicast,
                        "DIRECT_MESSAGE".equals(event), conn.cid, env.messageData);
                return offerAll(conn, messageSinks, m);
            }
            case "INIT" -> {
                onInit(conn, env);
                return null;
            }
            case "AVAILABLE" -> {
                return onAvailable(conn, env);
            }
            case "UNAVAILABLE" -> {
                return onUnavailable(conn, env);
            }
            case "STATE_UPDATE" -> {
                return offerAll(conn, eventSinks, new ChannelEvent.StateUpdate(env.channel,
                        nullToNode(tree(env.data).get("state")), env.unicast));
            }
            case "TOKEN_STATE_UPDATE" -> {
                JsonNode state = nullToNode(tree(env.data).get("state"));
                synchronized (lock) {
                    InitInfo i = init;
                    if (i != null && current == conn) {
                        init = new InitInfo(i.connectionId(), i.scope(), state, i.channels(), i.connectionCount());
                    }
                }
                return offerAll(conn, eventSinks, new ChannelEvent.TokenStateUpdate(env.channel, state, env.unicast));
            }
            case "PIPE_ROOM_AVAILABLE" -> {
                return offerAll(conn, eventSinks, new ChannelEvent.PipeRoomAvailable(env.channel, tree(env.data),
                        env.unicast));
            }
            case "PIPE_ROOM_UPDATE" -> {
                return offerAll(conn, eventSinks, new ChannelEvent.PipeRoomUpdate(env.channel, tree(env.data),
                        env.unicast));
            }
            case "PIPE_ROOM_UNAVAILABLE" -> {
                JsonNode d = tree(env.data);
                return offerAll(conn, eventSinks, new ChannelEvent.PipeRoomUnavailable(env.channel,
                        text(d, "join_token"), d.path("graceful").asBoolean(false), text(d, "error_code"), d,
                        env.unicast));
            }
            default -> {
                log.atDebug().addKeyValue("client", clientId).addKeyValue("event", event)
                        .log("Unknown dispatch event delivered as UnknownEvent");
                return offerAll(conn, eventSinks, new ChannelEvent.UnknownEvent(env.channel, event, tree(env.data),
                        env.unicast));
            }
        }
    }

    private void onInit(Conn conn, Envelope env) {
        JsonNode d = tree(env.data);
        List<Channel> channels = new ArrayList<>();
        for (JsonNode c : d.path("channels")) {
            Channel ch = channel(c, null);
            if (ch != null) {
                channels.add(ch);
            }
        }
        String cid = text(d, "cid");
        InitInfo info = new InitInfo(cid == null ? "" : cid, text(d, "scope"), nullToNode(d.get("metadata")),
                channels, d.path("connection_count").asInt(1));
        List<String> toSubscribe = new ArrayList<>();
        List<String> toUnsub = new ArrayList<>();
        List<Map.Entry<PendingSubscribe, Channel>> toComplete = new ArrayList<>();
        CompletableFuture<InitInfo> initDone;
        synchronized (lock) {
            if (conn.dead || current != conn) {
                return;
            }
            conn.initReceived = true;
            conn.cid = info.connectionId();
            init = info;
            connectedAtNanos = System.nanoTime();
            redirectFailures = 0;
            held.clear();
            if (config.token() != null) {
                Map<String, Channel> byId = new HashMap<>();
                for (Channel ch : channels) {
                    byId.put(ch.id(), ch);
                    held.add(ch.id());
                }
                for (String channel : wanted) {
                    PendingSubscribe p = pendingSubscribes.get(channel);
                    Channel have = byId.get(channel);
                    if (have != null) {
                        if (p != null && p.sentOn != conn) {
                            pendingSubscribes.remove(channel);
                            p.cancelTimer();
                            toComplete.add(Map.entry(p, have));
                        }
                    } else if (p == null || p.sentOn != conn) {
                        if (p != null) {
                            p.sentOn = conn;
                        }
                        conn.awaiting.add(channel);
                        toSubscribe.add(channel);
                    }
                }
                for (String channel : toUnsubscribe) {
                    if (byId.containsKey(channel)) {
                        toUnsub.add(channel);
                    }
                }
                toUnsubscribe.clear();
            }
            transition(ConnectionState.CONNECTED, null, false, null);
            initDone = initFuture;
            for (String channel : toSubscribe) {
                send(conn, frames.dispatch(channel, "SUBSCRIBE", null));
            }
            for (String channel : toUnsub) {
                send(conn, frames.dispatch(channel, "UNSUBSCRIBE", null));
            }
        }
        log.atDebug().addKeyValue("client", clientId).addKeyValue("cid", info.connectionId())
                .addKeyValue("scope", info.scope()).addKeyValue("channels", channels.size()).log("Connected (INIT)");
        for (Map.Entry<PendingSubscribe, Channel> e : toComplete) {
            completeAsync(e.getKey().future, e.getValue());
        }
        if (initDone != null) {
            completeAsync(initDone, info);
        }
    }

    private CompletionStage<?> onAvailable(Conn conn, Envelope env) {
        JsonNode d = tree(env.data);
        Channel ch = channel(d.get("channel"), env.channel);
        String id = env.channel != null ? env.channel : ch != null ? ch.id() : null;
        if (id == null) {
            log.atDebug().addKeyValue("client", clientId).log("AVAILABLE without channel ignored");
            return null;
        }
        if (ch == null) {
            ch = new Channel(id, null, null, NullNode.getInstance(), 0);
        }
        PendingSubscribe p;
        boolean dispatch;
        synchronized (lock) {
            if (conn.dead || current != conn) {
                return null;
            }
            held.add(id);
            boolean answer = conn.awaiting.remove(id);
            p = pendingSubscribes.remove(id);
            if (p != null) {
                p.cancelTimer();
                wanted.add(id);
            }
            dispatch = !answer && p == null;
        }
        if (p != null) {
            completeAsync(p.future, ch);
        }
        return dispatch ? offerAll(conn, eventSinks, new ChannelEvent.ChannelAvailable(id, ch, env.unicast)) : null;
    }

    private CompletionStage<?> onUnavailable(Conn conn, Envelope env) {
        String id = env.channel;
        if (id == null) {
            log.atDebug().addKeyValue("client", clientId).log("UNAVAILABLE without channel ignored");
            return null;
        }
        JsonNode d = tree(env.data);
        boolean graceful = d.path("graceful").asBoolean(false);
        String errorCode = text(d, "error_code");
        PendingSubscribe p = null;
        PendingUnsubscribe u;
        boolean dispatch;
        synchronized (lock) {
            if (conn.dead || current != conn) {
                return null;
            }
            held.remove(id);
            boolean answer = conn.awaiting.remove(id);
            u = pendingUnsubscribes.remove(id);
            if (answer) {
                p = pendingSubscribes.remove(id);
            }
            if (p != null) {
                p.cancelTimer();
                wanted.remove(id);
                dispatch = false;
            } else if (u != null) {
                u.cancelTimer();
                dispatch = false;
            } else {
                wanted.remove(id);
                dispatch = true;
            }
        }
        if (p != null) {
            LeapSubscriptionException error = new LeapSubscriptionException(id, errorCode);
            CompletableFuture<Channel> f = p.future;
            delivery(() -> f.completeExceptionally(error));
        }
        if (u != null) {
            completeAsync(u.future, null);
        }
        return dispatch ? offerAll(conn, eventSinks, new ChannelEvent.ChannelUnavailable(id, graceful, errorCode,
                env.unicast)) : null;
    }

    private <T> CompletionStage<?> offerAll(Conn conn, List<DeliverySink<T>> sinks, T item) {
        CompletableFuture<Void> wait = null;
        List<CompletableFuture<Void>> more = null;
        for (DeliverySink<T> sink : sinks) {
            CompletableFuture<Void> f = sink.offer(item);
            if (f != null) {
                if (wait == null) {
                    wait = f;
                } else {
                    if (more == null) {
                        more = new ArrayList<>();
                        more.add(wait);
                    }
                    more.add(f);
                }
            }
        }
        if (wait == null) {
            return null;
        }
        CompletableFuture<Void> all = more == null ? wait : CompletableFuture.allOf(more.toArray(new CompletableFuture[0]));
        conn.paused = true;
        return all.whenComplete((v, e) -> {
            conn.heartbeatSentAt = 0;
            conn.lastReadNanos = System.nanoTime();
            conn.paused = false;
        });
    }

    private JsonNode tree(RawJson raw) {
        if (raw == null) {
            return NullNode.getInstance();
        }
        try {
            return raw.tree(mapper);
        } catch (JacksonException e) {
            throw new DecodeException("invalid event data: " + e.getOriginalMessage(), e);
        }
    }

    private static JsonNode nullToNode(JsonNode node) {
        return node == null || node.isMissingNode() ? NullNode.getInstance() : node;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isString() ? v.asString() : null;
    }

    private static Channel channel(JsonNode c, String fallbackId) {
        if (c == null || !c.isObject()) {
            return null;
        }
        String id = text(c, "id");
        if (id == null) {
            id = fallbackId;
        }
        if (id == null) {
            return null;
        }
        return new Channel(id, text(c, "project_id"), text(c, "type"), nullToNode(c.get("state")),
                c.path("capabilities").asLong(0));
    }

    private void decodeError(DecodeException e) {
        decodeErrors.increment();
        log.atWarn().addKeyValue("client", clientId).log("Skipped an undecodable frame: {}", e.getMessage());
        try {
            observer.onDecodeError(e);
        } catch (RuntimeException ex) {
            observerFailed(ex);
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

    // ------------------------------------------------------------------------------------------------ connection

    private static final class PendingSubscribe {
        final String channelId;
        final CompletableFuture<Channel> future = new CompletableFuture<>();
        ScheduledFuture<?> timer;
        Conn sentOn;

        PendingSubscribe(String channelId) {
            this.channelId = channelId;
        }

        void cancelTimer() {
            if (timer != null) {
                timer.cancel(false);
            }
        }
    }

    private static final class PendingUnsubscribe {
        final String channelId;
        final CompletableFuture<Void> future = new CompletableFuture<>();
        ScheduledFuture<?> timer;

        PendingUnsubscribe(String channelId) {
            this.channelId = channelId;
        }

        void cancelTimer() {
            if (timer != null) {
                timer.cancel(false);
            }
        }
    }

    /** One connection attempt and, if it succeeds, the live connection. Its handler methods run on the reading thread. */
    private final class Conn implements WebSocketHandler {
        final URI uri;
        final FrameDecoder decoder;
        final CompletableFuture<Void> identified = new CompletableFuture<>();
        /** Channels with a SUBSCRIBE sent on this connection and no answer yet (guarded by lock). */
        final Set<String> awaiting = new HashSet<>();
        volatile WebSocketConnection socket;
        volatile boolean dead;
        volatile boolean helloReceived;
        volatile boolean identifySent;
        volatile boolean initReceived;
        volatile boolean paused;
        volatile String cid;
        volatile long intervalNanos = Long.MAX_VALUE / 4;
        volatile long ackTimeoutNanos = Long.MAX_VALUE / 4;
        volatile long lastReadNanos = System.nanoTime();
        volatile long heartbeatSentAt;
        volatile long nextHeartbeatAt = Long.MAX_VALUE;
        ScheduledFuture<?> helloTimer;
        ScheduledFuture<?> ticker;
        private boolean released;

        Conn(URI uri) {
            this.uri = uri;
            this.decoder = new FrameDecoder(new EnvelopeParser(mapper.tokenStreamFactory()), config.maxMessageSize());
        }

        /** Stops this connection's timers. Caller holds the lock. */
        void kill() {
            dead = true;
            if (helloTimer != null) {
                helloTimer.cancel(false);
            }
            if (ticker != null) {
                ticker.cancel(false);
            }
        }

        @Override
        public void onOpen(WebSocketConnection connection) {
            socket = connection;
            lastReadNanos = System.nanoTime();
            synchronized (lock) {
                if (dead || current != this) {
                    connection.abort();
                    return;
                }
                transition(ConnectionState.AUTHENTICATING, null, false, null);
                Duration helloTimeout = config.helloTimeout();
                helloTimer = scheduler.schedule(() -> lost(this, new LeapConnectException("No Hello within "
                        + helloTimeout.toMillis() + " ms of opening " + uri), 1000, null),
                        helloTimeout.toNanos(), TimeUnit.NANOSECONDS);
            }
        }

        @Override
        public CompletionStage<?> onText(CharSequence data, boolean last) {
            if (dead) {
                return null;
            }
            lastReadNanos = System.nanoTime();
            try {
                Envelope env = decoder.onText(data, last);
                return env == null ? null : handle(this, env);
            } catch (DecodeException e) {
                framesReceived.increment();
                decodeError(e);
                return null;
            }
        }

        @Override
        public boolean acceptsUtf8Text() {
            return true;
        }

        @Override
        public CompletionStage<?> onTextUtf8(ByteBuffer data, boolean last) {
            if (dead) {
                return null;
            }
            lastReadNanos = System.nanoTime();
            try {
                Envelope env = decoder.onTextUtf8(data, last);
                return env == null ? null : handle(this, env);
            } catch (DecodeException e) {
                framesReceived.increment();
                decodeError(e);
                return null;
            }
        }

        @Override
        public CompletionStage<?> onBinary(ByteBuffer data, boolean last) {
            if (dead) {
                return null;
            }
            lastReadNanos = System.nanoTime();
            try {
                Envelope env = decoder.onBinary(data, last);
                return env == null ? null : handle(this, env);
            } catch (DecodeException e) {
                framesReceived.increment();
                decodeError(e);
                return null;
            }
        }

        @Override
        public void onClose(int statusCode, String reason) {
            release();
            String r = reason == null ? "" : reason;
            LeapException error = statusCode == 4001 ? new LeapAuthenticationException(r)
                    : new LeapCloseException(statusCode, r);
            URI redirect = statusCode == 4006 ? validateRedirect(r) : null;
            lost(this, error, -1, redirect);
        }

        @Override
        public void onError(Throwable error) {
            release();
            lost(this, new LeapConnectException("Connection failed: " + describe(error), error), -1, null);
        }

        private void release() {
            synchronized (this) {
                if (released) {
                    return;
                }
                released = true;
            }
            decoder.release();
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

    static Set<String> unmodifiable(Set<String> s) {
        return Collections.unmodifiableSet(s);
    }
}
