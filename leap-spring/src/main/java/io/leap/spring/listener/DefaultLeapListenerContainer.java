package io.leap.spring.listener;

import io.leap.client.LeapClient;
import io.leap.client.LeapMessage;
import io.leap.client.ListenerOptions;
import io.leap.client.ListenerRegistration;
import io.leap.client.ListenerStats;
import io.leap.client.OverflowPolicy;
import io.leap.spring.internal.LifecycleSupport;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * One client {@link ListenerRegistration} per listener: the client filters by channel and event, buffers (with the
 * listener's buffer size and overflow policy) and delivers one message at a time, in socket order, on its delivery
 * executor straight into the listener method. Start creates the registration (or resumes the one prepared before the
 * client connected), pause and resume map to the registration's, stop drains it.
 *
 * <p>Part of the {@code @LeapListener} infrastructure (public because the annotation post-processor and the registry
 * live in other packages); not meant for application code.
 */
public final class DefaultLeapListenerContainer implements LeapListenerContainer {

    private static final Log logger = LogFactory.getLog(DefaultLeapListenerContainer.class);

    private final String id;

    private final Set<String> channels;

    private final Set<String> events;

    private final boolean directMessages;

    private final int bufferSize;

    private final OverflowPolicy overflowPolicy;

    private final boolean autoStartup;

    private final LeapListenerInvoker invoker;

    private final Supplier<LeapClient> client;

    private final Duration stopTimeout;

    private final Object monitor = new Object();

    /** The current registration; {@code null} while stopped and not prepared. */
    private @Nullable ListenerRegistration registration;

    /** A registration being drained after {@link #beginStop()} (counted in the stats until it is done). */
    private @Nullable ListenerRegistration draining;

    /** {@link #start()} was called (and no {@link #stop()} since). */
    private boolean started;

    /** Paused by the user (a prepared, not started registration is paused too, without this flag). */
    private boolean paused;

    /** Counters of registrations that were stopped. */
    private long pastDelivered;

    private long pastDropped;

    /** Messages the client delivered that this listener does not take (see {@link #accepts(LeapMessage)}). */
    private final LongAdder skipped = new LongAdder();

    private final LongAdder processed = new LongAdder();

    private final LongAdder failed = new LongAdder();

    private final Runnable countFailure = this.failed::increment;

    public DefaultLeapListenerContainer(
            String id,
            Set<String> channels,
            Set<String> events,
            boolean directMessages,
            int bufferSize,
            OverflowPolicy overflowPolicy,
            boolean autoStartup,
            LeapListenerInvoker invoker,
            Supplier<LeapClient> client,
            Duration stopTimeout) {
        this.id = id;
        this.channels = Set.copyOf(channels);
        this.events = Set.copyOf(events);
        this.directMessages = directMessages;
        this.bufferSize = bufferSize;
        this.overflowPolicy = overflowPolicy;
        this.autoStartup = autoStartup;
        this.invoker = invoker;
        this.client = client;
        this.stopTimeout = stopTimeout;
    }

    public boolean isAutoStartup() {
        return this.autoStartup;
    }

    /**
     * The client's filters. A channel filter lets no direct message through, so a listener that also (or only) takes
     * direct messages filters channels itself, in {@link #accepts(LeapMessage)}, on the delivery thread.
     */
    public ListenerOptions options() {
        ListenerOptions options = ListenerOptions.defaults()
                .withName("leap-listener-" + this.id)
                .withBufferSize(this.bufferSize)
                .withOverflowPolicy(this.overflowPolicy);
        if (!this.directMessages) {
            options = options.withChannels(this.channels);
        }
        if (!this.events.isEmpty()) {
            options = options.withEvents(this.events);
        }
        return options;
    }

    private boolean accepts(LeapMessage message) {
        if (!this.directMessages) {
            return true;
        }
        return message.isDirect() || (message.channelId() != null && this.channels.contains(message.channelId()));
    }

    private void deliver(LeapMessage message) {
        if (!accepts(message)) {
            this.skipped.increment();
            return;
        }
        if (this.invoker.invoke(message, this.countFailure)) {
            this.processed.increment();
        }
    }

    /**
     * Register with the client before it connects, paused, so that an auto-startup listener buffers from the first
     * message even before the registry starts. Idempotent.
     */
    public void prepare() {
        synchronized (this.monitor) {
            if (this.registration == null || this.registration.isClosed()) {
                ListenerRegistration created = this.client.get().addMessageListener(this::deliver, options());
                if (!this.started || this.paused) {
                    created.pause();
                }
                this.registration = created;
            }
        }
    }

    @Override
    public void start() {
        synchronized (this.monitor) {
            if (this.started && this.registration != null && !this.registration.isClosed()) {
                return;
            }
            this.started = true;
            if (this.registration == null || this.registration.isClosed()) {
                retire();
                ListenerRegistration created = this.client.get().addMessageListener(this::deliver, options());
                if (this.paused) {
                    created.pause();
                }
                this.registration = created;
            } else if (!this.paused) {
                this.registration.resume();
            }
        }
    }

    /** Must hold the monitor: keep the counters of a registration that ended. */
    private void retire() {
        ListenerRegistration old = this.registration;
        if (old != null) {
            ListenerStats stats = old.stats();
            this.pastDelivered += stats.delivered();
            this.pastDropped += stats.dropped();
            this.registration = null;
        }
    }

    @Override
    public void stop() {
        ListenerRegistration toDrain = beginStop();
        if (toDrain != null) {
            LifecycleSupport.startDaemon("leap-listener-stop-" + this.id, () -> {
                try {
                    finishStop(toDrain, System.nanoTime() + this.stopTimeout.toNanos());
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            });
        }
    }

    /**
     * Stop: a paused listener discards its buffer at once, a running one is returned to be drained.
     * @return the registration to drain with {@link #finishStop}, or {@code null}
     */
    @Nullable
    public ListenerRegistration beginStop() {
        synchronized (this.monitor) {
            this.started = false;
            ListenerRegistration current = this.registration;
            if (current == null || current.isClosed()) {
                return null;
            }
            if (this.paused || current.isPaused()) {
                int discarded = current.stats().queued();
                current.close();
                retire();
                this.pastDropped += discarded;
                if (discarded > 0) {
                    logger.warn("Leap listener '" + this.id + "' stopped with " + discarded
                            + " undelivered buffered message(s); discarded");
                }
                return null;
            }
            // Detached now, so that start() makes a new registration while this one drains.
            this.registration = null;
            this.draining = current;
            return current;
        }
    }

    /**
     * Deliver what the registration buffered (it takes no new message from now on) until the deadline, then remove it.
     * @param toDrain the registration {@link #beginStop()} returned
     * @param deadlineNanos {@link System#nanoTime()} deadline
     * @return whether everything was delivered in time
     */
    public boolean finishStop(ListenerRegistration toDrain, long deadlineNanos) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        long left = Math.max(0, deadlineNanos - System.nanoTime());
        ListenerStats before = toDrain.stats();
        boolean done = toDrain.drain(Duration.ofNanos(Math.max(left, TimeUnit.MILLISECONDS.toNanos(1))));
        synchronized (this.monitor) {
            ListenerStats after = toDrain.stats();
            this.pastDelivered += after.delivered();
            this.pastDropped += after.dropped();
            if (this.draining == toDrain) {
                this.draining = null;
            }
            if (!done) {
                // Drained registrations take nothing new: what was queued and not delivered was discarded.
                long discarded = Math.max(0, before.queued() - (after.delivered() - before.delivered()));
                this.pastDropped += discarded;
                logger.warn("Leap listener '" + this.id + "' did not deliver its buffered messages within "
                        + this.stopTimeout + " (leap.listener.shutdown-timeout); " + discarded
                        + " undelivered buffered message(s) discarded");
            }
        }
        return done;
    }

    @Override
    public void pause() {
        synchronized (this.monitor) {
            this.paused = true;
            if (this.registration != null) {
                this.registration.pause();
            }
        }
    }

    @Override
    public void resume() {
        synchronized (this.monitor) {
            this.paused = false;
            if (this.registration != null && this.started) {
                this.registration.resume();
            }
        }
    }

    /** Remove the registration at once (the registry is destroyed). */
    public void close() {
        synchronized (this.monitor) {
            this.started = false;
            if (this.registration != null) {
                this.registration.close();
                retire();
            }
        }
    }

    @Override
    public boolean isRunning() {
        synchronized (this.monitor) {
            return this.started && this.registration != null && !this.registration.isClosed();
        }
    }

    @Override
    public boolean isPaused() {
        synchronized (this.monitor) {
            return this.paused;
        }
    }

    @Override
    public String getId() {
        return this.id;
    }

    @Override
    public Set<String> getChannels() {
        return this.channels;
    }

    @Override
    public Set<String> getEvents() {
        return this.events;
    }

    @Override
    public boolean isDirectMessages() {
        return this.directMessages;
    }

    @Override
    public int getBufferSize() {
        return this.bufferSize;
    }

    @Override
    public OverflowPolicy getOverflowPolicy() {
        return this.overflowPolicy;
    }

    @Override
    public LeapListenerStats getStats() {
        long delivered;
        long dropped;
        int queued = 0;
        synchronized (this.monitor) {
            delivered = this.pastDelivered;
            dropped = this.pastDropped;
            for (ListenerRegistration current : new ListenerRegistration[] {this.registration, this.draining}) {
                if (current != null) {
                    ListenerStats stats = current.stats();
                    delivered += stats.delivered();
                    dropped += stats.dropped();
                    queued += stats.queued();
                }
            }
        }
        long received = Math.max(0, delivered - this.skipped.sum()) + dropped + queued;
        return new LeapListenerStats(received, this.processed.sum(), this.failed.sum(), dropped, queued);
    }

    @Override
    public String toString() {
        return "LeapListenerContainer[id=" + this.id + ", channels=" + this.channels + ", events=" + this.events
                + ", directMessages=" + this.directMessages + "]";
    }
}
