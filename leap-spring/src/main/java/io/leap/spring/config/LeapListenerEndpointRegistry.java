package io.leap.spring.config;

import io.leap.client.ChannelStatus;
import io.leap.client.ConnectionState;
import io.leap.client.ConnectionStateChange;
import io.leap.client.LeapClient;
import io.leap.client.LeapClosedException;
import io.leap.client.LeapConnectException;
import io.leap.client.LeapSubscriptionException;
import io.leap.client.ListenerRegistration;
import io.leap.spring.annotation.LeapListener;
import io.leap.spring.internal.LifecycleSupport;
import io.leap.spring.listener.DefaultLeapListenerContainer;
import io.leap.spring.listener.LeapListenerContainer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;

/**
 * Holds the {@link LeapListenerContainer} of every {@link LeapListener} endpoint and is their single
 * {@link SmartLifecycle} (default phase {@code Integer.MAX_VALUE - 100}, so delivery stops before the web server and
 * the client connection).
 *
 * <p>Each listener is one client listener registration
 * ({@link LeapClient#addMessageListener(io.leap.client.MessageListener, io.leap.client.ListenerOptions)}) with its
 * channel and event filters, buffer size and overflow policy: the client buffers each listener's messages once and
 * delivers them, in socket order, on its delivery executor straight into the listener method, so a slow or failing
 * listener does not delay the others (unless its policy is {@code BLOCK} and its buffer is full: then reading the
 * socket waits).
 *
 * <p>The channels named by listeners (and by their {@code @SendTo}) are subscribed through the client, which
 * remembers them: it re-establishes them after every reconnect and, when it was built with a
 * {@link LeapClient.Builder#subscriptionRetryInterval(Duration) subscription retry interval} (the auto-configured
 * client is, {@code leap.subscription-retry-interval}), asks again for the ones that were refused (for example not
 * created yet). {@link #getChannelStatuses()} reports where each stands.
 */
public class LeapListenerEndpointRegistry implements SmartLifecycle, DisposableBean {

    private static final Log logger = LogFactory.getLog(LeapListenerEndpointRegistry.class);

    private final Object monitor = new Object();

    private final Map<String, DefaultLeapListenerContainer> containers = new LinkedHashMap<>();

    /** {@code @SendTo} channels, subscribed as well (the server only accepts publishing to subscribed channels). */
    private final Set<String> replyChannels = new LinkedHashSet<>();

    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    private @Nullable LeapClient client;

    private Duration shutdownTimeout = Duration.ofSeconds(10);

    private int phase = LeapListenerEndpointRegistrar.DEFAULT_PHASE;

    private @Nullable ListenerRegistration stateSubscription;

    private volatile boolean running;

    private final List<Consumer<LeapListenerContainer>> registrationCallbacks = new ArrayList<>();

    /**
     * Look up a listener container.
     * @param id the listener id
     * @return the container, or {@code null} if there is none with that id
     */
    public @Nullable LeapListenerContainer getListenerContainer(String id) {
        synchronized (this.monitor) {
            return this.containers.get(id);
        }
    }

    /** @return the ids of every listener, in registration order */
    public Set<String> getListenerContainerIds() {
        synchronized (this.monitor) {
            return Collections.unmodifiableSet(new LinkedHashSet<>(this.containers.keySet()));
        }
    }

    /** @return every listener container, in registration order */
    public Collection<LeapListenerContainer> getListenerContainers() {
        synchronized (this.monitor) {
            return List.copyOf(this.containers.values());
        }
    }

    /** @return the channels the registry subscribes (listener channels and {@code @SendTo} channels) */
    public Set<String> getChannels() {
        synchronized (this.monitor) {
            Set<String> channels = new LinkedHashSet<>();
            for (DefaultLeapListenerContainer container : this.containers.values()) {
                channels.addAll(container.getChannels());
            }
            channels.addAll(this.replyChannels);
            return Collections.unmodifiableSet(channels);
        }
    }

