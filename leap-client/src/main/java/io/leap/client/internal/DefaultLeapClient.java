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
import io.leap.client.ListenerOptions;
import io.leap.client.ListenerRegistration;
import io.leap.client.MessageListener;
import io.leap.client.internal.codec.Frames;
import io.leap.client.transport.JdkWebSocketTransport;
import io.leap.client.transport.WebSocketTransport;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@link LeapClient} implementation, a facade: the {@link ConnectionSupervisor} keeps the connection (with the
 * {@link ConnectionStateMachine}, {@link ReconnectScheduler}, one {@link Connection} and its {@link LinkMonitor} at a
 * time, and the {@link Dispatcher}), {@link ChannelRequests} with the {@link SubscriptionTable} handle channels,
 * {@link ListenerRegistry} delivers, {@link ClientMetrics} counts. Internal API: use {@link LeapClient#builder(String)}.
 *
 * <p>Threads: the transport's reading thread decodes frames and routes them (never running user code, except
 * {@link io.leap.client.DeliveryMode#INLINE} listeners); one scheduler thread runs heartbeats, timeouts and reconnect
 * delays; delivery threads drain listener buffers.
 */
public final class DefaultLeapClient implements LeapClient {

    private static final Logger log = LoggerFactory.getLogger(LeapClient.class);
    private static final AtomicInteger CLIENT_IDS = new AtomicInteger();
    /** A listener's own delivery thread waits this long for the next event before it is given back to the pool. */
    private static final long IDLE_PARK_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final int clientId = CLIENT_IDS.incrementAndGet();
    private final String threadPrefix = "leap-client-" + clientId;
    private final ClientConfig config;
    private final WebSocketTransport transport;
    private final boolean ownsTransport;
    private final Scheduler scheduler;
    private final ThreadPoolExecutor ownedDelivery;
    private final ClientMetrics metrics;
    private final ListenerRegistry listeners;
    private final ConnectionSupervisor supervisor;
    private final ChannelRequests channels;

    /** @return the {@code JsonMapper} a client uses when the builder was given none */
    public static JsonMapper defaultMapper() {
        return JsonMapper.builder().build();
    }

    /** @param config the settings */
    public DefaultLeapClient(ClientConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        JsonMapper mapper = config.jsonMapper();
        this.transport = config.transport() != null ? config.transport() : new JdkWebSocketTransport();
        this.ownsTransport = config.ownsTransport();
        this.scheduler = config.scheduler() != null
                ? Scheduler.external(config.scheduler())
                : Scheduler.threaded(threadPrefix + "-scheduler");
        Executor delivery;
        long idleParkNanos;
        if (config.deliveryExecutor() != null) {
            this.ownedDelivery = null;
            delivery = config.deliveryExecutor();
            idleParkNanos = 0;
        } else {
            // One thread per listener that currently has work; idle threads end after a while.
            this.ownedDelivery = new ThreadPoolExecutor(
                    0,
                    Integer.MAX_VALUE,
                    10,
                    TimeUnit.SECONDS,
                    new SynchronousQueue<>(),
                    new NamedThreadFactory(threadPrefix + "-delivery"));
            delivery = ownedDelivery;
            idleParkNanos = IDLE_PARK_NANOS;
        }
        this.metrics = new ClientMetrics(clientId, config.observer(), scheduler);
        this.listeners =
                new ListenerRegistry(metrics, delivery, idleParkNanos, config.bufferSize(), config.overflowPolicy());
        this.supervisor = new ConnectionSupervisor(
                clientId, config, mapper, new Frames(mapper), transport, scheduler, delivery, metrics, listeners);
        this.channels = supervisor.channels;
    }

    // ------------------------------------------------------------------------------------------------ lifecycle

    @Override
    public void connect() {
        ConnectionSupervisor.FirstAttempt first = supervisor.startFirst();
        Connection conn = first.conn();
        CompletableFuture<Void> identified = first.identified();
        long waitMs = config.retryInitialConnect()
                ? Long.MAX_VALUE
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
            LeapConnectException error =
                    new LeapConnectException("Could not connect to " + conn.uri + " within " + waitMs + " ms");
            supervisor.abandon(conn, error);
            throw error;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LeapConnectException error = new LeapConnectException("Interrupted while connecting to " + conn.uri);
            supervisor.abandon(conn, error);
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
        return supervisor.connectAsync();
    }

    @Override
    public void reconnect() {
        supervisor.reconnect();
    }

    @Override
    public void disconnect() {
        supervisor.disconnect();
    }

    @Override
    public void close() {
        if (!supervisor.close()) {
            return;
        }
        metrics.flushDecodeSummary();
        listeners.closeAll();
        scheduler.shutdown();
        if (ownsTransport) {
            try {
                transport.close();
            } catch (RuntimeException e) {
                log.atDebug()
                        .addKeyValue("client", clientId)
                        .log("Transport close failed: {} (client {})", e.toString(), clientId);
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
        log.atDebug().addKeyValue("client", clientId).log("Closed (client {})", clientId);
    }

    // ------------------------------------------------------------------------------------------------ queries

    @Override
    public ConnectionState state() {
        return supervisor.state();
    }

    @Override
    public ConnectionStateChange lastStateChange() {
        return supervisor.lastStateChange();
    }

    @Override
    public Optional<InitInfo> init() {
        return supervisor.init();
    }

    @Override
    public Set<String> channels() {
        return supervisor.held();
    }

    @Override
    public Optional<ChannelStatus> channelStatus(String channelId) {
        return supervisor.channelStatus(ChannelRequests.requireChannel(channelId));
    }

    @Override
    public Map<String, ChannelStatus> channelStatuses() {
        return supervisor.channelStatuses();
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
        return channels.subscribeAsync(channelId, config.subscribeTimeout());
    }

    @Override
    public Channel subscribe(String channelId) {
        return subscribe(channelId, config.subscribeTimeout());
    }

    @Override
    public Channel subscribe(String channelId, Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        CompletableFuture<Channel> f = channels.subscribeAsync(channelId, timeout);
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
            throw new LeapTimeoutException(
                    "No answer to SUBSCRIBE '" + channelId + "' within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LeapException("Interrupted while subscribing to '" + channelId + "'");
        }
    }

    @Override
    public CompletableFuture<Void> unsubscribeAsync(String channelId) {
        return channels.unsubscribeAsync(channelId);
    }

    @Override
    public void unsubscribe(String channelId) {
        await(unsubscribeAsync(channelId), config.subscribeTimeout().plusSeconds(1), "UNSUBSCRIBE '" + channelId + "'");
    }

    @Override
    public CompletableFuture<Void> publishAsync(String channelId, String event, Object data) {
        return channels.publishAsync(channelId, event, data);
    }

    @Override
    public void publish(String channelId, String event, Object data) {
        await(publishAsync(channelId, event, data), config.connectTimeout(), "MESSAGE to '" + channelId + "'");
    }

    @Override
    public CompletableFuture<Void> setChannelStateAsync(String channelId, Object state) {
        return channels.setChannelStateAsync(channelId, state);
    }

    @Override
    public void setChannelState(String channelId, Object state) {
        await(
                setChannelStateAsync(channelId, state),
                config.connectTimeout(),
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
