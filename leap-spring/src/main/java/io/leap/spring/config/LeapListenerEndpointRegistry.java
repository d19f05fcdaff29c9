package io.leap.spring.config;

import io.leap.client.ConnectionState;
import io.leap.client.ConnectionStateChange;
import io.leap.client.LeapClient;
import io.leap.client.LeapMessage;
import io.leap.client.LeapSubscriptionException;
import io.leap.client.ListenerOptions;
import io.leap.client.ListenerRegistration;
import io.leap.client.OverflowPolicy;
import io.leap.spring.annotation.LeapListener;
import io.leap.spring.internal.LifecycleSupport;
import io.leap.spring.listener.DefaultLeapListenerContainer;
import io.leap.spring.listener.LeapListenerContainer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
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
 * <p>One client message listener (buffered with {@link OverflowPolicy#BLOCK}) routes each message by channel (or to
 * the direct-message listeners) and event name into the matching listeners' own bounded buffers; each buffer is drained
 * by one task at a time, so every listener sees its messages in socket order and a slow or failing listener does not
 * delay the others (unless its policy is {@code BLOCK} and its buffer is full: then, as with the client's own
 * {@code BLOCK}, reading the socket waits).
 *
 * <p>The channels named by listeners (and by their {@code @SendTo}) are subscribed whenever the client becomes
 * connected, only those it does not already hold (token connections get theirs back in {@code INIT}); channels that
 * could not be subscribed (e.g. not created yet) are tried again every resubscribe interval while connected.
 */
public class LeapListenerEndpointRegistry implements SmartLifecycle, DisposableBean {

    private static final Log logger = LogFactory.getLog(LeapListenerEndpointRegistry.class);

    private static final DefaultLeapListenerContainer[] NONE = new DefaultLeapListenerContainer[0];

    private final Object monitor = new Object();

    private final Map<String, DefaultLeapListenerContainer> containers = new LinkedHashMap<>();

    private final Set<String> wantedChannels = new LinkedHashSet<>();

    private volatile Map<String, DefaultLeapListenerContainer[]> byChannel = Map.of();

    private volatile DefaultLeapListenerContainer[] direct = NONE;

    private final Set<String> subscribing = ConcurrentHashMap.newKeySet();

    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    private @Nullable LeapClient client;

    private Duration shutdownTimeout = Duration.ofSeconds(10);

    private Duration resubscribeInterval = Duration.ofSeconds(10);

    private int phase = LeapListenerEndpointRegistrar.DEFAULT_PHASE;

    private @Nullable Executor executor;

    private @Nullable ExecutorService ownedExecutor;

    private @Nullable ListenerRegistration messageSubscription;

    private @Nullable ListenerRegistration stateSubscription;

    private @Nullable ScheduledExecutorService scheduler;

    private @Nullable ScheduledFuture<?> resubscribeTask;

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

    /** @return the channels the registry keeps subscribed (listener channels and {@code @SendTo} channels) */
    public Set<String> getChannels() {
        synchronized (this.monitor) {
            return Collections.unmodifiableSet(new LinkedHashSet<>(this.wantedChannels));
        }
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
     * Prepare the registry: client, executor and timings. Called once by the annotation post-processor.
     */
    public void initialize(LeapClient client, LeapListenerEndpointRegistrar registrar) {
        synchronized (this.monitor) {
            this.client = client;
            this.shutdownTimeout = registrar.getShutdownTimeout();
            this.resubscribeInterval = registrar.getResubscribeInterval();
            this.phase = registrar.getPhase();
            Executor configured = registrar.getTaskExecutor();
            if (configured != null) {
                this.executor = configured;
            } else if (this.executor == null) {
                ThreadPoolExecutor pool = new ThreadPoolExecutor(
                        0,
                        Integer.MAX_VALUE,
                        60,
                        TimeUnit.SECONDS,
                        new SynchronousQueue<>(),
                        LifecycleSupport.daemonThreadFactory("leap-listener", true));
                this.ownedExecutor = pool;
                this.executor = pool;
            }
        }
    }

    /**
     * The executor the containers deliver on.
     * @throws IllegalStateException before {@link #initialize}
     */
    public Executor executor() {
        synchronized (this.monitor) {
            if (this.executor == null) {
                throw new IllegalStateException("Registry not initialized");
            }
            return this.executor;
        }
    }

    /**
     * The client the listeners receive from.
     * @throws IllegalStateException before {@link #initialize}
     */
    public LeapClient client() {
        LeapClient current = this.client;
        if (current == null) {
            throw new IllegalStateException("Registry not initialized");
        }
        return current;
    }

    /**
     * Add a container. Its channels (and the reply channels) become wanted subscriptions.
     */
    public void register(DefaultLeapListenerContainer container, Collection<String> replyChannels) {
        synchronized (this.monitor) {
            if (this.containers.containsKey(container.getId())) {
                throw new IllegalStateException("Another @LeapListener already has the id '" + container.getId() + "'");
            }
            this.containers.put(container.getId(), container);
            this.wantedChannels.addAll(container.getChannels());
            this.wantedChannels.addAll(replyChannels);
            Map<String, List<DefaultLeapListenerContainer>> index = new HashMap<>();
            List<DefaultLeapListenerContainer> directs = new ArrayList<>();
            for (DefaultLeapListenerContainer c : this.containers.values()) {
                for (String channel : c.getChannels()) {
                    index.computeIfAbsent(channel, (k) -> new ArrayList<>()).add(c);
                }
                if (c.isDirectMessages()) {
                    directs.add(c);
                }
            }
            Map<String, DefaultLeapListenerContainer[]> routes = new HashMap<>();
            index.forEach((channel, list) -> routes.put(channel, list.toArray(NONE)));
            this.byChannel = Map.copyOf(routes);
            this.direct = directs.toArray(NONE);
            this.registrationCallbacks.forEach((callback) -> callback.accept(container));
            if (this.running) {
                if (container.isAutoStartup()) {
                    container.start();
                }
                scheduleReconcile();
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
            if (this.messageSubscription == null || this.messageSubscription.isClosed()) {
                this.messageSubscription = this.client.addMessageListener(
                        this::dispatch,
                        ListenerOptions.defaults()
                                .withOverflowPolicy(OverflowPolicy.BLOCK)
                                .withName("leap-listener-dispatcher"));
            }
            if (this.stateSubscription == null || this.stateSubscription.isClosed()) {
                this.stateSubscription = this.client.addConnectionStateListener(this::onStateChange);
            }
        }
    }

    private void dispatch(LeapMessage message) {
        DefaultLeapListenerContainer[] targets =
                message.isDirect() ? this.direct : this.byChannel.get(message.channelId());
        if (targets == null) {
            return;
        }
        String event = message.event();
        for (DefaultLeapListenerContainer container : targets) {
            if (container.acceptsEvent(event)) {
                container.offer(message);
            }
        }
    }

    private void onStateChange(ConnectionStateChange change) {
        if (change.current() == ConnectionState.CONNECTED) {
            this.warned.clear();
            scheduleReconcile();
        }
    }

    private void scheduleReconcile() {
        ScheduledExecutorService current = this.scheduler;
        if (current != null && this.running) {
            try {
                current.execute(this::reconcile);
            } catch (RuntimeException ex) {
                // shutting down
            }
        }
    }

    /** Subscribe every wanted channel the client does not hold and is not subscribing already. */
    private void reconcile() {
        LeapClient current = this.client;
        if (!this.running || current == null || current.state() != ConnectionState.CONNECTED) {
            return;
        }
        Set<String> wanted;
        synchronized (this.monitor) {
            wanted = new LinkedHashSet<>(this.wantedChannels);
        }
        Set<String> held = current.channels();
        for (String channel : wanted) {
            if (held.contains(channel) || !this.subscribing.add(channel)) {
                continue;
            }
            try {
                current.subscribeAsync(channel).whenComplete((result, error) -> {
                    this.subscribing.remove(channel);
                    if (error == null) {
                        this.warned.remove(channel);
                        if (logger.isDebugEnabled()) {
                            logger.debug("Subscribed to Leap channel '" + channel + "' for @LeapListener methods");
                        }
                    } else {
                        subscribeFailed(channel, error);
                    }
                });
            } catch (RuntimeException ex) {
                this.subscribing.remove(channel);
                subscribeFailed(channel, ex);
            }
        }
    }

    private void subscribeFailed(String channel, Throwable error) {
        if (!this.running) {
            return;
        }
        Throwable cause = LifecycleSupport.unwrap(error);
        String detail = (cause instanceof LeapSubscriptionException refused)
                ? "refused (" + refused.errorCode() + ")"
                : cause.toString();
        String text = "Could not subscribe to Leap channel '" + channel + "' for @LeapListener methods: " + detail
                + "; trying again every " + this.resubscribeInterval.toMillis() + " ms while connected";
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
            if (this.containers.isEmpty()) {
                this.running = true;
                return;
            }
            attach();
            ScheduledThreadPoolExecutor newScheduler = new ScheduledThreadPoolExecutor(
                    1, LifecycleSupport.daemonThreadFactory("leap-listener-subscriber", false));
            newScheduler.setRemoveOnCancelPolicy(true);
            this.scheduler = newScheduler;
            long interval = this.resubscribeInterval.toNanos();
            this.running = true;
            this.resubscribeTask =
                    newScheduler.scheduleWithFixedDelay(this::reconcileSafely, 0, interval, TimeUnit.NANOSECONDS);
            for (DefaultLeapListenerContainer container : this.containers.values()) {
                if (container.isAutoStartup()) {
                    toStart.add(container);
                }
            }
        }
        toStart.forEach(DefaultLeapListenerContainer::start);
    }

    private void reconcileSafely() {
        try {
            reconcile();
        } catch (RuntimeException ex) {
            logger.warn("Could not check the subscriptions of @LeapListener channels", ex);
        }
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
            if (this.resubscribeTask != null) {
                this.resubscribeTask.cancel(false);
                this.resubscribeTask = null;
            }
            if (this.scheduler != null) {
                this.scheduler.shutdownNow();
                this.scheduler = null;
            }
            toStop = new ArrayList<>(this.containers.values());
        }
        // Stop taking messages first (this also releases a dispatcher blocked on a full buffer), then drain.
        toStop.forEach(DefaultLeapListenerContainer::stop);
        synchronized (this.monitor) {
            cancelClientListeners();
        }
        if (toStop.isEmpty()) {
            callback.run();
            return;
        }
        LifecycleSupport.drainInBackground(
                "leap-listener-shutdown",
                toStop,
                this.shutdownTimeout,
                DefaultLeapListenerContainer::awaitStopped,
                (container) -> logger.warn("Leap listener '" + container.getId()
                        + "' did not deliver its buffered messages within " + this.shutdownTimeout
                        + " (leap.listener.shutdown-timeout)"),
                () -> {},
                callback);
    }

    private void cancelClientListeners() {
        if (this.messageSubscription != null) {
            this.messageSubscription.close();
            this.messageSubscription = null;
        }
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
            if (this.scheduler != null) {
                this.scheduler.shutdownNow();
                this.scheduler = null;
            }
            cancelClientListeners();
            if (this.ownedExecutor != null) {
                this.ownedExecutor.shutdownNow();
                this.ownedExecutor = null;
            }
        }
    }
}