    /**
     * The client's status of every channel the registry subscribes: {@code PENDING} until the server answered (or
     * while disconnected), {@code SUBSCRIBED}, or {@code REFUSED} with the server's error code.
     * @return the status by channel id, in {@link #getChannels()} order
     */
    public Map<String, ChannelStatus> getChannelStatuses() {
        Set<String> channels = getChannels();
        LeapClient current = this.client;
        Map<String, ChannelStatus> statuses = new LinkedHashMap<>();
        Map<String, ChannelStatus> known = (current != null) ? current.channelStatuses() : Map.of();
        for (String channel : channels) {
            ChannelStatus status = known.get(channel);
            statuses.put(
                    channel, (status != null) ? status : new ChannelStatus(channel, ChannelStatus.State.PENDING, null));
        }
        return Collections.unmodifiableMap(statuses);
    }

    /**
     * Call back for every container, present and future (used by metrics).
     */
    public void forEachContainer(Consumer<LeapListenerContainer> callback) {
        List<LeapListenerContainer> existing;
        synchronized (this.monitor) {
            this.registrationCallbacks.add(callback);
            existing = List.copyOf(this.containers.values());
        }
        existing.forEach(callback);
    }

    /**
     * Prepare the registry: client and timings. Called once by the annotation post-processor.
     */
    public void initialize(LeapClient client, LeapListenerEndpointRegistrar registrar) {
        synchronized (this.monitor) {
            this.client = client;
            this.shutdownTimeout = registrar.getShutdownTimeout();
            this.phase = registrar.getPhase();
            if (registrar.getTaskExecutor() != null) {
                logger.warn("LeapListenerEndpointRegistrar.setTaskExecutor is ignored: @LeapListener methods run on "
                        + "the Leap client's delivery executor (the 'leapTaskExecutor' bean of the "
                        + "auto-configuration, or LeapClient.Builder.deliveryExecutor)");
            }
        }
    }

    /**
     * How long stopping waits for the listeners to drain.
     * @return the shutdown timeout
     */
    public Duration shutdownTimeout() {
        synchronized (this.monitor) {
            return this.shutdownTimeout;
        }
    }

    public LeapClient client() {
        LeapClient current = this.client;
        if (current == null) {
            throw new IllegalStateException("Registry not initialized");
        }
        return current;
    }

    /**
     * Add a container. Its channels (and the reply channels) are subscribed.
     */
    public void register(DefaultLeapListenerContainer container, Collection<String> replyChannels) {
        synchronized (this.monitor) {
            if (this.containers.containsKey(container.getId())) {
                throw new IllegalStateException("Another @LeapListener already has the id '" + container.getId() + "'");
            }
            this.containers.put(container.getId(), container);
            this.replyChannels.addAll(replyChannels);
            this.registrationCallbacks.forEach((callback) -> callback.accept(container));
            if (this.running) {
                if (container.isAutoStartup()) {
                    container.start();
                }
                Set<String> channels = new LinkedHashSet<>(container.getChannels());
                channels.addAll(replyChannels);
                subscribe(channels);
            }
        }
    }

    /**
     * Register the client listeners (before the client connects, so that auto-startup listeners buffer from the first
     * message). Idempotent.
     */
    public void attach() {
        synchronized (this.monitor) {
            if (this.containers.isEmpty() || this.client == null) {
                return;
            }
            for (DefaultLeapListenerContainer container : this.containers.values()) {
                if (container.isAutoStartup()) {
                    container.prepare();
                }
            }
            if (this.stateSubscription == null || this.stateSubscription.isClosed()) {
                this.stateSubscription = this.client.addConnectionStateListener(this::onStateChange);
            }
        }
    }

    /**
     * A channel can only be asked for while the client is connecting or connected; the ones asked for before (the
     * registry may start before the client) are asked for on the next connection. The client keeps the rest.
     */
    private void onStateChange(ConnectionStateChange change) {
        if (change.current() == ConnectionState.CONNECTED && this.running) {
            LeapClient current = this.client;
            if (current == null) {
                return;
            }
            Set<String> unknown = new LinkedHashSet<>();
            for (String channel : getChannels()) {
                if (current.channelStatus(channel).isEmpty()) {
                    unknown.add(channel);
                }
            }
            subscribe(unknown);
        }
    }

