package io.leap.spring.event;

import io.leap.client.ChannelEvent;
import io.leap.client.ConnectionStateChange;
import io.leap.client.LeapClient;
import io.leap.client.LeapMessage;
import io.leap.client.ListenerOptions;
import io.leap.client.ListenerRegistration;
import io.leap.spring.internal.LifecycleSupport;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import tools.jackson.databind.json.JsonMapper;

/**
 * Publishes every Leap message ({@link LeapMessageEvent}), channel event ({@link LeapChannelEvent}) and connection
 * state change ({@link LeapConnectionStateChangedEvent}) as a Spring application event.
 *
 * <p>The bridge registers its client listeners when it is created, before the client connects, so no event is missed.
 * Events are published on the client's delivery threads, each kind in socket order; use {@code @Async} listeners for
 * slow work. An exception thrown by an {@code @EventListener} is counted and logged by the client and does not stop
 * delivery of later events.
 *
 * <p>On shutdown ({@link #stop(Runnable)}, at a phase above the web server's, by default
 * {@code Integer.MAX_VALUE - 100}) the bridge stops taking new events, delivers the events that the client had already
 * taken off the socket and buffered for it, waits at most the shutdown timeout for that, then removes its listeners and
 * runs the callback.
 */
public class LeapApplicationEventBridge implements SmartLifecycle {

    private static final Log logger = LogFactory.getLog(LeapApplicationEventBridge.class);

    private final LeapClient client;

    private final ApplicationEventPublisher publisher;

    private final JsonMapper jsonMapper;

    private final ListenerOptions options;

    private final int phase;

    private final Duration shutdownTimeout;

    private final Object monitor = new Object();

    private Channel<LeapMessage> messages;

    private Channel<ChannelEvent> channelEvents;

    private Channel<ConnectionStateChange> stateChanges;

    private volatile boolean running;

    private volatile Predicate<ConnectionStateChange> willReconnect = ConnectionStateChange::willReconnect;

    /**
     * Create a bridge and register its listeners with the client.
     * @param client the client
     * @param publisher where to publish the events (the application context)
     * @param jsonMapper the mapper {@link LeapMessageEvent#getData(Class)} uses
     * @param options buffer size and overflow policy of the bridge's client listeners
     * @param phase the lifecycle phase
     * @param shutdownTimeout how long {@link #stop(Runnable)} may take to deliver buffered events
     */
    public LeapApplicationEventBridge(
            LeapClient client,
            ApplicationEventPublisher publisher,
            JsonMapper jsonMapper,
            ListenerOptions options,
            int phase,
            Duration shutdownTimeout) {
        this.client = Objects.requireNonNull(client, "client");
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.jsonMapper = Objects.requireNonNull(jsonMapper, "jsonMapper");
        this.options = Objects.requireNonNull(options, "options");
        this.phase = phase;
        this.shutdownTimeout = Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
        register();
    }

    /**
     * Set what {@link LeapConnectionStateChangedEvent#isWillReconnect()} reports; by default the client's own
     * {@link ConnectionStateChange#willReconnect()}. The auto-configuration uses
     * {@code LeapClientLifecycle::willReconnect}, as the health indicator does, so that both agree.
     * @param willReconnect whether another connection attempt follows a change
     */
    public void setWillReconnect(Predicate<ConnectionStateChange> willReconnect) {
        this.willReconnect = Objects.requireNonNull(willReconnect, "willReconnect");
    }

    private void register() {
        synchronized (this.monitor) {
            if (this.messages != null) {
                return;
            }
            this.messages = new Channel<>(
                    "messages",
                    (message) ->
                            this.publisher.publishEvent(new LeapMessageEvent(this.client, message, this.jsonMapper)));
            this.channelEvents = new Channel<>(
                    "channel events",
                    (event) -> this.publisher.publishEvent(new LeapChannelEvent<>(this.client, event)));
            this.stateChanges = new Channel<>(
                    "connection state changes",
                    (change) -> this.publisher.publishEvent(
                            new LeapConnectionStateChangedEvent(this.client, change, this.willReconnect.test(change))));
            this.messages.subscription = this.client.addMessageListener(
                    this.messages::deliver, this.options.withName("leap-application-events"));
            this.channelEvents.subscription = this.client.addChannelEventListener(
                    this.channelEvents::deliver, this.options.withName("leap-application-channel-events"));
            this.stateChanges.subscription = this.client.addConnectionStateListener(this.stateChanges::deliver);
        }
    }

    @Override
    public void start() {
        register();
        this.running = true;
    }

    @Override
    public void stop() {
        LifecycleSupport.stopAndWait(this::stop);
    }

    @Override
    public void stop(Runnable callback) {
        List<Channel<?>> channels;
        synchronized (this.monitor) {
            this.running = false;
            if (this.messages == null) {
                callback.run();
                return;
            }
            channels = List.of(this.messages, this.channelEvents, this.stateChanges);
            this.messages = null;
            this.channelEvents = null;
            this.stateChanges = null;
        }
        for (Channel<?> channel : channels) {
            channel.beginDrain();
        }
        LifecycleSupport.drainInBackground(
                "leap-events-shutdown",
                channels,
                this.shutdownTimeout,
                Channel::awaitDrained,
                (channel) -> logger.warn("Not every Leap " + channel.name + " received before shutdown was delivered "
                        + "within " + this.shutdownTimeout + " (leap.events.shutdown-timeout)"),
                () -> channels.forEach(Channel::cancel),
                callback);
    }

    @Override
    public boolean isRunning() {
        return this.running;
    }

    @Override
    public int getPhase() {
        return this.phase;
    }

    /**
     * One client listener of the bridge. While draining, only the events that were buffered when the drain began are
     * delivered; anything received later is discarded.
     */
    private static final class Channel<T> {

        private final String name;

        private final Consumer<T> publisher;

        private volatile ListenerRegistration subscription;

        private final AtomicLong remaining = new AtomicLong(-1);

        private final Object lock = new Object();

        private int inProgress;

        private boolean draining;

        Channel(String name, Consumer<T> publisher) {
            this.name = name;
            this.publisher = publisher;
        }

        void deliver(T event) {
            synchronized (this.lock) {
                if (this.draining) {
                    if (this.remaining.get() <= 0) {
                        return;
                    }
                    this.remaining.decrementAndGet();
                }
                this.inProgress++;
            }
            try {
                this.publisher.accept(event);
            } finally {
                synchronized (this.lock) {
                    this.inProgress--;
                    this.lock.notifyAll();
                }
            }
        }

        void beginDrain() {
            ListenerRegistration current = this.subscription;
            synchronized (this.lock) {
                this.remaining.set((current != null) ? current.stats().queued() : 0);
                this.draining = true;
            }
        }

        boolean awaitDrained(long deadlineNanos) throws InterruptedException {
            synchronized (this.lock) {
                while (this.inProgress > 0 || this.remaining.get() > 0) {
                    ListenerRegistration current = this.subscription;
                    if (current == null || current.isClosed()) {
                        return this.inProgress == 0;
                    }
                    long left = deadlineNanos - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    // Wake up regularly: the client may discard buffered events (e.g. when it is closed).
                    this.lock.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 50)));
                }
                return true;
            }
        }

        void cancel() {
            ListenerRegistration current = this.subscription;
            if (current != null) {
                current.close();
            }
        }
    }
}
