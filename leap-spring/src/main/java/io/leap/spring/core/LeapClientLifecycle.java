package io.leap.spring.core;

import io.leap.client.ConnectionState;
import io.leap.client.ConnectionStateChange;
import io.leap.client.LeapAuthenticationException;
import io.leap.client.LeapClient;
import io.leap.client.LeapClosedException;
import io.leap.spring.internal.LifecycleSupport;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Opens the {@link LeapClient}'s connection when the application context starts and closes it when the context stops.
 *
 * <p>{@link #start()} never blocks unless {@code failFast} is on: the client connects in the background and the
 * configured channels are subscribed (the client remembers them and re-establishes them after every reconnect). Whether a
 * first connection that cannot be opened is retried is the client's policy
 * ({@link LeapClient.Builder#retryInitialConnect(boolean)}, which the auto-configuration turns on unless
 * {@code leap.fail-fast} is set). With {@code failFast}, {@link #start()} waits for the first {@code INIT} and the
 * configured subscriptions, and throws {@link LeapStartupException} if they fail within the connect timeout, which
 * fails application startup.
 *
 * <p>{@link #stop(Runnable)} disconnects the client ({@link LeapClient#disconnect()}, close frame 1000) off the
 * caller's thread and always runs the callback, at the latest after the shutdown timeout. The client itself stays
 * usable: listeners keep their registrations and the channels stay wanted, so a later {@link #start()} (for example
 * {@code context.stop()} then {@code context.start()} around a checkpoint) connects again and resubscribes them. The
 * client is closed for good when its bean is destroyed.
 *
 * <p>The default phase ({@code Integer.MAX_VALUE - 4096}) is below the web server's, so the connection is open
 * before the web server accepts requests, and is closed only after the web server finished its graceful shutdown.
 */
public class LeapClientLifecycle implements SmartLifecycle {

    private static final Log logger = LogFactory.getLog(LeapClientLifecycle.class);

    private final LeapClient client;

    private final URI url;

    private final List<String> channels;

    private final Settings settings;

    private final Object monitor = new Object();

    private volatile boolean running;

    /**
     * Create a lifecycle for the given client.
     * @param client the client
     * @param url the socket URL the client connects to (for messages; contains no credentials)
     * @param channels channels to subscribe once connected
     * @param settings timing and behaviour
     */
    public LeapClientLifecycle(LeapClient client, URI url, List<String> channels, Settings settings) {
        this.client = Objects.requireNonNull(client, "client");
        this.url = Objects.requireNonNull(url, "url");
        this.channels = List.copyOf(new LinkedHashSet<>(channels));
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    @Override
    public void start() {
        synchronized (this.monitor) {
            if (this.running) {
                return;
            }
            this.running = true;
        }
        if (this.settings.failFast()) {
            startFailFast();
        } else {
            connectInBackground();
        }
    }

    private void startFailFast() {
        Duration timeout = this.settings.connectTimeout();
        try {
            this.client.connectAsync().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            List<CompletableFuture<?>> subscriptions = new ArrayList<>();
            for (String channel : this.channels) {
                subscriptions.add(this.client.subscribeAsync(channel));
            }
            CompletableFuture.allOf(subscriptions.toArray(CompletableFuture[]::new))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            logger.info("Connected to Leap at " + this.url + subscribedText());
        } catch (Exception ex) {
            synchronized (this.monitor) {
                this.running = false;
            }
            if (ex instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            Throwable cause = LifecycleSupport.unwrap(ex);
            String what = (cause instanceof TimeoutException)
                    ? "no connection within " + timeout + " (leap.connect-timeout)"
                    : cause.toString();
            throw new LeapStartupException(
                    "Could not connect to Leap at " + this.url + " and subscribe " + this.channels
                            + " with leap.fail-fast=true: " + what,
                    this.url,
                    cause);
        }
    }

    private void connectInBackground() {
        CompletableFuture<?> connected;
        try {
            connected = this.client.connectAsync();
        } catch (RuntimeException ex) {
            connected = CompletableFuture.failedFuture(ex);
        }
        connected.whenComplete((init, error) -> {
            if (error == null) {
                logger.info("Connected to Leap at " + this.url);
                subscribeChannels();
                return;
            }
            Throwable cause = LifecycleSupport.unwrap(error);
            if (!this.running || cause instanceof LeapClosedException) {
                return;
            }
            if (cause instanceof IllegalStateException) {
                // Already connecting or connected, e.g. a user-defined client that the application connected.
                logger.debug("Leap client is already connecting or connected: " + cause.getMessage());
                subscribeChannels();
            } else if (cause instanceof LeapAuthenticationException) {
                logger.error("Leap at " + this.url + " rejected the credentials"
                        + " (close 4001); not retrying. Check leap.project-id and leap.token.");
            } else {
                logger.error("Could not connect to Leap at " + this.url + ": " + cause + "; giving up"
                        + (this.client.options().retryInitialConnect()
                                ? " (leap.reconnect.* exhausted)"
                                : " (the client does not retry its first connection)"));
            }
        });
    }

    private void subscribeChannels() {
        for (String channel : this.channels) {
            this.client.subscribeAsync(channel).whenComplete((result, error) -> {
                if (error != null && this.running) {
                    logger.warn(
                            "Could not subscribe to Leap channel '" + channel + "': " + LifecycleSupport.unwrap(error));
                } else if (error == null && logger.isDebugEnabled()) {
                    logger.debug("Subscribed to Leap channel '" + channel + "'");
                }
            });
        }
    }

    @Override
    public void stop() {
        LifecycleSupport.stopAndWait(this::stop);
    }

    @Override
    public void stop(Runnable callback) {
        synchronized (this.monitor) {
            if (!this.running) {
                callback.run();
                return;
            }
            this.running = false;
        }
        Thread closer = LifecycleSupport.startDaemon("leap-client-close", () -> {
            try {
                this.client.disconnect();
            } catch (LeapClosedException ex) {
                // closed already (by the application)
            } catch (RuntimeException ex) {
                logger.warn("Failed to disconnect the Leap client", ex);
            }
        });
        try {
            closer.join(Math.max(1, this.settings.shutdownTimeout().toMillis()));
            if (closer.isAlive()) {
                logger.warn("Leap client did not close within " + this.settings.shutdownTimeout()
                        + " (leap.lifecycle.shutdown-timeout); continuing shutdown");
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        } finally {
            callback.run();
        }
    }

    @Override
    public boolean isRunning() {
        return this.running;
    }

    @Override
    public boolean isAutoStartup() {
        return this.settings.autoStartup();
    }

    @Override
    public int getPhase() {
        return this.settings.phase();
    }

    /**
     * Whether the first connection has not been established yet and the client will try again (its
     * {@link LeapClient.Builder#retryInitialConnect(boolean) retryInitialConnect} policy).
     * @return {@code true} while the client retries its initial connection
     */
    public boolean isInitialConnectRetrying() {
        ConnectionStateChange last = this.client.lastStateChange();
        return this.running
                && this.client.init().isEmpty()
                && last != null
                && last.current() != ConnectionState.CONNECTED
                && last.willReconnect();
    }

    /**
     * Whether another connection attempt follows the given state change. The client decides this itself, first
     * connection included ({@link ConnectionStateChange#willReconnect()}); kept so that the health indicator and the
     * ApplicationEvent bridge, which both use it, agree.
     * @param change the state change
     * @return {@code true} when another attempt will be made
     */
    public boolean willReconnect(ConnectionStateChange change) {
        return change.willReconnect();
    }

    private String subscribedText() {
        return this.channels.isEmpty() ? "" : ", subscribed to " + this.channels;
    }

    /**
     * Behaviour of a {@link LeapClientLifecycle}. Retrying a first connection that cannot be opened is the client's
     * policy ({@link LeapClient.Builder#retryInitialConnect(boolean)}), not the lifecycle's.
     *
     * @param failFast whether {@link #start()} waits for the first connection and fails if it cannot be established
     * @param connectTimeout how long {@link #start()} waits with {@code failFast}
     * @param autoStartup whether the context starts the connection
     * @param phase the lifecycle phase
     * @param shutdownTimeout how long {@link #stop(Runnable)} waits for the client to disconnect
     */
    public record Settings(
            boolean failFast, Duration connectTimeout, boolean autoStartup, int phase, Duration shutdownTimeout) {

        /**
         * Validates the components.
         */
        public Settings {
            Objects.requireNonNull(connectTimeout, "connectTimeout");
            Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
        }
    }
}
