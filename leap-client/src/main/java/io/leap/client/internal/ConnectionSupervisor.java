package io.leap.client.internal;

import io.leap.client.Channel;
import io.leap.client.ChannelStatus;
import io.leap.client.ConnectionState;
import io.leap.client.ConnectionStateChange;
import io.leap.client.InitInfo;
import io.leap.client.LeapAuthenticationException;
import io.leap.client.LeapClient;
import io.leap.client.LeapCloseException;
import io.leap.client.LeapClosedException;
import io.leap.client.LeapConnectException;
import io.leap.client.LeapException;
import io.leap.client.LeapTimeoutException;
import io.leap.client.internal.SubscriptionTable.PendingSubscribe;
import io.leap.client.internal.codec.DecodeException;
import io.leap.client.internal.codec.Envelope;
import io.leap.client.internal.codec.EnvelopeParser;
import io.leap.client.internal.codec.FrameDecoder;
import io.leap.client.internal.codec.Frames;
import io.leap.client.transport.WebSocketConnection;
import io.leap.client.transport.WebSocketTransport;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Keeps the client connected: starts the first connection (fail-fast or retried), opens each attempt with a token
 * from the {@link TokenSource}, reacts to what a {@link Connection} and the {@link Dispatcher} report (Hello, INIT,
 * closes, failures, a dead link), and on a loss asks the {@link ReconnectScheduler} whether, when and where to
 * reconnect, including the single retry with a rotated token after a 4001 and a forced {@link #reconnect()}. Owns the
 * client's lock: the {@link ConnectionStateMachine}, the {@link ReconnectScheduler}, the {@link SubscriptionTable}, the
 * {@link ChannelRequests} and the {@link ConnectFutures} are used under it, and state changes are enqueued under it,
 * so they stay ordered.
 */
final class ConnectionSupervisor {

    private static final Logger log = LoggerFactory.getLogger(LeapClient.class);

    private final int clientId;
    private final ClientConfig config;
    private final JsonMapper mapper;
    private final Frames frames;
    private final WebSocketTransport transport;
    private final Scheduler scheduler;
    private final Executor delivery;
    private final ClientMetrics metrics;
    private final Dispatcher dispatcher;
    private final Events events = new Events();
    private final TokenSource tokens;
    final ChannelRequests channels;

    private final Object lock = new Object();
    // --- guarded by lock ---
    private final ConnectionStateMachine lifecycle;
    private final ReconnectScheduler reconnects;
    private final SubscriptionTable subscriptions;
    private Connection current;
    private Scheduler.Timer reconnectTask;
    private final ConnectFutures connecting = new ConnectFutures();

    private Scheduler.Timer subscriptionRetryTask = Scheduler.NONE;
    // --- end guarded ---
    private volatile InitInfo init;

    ConnectionSupervisor(
            int clientId,
            ClientConfig config,
            JsonMapper mapper,
            Frames frames,
            WebSocketTransport transport,
            Scheduler scheduler,
            Executor delivery,
            ClientMetrics metrics,
            ListenerRegistry listeners) {
        this.clientId = clientId;
        this.config = config;
        this.mapper = mapper;
        this.frames = frames;
        this.transport = transport;
        this.scheduler = scheduler;
        this.delivery = delivery;
        this.metrics = metrics;
        this.tokens = new TokenSource(clientId, config);
        this.dispatcher = new Dispatcher(clientId, mapper, frames, listeners, metrics, events);
        this.lifecycle = new ConnectionStateMachine(clientId, scheduler, listeners::publishState);
        this.reconnects = new ReconnectScheduler(
                clientId,
                config.reconnectPolicy(),
                config.url(),
                config.redirectAllowedHosts(),
                () -> ThreadLocalRandom.current().nextDouble());
        this.subscriptions = new SubscriptionTable(config.authenticated(), config.subscriptionRetryInterval() != null);
        this.channels =
                new ChannelRequests(clientId, config, mapper, frames, scheduler, this, lock, lifecycle, subscriptions);
    }

    /** @return the current connection (caller holds the lock) */
    Connection current() {
        return current;
    }

    ConnectionState state() {
        synchronized (lock) {
            return lifecycle.state();
        }
    }

    ConnectionStateChange lastStateChange() {
        synchronized (lock) {
            return lifecycle.lastChange();
        }
    }

    Optional<InitInfo> init() {
        return Optional.ofNullable(init);
    }

    Set<String> held() {
        return Set.copyOf(subscriptions.held());
    }

    Optional<ChannelStatus> channelStatus(String channelId) {
        synchronized (lock) {
            return Optional.ofNullable(subscriptions.status(channelId));
        }
    }

    Map<String, ChannelStatus> channelStatuses() {
        synchronized (lock) {
            return Map.copyOf(subscriptions.statuses());
        }
    }

    /**
     * A first connection started by a blocking {@code connect()}.
     *
     * @param conn       the attempt
     * @param identified completes when Identify was sent (on any attempt, with retryInitialConnect)
     */
    record FirstAttempt(Connection conn, CompletableFuture<Void> identified) {}

    /** Starts the first connection for a blocking {@code connect()}. */
    FirstAttempt startFirst() {
        Connection conn = beginFirstAttempt(true);
        CompletableFuture<Void> identified;
        synchronized (lock) {
            identified = config.retryInitialConnect() ? connecting.identified() : conn.identified;
        }
        open(conn);
        return new FirstAttempt(conn, identified);
    }

    /** A blocking {@code connect()} gave up waiting: the attempt is closed with 1000. */
    void abandon(Connection conn, LeapConnectException error) {
        lost(conn, error, Protocol.CLOSE_NORMAL, null);
    }

    CompletableFuture<InitInfo> connectAsync() {
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
                return connecting.init() != null
                        ? connecting.init().copy()
                        : CompletableFuture.failedFuture(new IllegalStateException("Already " + lifecycle.state()));
            }
            conn = beginFirstAttempt(false);
            future = connecting.init().copy();
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
                throw new IllegalStateException(
                        "The client is already " + lifecycle.state().name().toLowerCase(Locale.ROOT));
            }
            // With retryInitialConnect, a failed first attempt is retried like a lost connection.
            lifecycle.running(config.retryInitialConnect());
            reconnects.reset();
            tokens.endRetry();
            connecting.begin();
            log.atDebug()
                    .addKeyValue("client", clientId)
                    .addKeyValue("url", config.url())
                    .addKeyValue("blocking", blocking)
                    .log("Connecting to {} (client {})", config.url(), clientId);
            return startAttempt(config.url());
        }
    }

    /** Creates the next connection and moves to CONNECTING. Caller holds the lock, then calls {@link #open}. */
    private Connection startAttempt(URI uri) {
        Connection conn = new Connection(
                uri,
                new FrameDecoder(new EnvelopeParser(mapper.tokenStreamFactory()), config.maxMessageSize()),
                events,
                link -> new LinkMonitor(scheduler, config.heartbeatAckTimeout(), config.readTimeoutGrace(), link));
        conn.authRetry = tokens.retrying();
        current = conn;
        lifecycle.connecting();
        return conn;
    }

    private void open(Connection conn) {
        String token;
        try {
            token = tokens.next();
        } catch (RuntimeException e) {
            lost(conn, new LeapConnectException("The token provider failed: " + Connection.describe(e), e), -1, null);
            return;
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
                Throwable cause =
                        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                lost(
                        conn,
                        new LeapConnectException(
                                "Could not open " + conn.uri + ": " + Connection.describe(cause), cause),
                        -1,
                        null);
            } else if (conn.dead) {
                ws.abort();
            }
        });
    }

    /**
     * Closes for good: fails every pending future, sends a 1000 close frame and drops the socket.
     *
     * @return {@code false} if already closed
     */
    boolean close() {
        Connection conn;
        List<CompletableFuture<?>> toFail;
        ConnectFutures.Taken futures;
        synchronized (lock) {
            if (!lifecycle.close()) {
                return false;
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
            futures = connecting.all();
        }
        LeapClosedException closedError = new LeapClosedException("The client was closed");
        for (CompletableFuture<?> f : toFail) {
            f.completeExceptionally(closedError);
        }
        futures.failInit(closedError);
        futures.failIdentified(closedError);
        if (conn != null) {
            conn.identified.completeExceptionally(closedError);
            conn.closeForGood(clientId);
        }
        return true;
    }

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
    private void lost(
            Connection conn, LeapException error, int closeCode, URI redirect, String retryToken, boolean forced) {
        WebSocketConnection socket;
        List<CompletableFuture<?>> toFail;
        ConnectFutures.Taken futures = ConnectFutures.NONE;
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
            ReconnectScheduler.Plan plan =
                    reconnects.onLost(conn.uri, conn.initReceived, mayReconnect, redirect, scheduler.nanoTime());
            if (forced) {
                lifecycle.running(true);
                reconnects.reset();
                plan = new ReconnectScheduler.Plan(true, Duration.ZERO, 1);
            } else if (auth && retryToken != null && lifecycle.running() && !lifecycle.closed()) {
                log.atInfo()
                        .addKeyValue("client", clientId)
                        .log(
                                "Token rejected (4001); the token provider has a new one: trying it once (client {})",
                                clientId);
                tokens.retryWith(retryToken);
                plan = new ReconnectScheduler.Plan(true, Duration.ZERO, Math.max(1, reconnects.attempt()));
            }
            lifecycle.errored(error, plan.reconnect() ? plan.delay() : null);
            if (plan.reconnect()) {
                reconnectTask =
                        scheduler.schedule(this::reconnectNow, plan.delay().toNanos());
            } else {
                tokens.endRetry();
                futures = connecting.pending();
            }
        }
        futures.failIdentified(error);
        conn.identified.completeExceptionally(error);
        LeapConnectException lostError =
                new LeapConnectException("Connection lost before the answer: " + error.getMessage(), error);
        for (CompletableFuture<?> f : toFail) {
            f.completeExceptionally(lostError);
        }
        futures.failInit(error);
        Connection.release(socket, closeCode, error, scheduler);
    }

    /** Closes the current connection with 1000 and stops reconnecting; listeners and wanted channels are kept. */
    void disconnect() {
        LeapConnectException error = new LeapConnectException("Disconnected by the application");
        Connection conn;
        ConnectFutures.Taken futures = ConnectFutures.NONE;
        synchronized (lock) {
            if (lifecycle.closed()) {
                throw new LeapClosedException("The client is closed");
            }
            lifecycle.running(false);
            conn = current;
            if (conn != null || reconnectTask != null) {
                lifecycle.disconnectRequested();
            }
            if (conn == null) {
                if (reconnectTask == null) {
                    return;
                }
                // Waiting for a reconnect: cancel it and report that none follows.
                reconnectTask.cancel();
                reconnectTask = null;
                subscriptionRetryTask.cancel();
                tokens.endRetry();
                futures = connecting.pending();
                lifecycle.errored(error, null);
            }
        }
        if (conn != null) {
            log.atDebug().addKeyValue("client", clientId).log("Disconnect requested (client {})", clientId);
            lost(conn, error, Protocol.CLOSE_NORMAL, null);
            return;
        }
        futures.failIdentified(error);
        futures.failInit(error);
    }

    void reconnect() {
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
            log.atDebug().addKeyValue("client", clientId).log("Reconnect requested (client {})", clientId);
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
            log.atDebug()
                    .addKeyValue("client", clientId)
                    .addKeyValue("url", uri)
                    .addKeyValue("attempt", reconnects.attempt())
                    .log("Reconnecting to {} (client {}, attempt {})", uri, clientId, reconnects.attempt());
            conn = startAttempt(uri);
        }
        open(conn);
    }

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
                conn.helloTimer = scheduler.schedule(
                        () -> lost(
                                conn,
                                new LeapConnectException(
                                        "No Hello within " + helloTimeout.toMillis() + " ms of opening " + conn.uri),
                                Protocol.CLOSE_NORMAL,
                                null),
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
            String shown = TokenSource.redact(reason, conn.token);
            LeapException error = code == Protocol.CLOSE_INVALID_AUTH
                    ? new LeapAuthenticationException(shown)
                    : new LeapCloseException(code, shown);
            URI redirect = code == Protocol.CLOSE_BAD_ROUTE ? reconnects.validateRedirect(reason) : null;
            String retryToken = code == Protocol.CLOSE_INVALID_AUTH ? tokens.afterRejection(conn) : null;
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
                        lost(
                                conn,
                                new LeapConnectException("Could not send Identify: " + Connection.describe(e), e),
                                -1,
                                null);
                    }
                });
                conn.identifySent = true;
                lifecycle.running(true);
                conn.startHeartbeats(heartbeatInterval, clientId);
                resubscribe = subscriptions.onHello(conn);
                for (String channel : resubscribe) {
                    conn.send(frames.dispatch(channel, Protocol.SUBSCRIBE, null));
                }
                first = connecting.identified();
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
                tokens.endRetry();
                Duration retry = config.subscriptionRetryInterval();
                if (retry != null) {
                    subscriptionRetryTask.cancel();
                    subscriptionRetryTask = scheduler.scheduleWithFixedDelay(
                            () -> channels.retry(conn), retry.toNanos(), retry.toNanos());
                }
                lifecycle.connected();
                initDone = connecting.init();
                for (String channel : plan.subscribe()) {
                    conn.send(frames.dispatch(channel, Protocol.SUBSCRIBE, null));
                }
                for (String channel : plan.unsubscribe()) {
                    conn.send(frames.dispatch(channel, Protocol.UNSUBSCRIBE, null));
                }
            }
            log.atDebug()
                    .addKeyValue("client", clientId)
                    .addKeyValue("cid", info.connectionId())
                    .addKeyValue("scope", info.scope())
                    .addKeyValue("channels", info.channels().size())
                    .log(
                            "Connected (INIT): connection {}, scope {}, {} channel(s) (client {})",
                            info.connectionId(),
                            info.scope(),
                            info.channels().size(),
                            clientId);
            for (Map.Entry<PendingSubscribe, Channel> e : plan.complete()) {
                completeAsync(e.getKey().future, e.getValue());
            }
            if (initDone != null) {
                completeAsync(initDone, info);
            }
        }

        @Override
        public boolean onAvailable(Connection conn, String channelId, Channel channel) {
            return channels.onAvailable(conn, channelId, channel);
        }

        @Override
        public boolean onUnavailable(Connection conn, String channelId, String errorCode) {
            return channels.onUnavailable(conn, channelId, errorCode);
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

    <T> void completeAsync(CompletableFuture<T> f, T value) {
        delivery(() -> f.complete(value));
    }

    /** Runs future completions off the reading thread, so dependent user code cannot stall the socket. */
    void delivery(Runnable r) {
        try {
            delivery.execute(r);
        } catch (RejectedExecutionException e) {
            r.run();
        }
    }
}