    private void subscribe(Set<String> channels) {
        LeapClient current = this.client;
        if (current == null) {
            return;
        }
        for (String channel : channels) {
            try {
                current.subscribeAsync(channel).whenComplete((result, error) -> {
                    if (error == null) {
                        this.warned.remove(channel);
                        if (logger.isDebugEnabled()) {
                            logger.debug("Subscribed to Leap channel '" + channel + "' for @LeapListener methods");
                        }
                    } else {
                        subscribeFailed(current, channel, error);
                    }
                });
            } catch (RuntimeException ex) {
                subscribeFailed(current, channel, ex);
            }
        }
    }

    private void subscribeFailed(LeapClient current, String channel, Throwable error) {
        Throwable cause = LifecycleSupport.unwrap(error);
        if (!this.running || cause instanceof LeapClosedException) {
            return;
        }
        if (cause instanceof LeapConnectException) {
            // Not connected yet, or the connection was lost: asked for again on the next connection.
            if (logger.isDebugEnabled()) {
                logger.debug("Leap channel '" + channel + "' of @LeapListener methods not subscribed yet: " + cause);
            }
            return;
        }
        String detail = (cause instanceof LeapSubscriptionException refused)
                ? "refused (" + refused.errorCode() + ")"
                : cause.toString();
        Duration retry = current.options().subscriptionRetryInterval();
        String text = "Could not subscribe to Leap channel '" + channel + "' for @LeapListener methods: " + detail
                + ((retry != null)
                        ? "; the client asks again every " + retry.toMillis() + " ms while connected"
                        : "; not asked for again (the client has no subscription retry interval)");
        if (this.warned.add(channel)) {
            logger.warn(text);
        } else if (logger.isDebugEnabled()) {
            logger.debug(text);
        }
    }

    @Override
    public void start() {
        List<DefaultLeapListenerContainer> toStart = new ArrayList<>();
        synchronized (this.monitor) {
            if (this.running) {
                return;
            }
            this.running = true;
            if (this.containers.isEmpty()) {
                return;
            }
            attach();
            for (DefaultLeapListenerContainer container : this.containers.values()) {
                if (container.isAutoStartup()) {
                    toStart.add(container);
                }
            }
        }
        toStart.forEach(DefaultLeapListenerContainer::start);
        subscribe(getChannels());
    }

    @Override
    public void stop() {
        LifecycleSupport.stopAndWait(this::stop);
    }

    @Override
    public void stop(Runnable callback) {
        List<DefaultLeapListenerContainer> toStop;
        synchronized (this.monitor) {
            if (!this.running) {
                callback.run();
                return;
            }
            this.running = false;
            toStop = new ArrayList<>(this.containers.values());
            cancelStateListener();
        }
        // A paused listener discards its buffer now; the others stop taking messages at once and deliver what they
        // buffered, in parallel, within one shared deadline. The channels stay subscribed (the client lifecycle,
        // stopped later, disconnects).
        List<Map.Entry<DefaultLeapListenerContainer, ListenerRegistration>> draining = new ArrayList<>();
        for (DefaultLeapListenerContainer container : toStop) {
            ListenerRegistration registration = container.beginStop();
            if (registration != null) {
                draining.add(Map.entry(container, registration));
            }
        }
        if (draining.isEmpty()) {
            callback.run();
            return;
        }
        LifecycleSupport.drainInParallel(
                "leap-listener-shutdown",
                draining,
                this.shutdownTimeout,
                (entry, deadline) -> entry.getKey().finishStop(entry.getValue(), deadline),
                (entry) -> {}, // finishStop logs it, with the number of discarded messages
                () -> {},
                callback);
    }

    private void cancelStateListener() {
        if (this.stateSubscription != null) {
            this.stateSubscription.close();
            this.stateSubscription = null;
        }
    }

    @Override
    public boolean isRunning() {
        return this.running;
    }

    @Override
    public int getPhase() {
        return this.phase;
    }

    @Override
    public void destroy() {
        synchronized (this.monitor) {
            this.running = false;
            cancelStateListener();
            this.containers.values().forEach(DefaultLeapListenerContainer::close);
        }
    }
}
