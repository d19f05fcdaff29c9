package io.leap.spring.listener;

import io.leap.client.LeapMessage;
import io.leap.client.OverflowPolicy;
import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * A bounded buffer per listener, drained by at most one task at a time on the registry's executor, so the listener
 * sees its messages one at a time and in the order {@link #offer(LeapMessage)} was called.
 *
 * <p>Part of the {@code @LeapListener} infrastructure (public because the annotation post-processor and the registry
 * live in other packages); not meant for application code.
 */
public final class DefaultLeapListenerContainer implements LeapListenerContainer {

    private static final Log logger = LogFactory.getLog(DefaultLeapListenerContainer.class);

    /** Messages delivered by one drain task before it yields the executor thread to others. */
    private static final int BATCH = 256;

    private final String id;

    private final Set<String> channels;

    private final Set<String> events;

    private final boolean directMessages;

    private final int bufferSize;

    private final OverflowPolicy overflowPolicy;

    private final boolean autoStartup;

    private final LeapListenerInvoker invoker;

    private final Executor executor;

    private final ReentrantLock lock = new ReentrantLock();

    private final Condition notFull = this.lock.newCondition();

    private final Condition idle = this.lock.newCondition();

    private final ArrayDeque<LeapMessage> buffer;

    /** Messages are taken in (after start, or before the registry starts for auto-startup listeners). */
    private boolean accepting;

    /** Buffered messages are delivered (not stopped). */
    private boolean delivering;

    private boolean paused;

    /** A drain task is submitted or running. */
    private boolean scheduled;

    private boolean inFlight;

    private final LongAdder received = new LongAdder();

    private final LongAdder processed = new LongAdder();

    private final LongAdder failed = new LongAdder();

    private final LongAdder dropped = new LongAdder();

    private final Runnable countFailure = this.failed::increment;

    /**
     * Create a container; it delivers to {@code invoker} on {@code executor}.
     */
    public DefaultLeapListenerContainer(
            String id,
            Set<String> channels,
            Set<String> events,
            boolean directMessages,
            int bufferSize,
            OverflowPolicy overflowPolicy,
            boolean autoStartup,
            LeapListenerInvoker invoker,
            Executor executor) {
        this.id = id;
        this.channels = Set.copyOf(channels);
        this.events = Set.copyOf(events);
        this.directMessages = directMessages;
        this.bufferSize = bufferSize;
        this.overflowPolicy = overflowPolicy;
        this.autoStartup = autoStartup;
        this.invoker = invoker;
        this.executor = executor;
        this.buffer = new ArrayDeque<>(Math.min(bufferSize, 1024));
        // Auto-startup listeners buffer from the start, so that nothing received before the registry starts is lost.
        this.accepting = autoStartup;
    }

    /**
     * Whether the registry starts this container when it starts.
     */
    public boolean isAutoStartup() {
        return this.autoStartup;
    }

    /**
     * Whether messages of this event name are delivered to this container.
     */
    public boolean acceptsEvent(String event) {
        return this.events.isEmpty() || this.events.contains(event);
    }

    /**
     * Take a message. Called by the registry's dispatcher, in socket order. May block with {@link OverflowPolicy#BLOCK}
     * while the buffer is full (never while paused or stopped).
     */
    public void offer(LeapMessage message) {
        boolean submit = false;
        this.lock.lock();
        try {
            if (!this.accepting) {
                return;
            }
            this.received.increment();
            while (this.buffer.size() >= this.bufferSize) {
                if (this.overflowPolicy == OverflowPolicy.DROP_OLDEST) {
                    this.buffer.pollFirst();
                    this.dropped.increment();
                    break;
                }
                // BLOCK waits for room (also before the registry started); a paused listener never blocks.
                if (this.overflowPolicy == OverflowPolicy.DROP_NEWEST
                        || this.paused
                        || !awaitNotFull()
                        || !this.accepting) {
                    this.dropped.increment();
                    return;
                }
            }
            this.buffer.addLast(message);
            submit = scheduleIfNeeded();
        } finally {
            this.lock.unlock();
        }
        if (submit) {
            submit();
        }
    }

    /** Must hold the lock. @return {@code false} if interrupted (the interrupt flag is restored) */
    private boolean awaitNotFull() {
        try {
            this.notFull.await(100, TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Must hold the lock. */
    private boolean scheduleIfNeeded() {
        if (!this.scheduled && this.delivering && !this.paused && !this.buffer.isEmpty()) {
            this.scheduled = true;
            return true;
        }
        return false;
    }

    private void submit() {
        try {
            this.executor.execute(this::drain);
        } catch (RejectedExecutionException ex) {
            this.lock.lock();
            try {
                this.scheduled = false;
                this.idle.signalAll();
            } finally {
                this.lock.unlock();
            }
            logger.error(
                    "Executor rejected the delivery task of Leap listener '" + this.id
                            + "'; buffered messages wait until the next message or start/resume",
                    ex);
        }
    }

    private void drain() {
        boolean completed = false;
        boolean resubmit = false;
        try {
            for (int i = 0; i < BATCH; i++) {
                LeapMessage message;
                this.lock.lock();
                try {
                    if (!this.delivering || this.paused || this.buffer.isEmpty()) {
                        this.scheduled = false;
                        this.idle.signalAll();
                        completed = true;
                        return;
                    }
                    message = this.buffer.pollFirst();
                    this.inFlight = true;
                    this.notFull.signal();
                } finally {
                    this.lock.unlock();
                }
                try {
                    if (this.invoker.invoke(message, this.countFailure)) {
                        this.processed.increment();
                    }
                } finally {
                    this.lock.lock();
                    try {
                        this.inFlight = false;
                        this.idle.signalAll();
                    } finally {
                        this.lock.unlock();
                    }
                }
            }
            completed = true;
            resubmit = true;
        } finally {
            if (resubmit) {
                // Yield the thread to other listeners sharing the executor; order is kept (still scheduled).
                submit();
            } else if (!completed) {
                // The listener threw an Error: the next offer, start or resume schedules delivery again.
                this.lock.lock();
                try {
                    this.scheduled = false;
                    this.idle.signalAll();
                } finally {
                    this.lock.unlock();
                }
            }
        }
    }

    @Override
    public void start() {
        boolean submit;
        this.lock.lock();
        try {
            this.accepting = true;
            this.delivering = true;
            submit = scheduleIfNeeded();
            this.notFull.signalAll();
        } finally {
            this.lock.unlock();
        }
        if (submit) {
            submit();
        }
    }

    @Override
    public void stop() {
        this.lock.lock();
        try {
            this.accepting = false;
            this.notFull.signalAll();
            if (this.paused || !this.delivering) {
                discardBuffered();
                this.delivering = false;
            }
        } finally {
            this.lock.unlock();
        }
    }

    /**
     * Wait until the buffered messages were delivered after {@link #stop()}, then stop delivering; discard what is left
     * at the deadline.
     * @param deadlineNanos {@link System#nanoTime()} deadline
     * @return whether everything was delivered in time
     */
    public boolean awaitStopped(long deadlineNanos) throws InterruptedException {
        this.lock.lock();
        try {
            while ((!this.buffer.isEmpty() && this.delivering && !this.paused) || this.inFlight) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                this.idle.awaitNanos(left);
            }
            boolean done = this.buffer.isEmpty() && !this.inFlight;
            if (!this.accepting) {
                discardBuffered();
                this.delivering = false;
            }
            return done;
        } finally {
            this.lock.unlock();
        }
    }

    /** Must hold the lock. */
    private void discardBuffered() {
        int discarded = this.buffer.size();
        if (discarded > 0) {
            this.buffer.clear();
            this.dropped.add(discarded);
            logger.warn("Leap listener '" + this.id + "' stopped with " + discarded
                    + " undelivered buffered message(s); discarded");
        }
    }

    @Override
    public void pause() {
        this.lock.lock();
        try {
            this.paused = true;
            this.notFull.signalAll();
        } finally {
            this.lock.unlock();
        }
    }

    @Override
    public void resume() {
        boolean submit;
        this.lock.lock();
        try {
            this.paused = false;
            submit = scheduleIfNeeded();
        } finally {
            this.lock.unlock();
        }
        if (submit) {
            submit();
        }
    }

    @Override
    public boolean isRunning() {
        this.lock.lock();
        try {
            return this.accepting && this.delivering;
        } finally {
            this.lock.unlock();
        }
    }

    @Override
    public boolean isPaused() {
        this.lock.lock();
        try {
            return this.paused;
        } finally {
            this.lock.unlock();
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
        int buffered;
        this.lock.lock();
        try {
            buffered = this.buffer.size();
        } finally {
            this.lock.unlock();
        }
        return new LeapListenerStats(
                this.received.sum(), this.processed.sum(), this.failed.sum(), this.dropped.sum(), buffered);
    }

    @Override
    public String toString() {
        return "LeapListenerContainer[id=" + this.id + ", channels=" + this.channels + ", events=" + this.events
                + ", directMessages=" + this.directMessages + "]";
    }
}
