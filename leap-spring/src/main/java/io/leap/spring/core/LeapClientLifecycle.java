package io.leap.spring.core;

import io.leap.client.ConnectionState;
import io.leap.client.ConnectionStateChange;
import io.leap.client.LeapAuthenticationException;
import io.leap.client.LeapClient;
import io.leap.client.LeapClosedException;
import io.leap.client.ReconnectPolicy;
import io.leap.spring.internal.LifecycleSupport;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Opens the {@link LeapClient}'s connection when the application context starts and closes it when the context stops.
 *
 * <p>{@link #start()} never blocks unless {@code failFast} is on: the client connects in the background, subscribes the
 * configured channels once connected, and if the very first socket cannot be opened, the attempt is repeated with the
 * reconnect policy's backoff (the client itself only reconnects connections that were once open). With
 * {@code failFast}, {@link #start()} waits for the first {@code INIT} and the configured subscriptions, and throws
 * {@link LeapStartupException} if they fail within the connect timeout, which fails application startup.
 *
 * <p>{@link #stop(Runnable)} closes the client (close frame 1000) off the caller's thread and always runs the callback,
 * at the latest after the shutdown timeout. A closed client cannot be started again.
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

    private volatile boolean initialConnectRetrying;

    private ScheduledExecutorService retryScheduler;

    private ScheduledFuture<?> pendingRetry;

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
            attempt(1);
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

    private void attempt(int attempt) {
        if (!this.running) {
            return;
        }
        // Decided before the attempt, so that whoever sees the resulting state change (health, the event bridge)
        // already knows whether another attempt follows a failure.
        ReconnectPolicy retryPolicy = this.settings.retryPolicy();
        this.initialConnectRetrying =
                retryPolicy.isEnabled() && (retryPolicy.maxAttempts() <= 0 || attempt < retryPolicy.maxAttempts());
        CompletableFuture<?> connected;
        try {
            connected = this.client.connectAsync();
        } catch (IllegalStateException ex) {
            // Already connecting or connected, e.g. a user-defined client that was connected by the application.
            this.initialConnectRetrying = false;
            logger.debug("Leap client is already connecting or connected: " + ex.getMessage());
            subscribeChannels();
            return;
        } catch (RuntimeException ex) {
            connected = CompletableFuture.failedFuture(ex);
        }
        connected.whenComplete((init, error) -> {
            if (error == null) {
                this.initialConnectRetrying = false;
                logger.info("Connected to Leap at " + this.url);
                subscribeChannels();
                return;
            }
            Throwable cause = LifecycleSupport.unwrap(error);
            if (!this.running || cause instanceof LeapClosedException) {
                this.initialConnectRetrying = false;
                return;
            }
            if (cause instanceof LeapAuthenticationException) {
                this.initialConnectRetrying = false;
                logger.error("Leap at " + this.url + " rejected the credentials"
                        + " (close 4001); not retrying. Check leap.project-id and leap.token.");
                return;
            }
            ReconnectPolicy policy = this.settings.retryPolicy();
            if (!policy.isEnabled() || (policy.maxAttempts() > 0 && attempt >= policy.maxAttempts())) {
                this.initialConnectRetrying = false;
                logger.error("Could not connect to Leap at " + this.url + ": " + cause + "; giving up");
                return;
            }
            Duration delay = policy.delay(attempt, ThreadLocalRandom.current().nextDouble());
            this.initialConnectRetrying = true;
            logger.warn("Could not connect to Leap at " + this.url + " (attempt " + attempt + "): " + cause
                    + "; retrying in " + delay.toMillis() + " ms");
            scheduleRetry(attempt + 1, delay);
        });
    }

    private void scheduleRetry(int nextAttempt, Duration delay) {
        synchronized (this.monitor) {
            if (!this.running) {
                return;
            }
            if (this.retryScheduler == null) {
                ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(
                        1, LifecycleSupport.daemonThreadFactory("leap-connect-retry", false));
                scheduler.setRemoveOnCancelPolicy(true);
                this.retryScheduler = scheduler;
            }
            this.pendingRetry =
                    this.retryScheduler.schedule(() -> attempt(nextAttempt), delay.toNanos(), TimeUnit.NANOSECONDS);
        }
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
            this.running = false;
            this.initialConnectRetrying = false;
            if (this.pendingRetry != null) {
                this.pendingRetry.cancel(false);
            }
            if (this.retryScheduler != null) {
                this.retryScheduler.shutdownNow();
                this.retryScheduler = null;
            }
        }
        Thread closer = LifecycleSupport.startDaemon("leap-client-close", () -> {
            try {
                this.client.close();
            } catch (RuntimeException ex) {
                logger.warn("Failed to close the Leap client", ex);
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
     * Whether the first connection has not been established yet and another attempt is scheduled.
     * @return {@code true} while retrying the initial connection
     */
    public boolean isInitialConnectRetrying() {
        return this.initialConnectRetrying;
    }

    /**
     * Whether another connection attempt follows the given state change: the client reconnects by itself
     * ({@link ConnectionStateChange#willReconnect()}), or this lifecycle retries a first connection that failed for
     * another reason than rejected credentials. The health indicator and the ApplicationEvent bridge both use it, so
     * the {@code willReconnect} they report agrees.
     * @param change the state change
     * @return {@code true} when another attempt will be made
     */
    public boolean willReconnect(ConnectionStateChange change) {
        if (change.willReconnect()) {
            return true;
        }
        Throwable error = (change.error() != null) ? LifecycleSupport.unwrap(change.error()) : null;
        return this.running
                && this.initialConnectRetrying
                && change.current() != ConnectionState.CONNECTED
                && !(error instanceof LeapAuthenticationException)
                && !(error instanceof LeapClosedException);
    }

    private String subscribedText() {
        return this.channels.isEmpty() ? "" : ", subscribed to " + this.channels;
    }

    /**
     * Behaviour of a {@link LeapClientLifecycle}.
     *
     * @param failFast whether {@link #start()} waits for the first connection and fails if it cannot be established
     * @param connectTimeout how long {@link #start()} waits with {@code failFast}
     * @param retryPolicy backoff between attempts to open the very first connection (without {@code failFast})
     * @param autoStartup whether the context starts the connection
     * @param phase the lifecycle phase
     * @param shutdownTimeout how long {@link #stop(Runnable)} waits for the client to close
     */
    public record Settings(
            boolean failFast,
            Duration connectTimeout,
            ReconnectPolicy retryPolicy,
            boolean autoStartup,
            int phase,
            Duration shutdownTimeout) {

        /**
         * Validates the components.
         */
        public Settings {
            Objects.requireNonNull(connectTimeout, "connectTimeout");
            Objects.requireNonNull(retryPolicy, "retryPolicy");
            Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
        }
    }
}
