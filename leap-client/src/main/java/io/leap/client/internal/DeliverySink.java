package io.leap.client.internal;

import io.leap.client.ListenerRegistration;
import io.leap.client.ListenerStats;
import io.leap.client.OverflowPolicy;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * One consumer's bounded buffer, drained in order on an executor, one item at a time (a "serial executor" per
 * consumer). The producer (the socket-reading thread) never runs consumer code. With {@link OverflowPolicy#BLOCK}, a
 * full buffer accepts the item and returns a future that completes when there is room again; the producer stops
 * reading until then. Also implements demand for {@link java.util.concurrent.Flow} subscribers.
 *
 * <p>Hand-off cost: the drain task runs until the buffer is empty, so a burst costs one wake-up, not one per item. With
 * a dedicated thread per sink ({@code idleParkNanos > 0}, the client's own delivery threads) the task then parks
 * instead of giving its thread back, and a producer wakes it only if it is parked ({@link LockSupport#unpark}: no
 * executor queue, no allocation); after {@code idleParkNanos} without work it releases the thread. On a shared
 * executor ({@code idleParkNanos == 0}) the task gives its thread back when the buffer is empty and yields it every
 * {@value #BATCH} items, so other sinks get their turn. The drain task never busy-waits: an idle sink costs no CPU, and
 * the cores stay free for the reading thread and the application (measured in {@code docs/PERFORMANCE.md}).
 *
 * <p>A sink may be {@code inline}: an item offered while nothing is buffered and the sink is not paused is handed to
 * the consumer on the producer's thread. A filter, if any, is applied before the item is buffered.
 *
 * @param <T> the item type
 */
class DeliverySink<T> implements Runnable, ListenerRegistration {

    /** Callbacks of a sink: the consumer plus error/drop accounting. */
    interface Hooks {
        void onConsumerError(DeliverySink<?> sink, Throwable error);

        void onDropped(DeliverySink<?> sink, long count);

        void onCancelled(DeliverySink<?> sink);
    }

    private static final int BATCH = 512;

    final String name;
    private final int capacity;
    private final OverflowPolicy policy;
    private final Executor executor;
    private final Consumer<? super T> consumer;
    private final Hooks hooks;
    private final boolean unboundedDemand;
    private final long idleParkNanos;
    private final Predicate<? super T> filter;
    private final boolean inline;

    private final Object lock = new Object();
    private final ArrayDeque<T> queue;
    private CompletableFuture<Void> room;
    private boolean scheduled;
    /** The drain thread while it is parked waiting for work; the producer that clears it must unpark it. */
    private Thread waiter;

    private long demand;
    private boolean cancelled;
    private boolean completing;
    private boolean completed;
    private volatile int size;
    private volatile long dropped;
    /** Written only by the thread delivering (one at a time). */
    private volatile long delivered;

    private boolean paused;
    /** drain() was called: no new items; the sink cancels itself once the buffer is empty. */
    private volatile boolean draining;
    /** An item was taken from the buffer and its consumer has not returned yet. */
    private volatile boolean inFlight;
    /** The thread running the consumer now (the drain task or the inline producer), for drain() from the listener. */
    private volatile Thread runner;
    /**
     * @param idleParkNanos how long the drain task waits (parked) for more work before giving its thread back; 0 for
     *                      executors shared with other work, where it must not hold a thread while idle
     */
    DeliverySink(
            String name,
            int capacity,
            OverflowPolicy policy,
            Executor executor,
            long idleParkNanos,
            Consumer<? super T> consumer,
            Hooks hooks,
            boolean unboundedDemand) {
        this(name, capacity, policy, executor, idleParkNanos, consumer, hooks, unboundedDemand, null, false);
    }

    /**
     * @param filter items it rejects are ignored ({@code null}: all pass)
     * @param inline deliver on the producer's thread when nothing is buffered
     */
    DeliverySink(
            String name,
            int capacity,
            OverflowPolicy policy,
            Executor executor,
            long idleParkNanos,
            Consumer<? super T> consumer,
            Hooks hooks,
            boolean unboundedDemand,
            Predicate<? super T> filter,
            boolean inline) {
        this.filter = filter;
        this.inline = inline && unboundedDemand;
        this.name = name;
        this.capacity = capacity;
        this.policy = policy;
        this.executor = executor;
        this.consumer = consumer;
        this.hooks = hooks;
        this.queue = new ArrayDeque<>(Math.min(capacity, 256));
        this.unboundedDemand = unboundedDemand;
        this.idleParkNanos = idleParkNanos;
        this.demand = unboundedDemand ? Long.MAX_VALUE : 0;
    }

    /**
     * Adds an item (or, inline with nothing buffered, delivers it on the calling thread).
     *
     * @return {@code null}, or (BLOCK policy, buffer full) a future completing when there is room again
     */
    final CompletableFuture<Void> offer(T item) {
        if (filter != null && !filter.test(item)) {
            return null;
        }
        CompletableFuture<Void> wait = null;
        long drops = 0;
        boolean schedule;
        boolean direct = false;
        Thread wake;
        synchronized (lock) {
            if (cancelled || completing || draining) {
                return null;
            }
            if (inline && !paused && !scheduled && queue.isEmpty()) {
                inFlight = true;
                direct = true;
                schedule = false;
                wake = null;
            } else {
                if (queue.size() >= capacity) {
                    switch (policy) {
                        case DROP_NEWEST -> {
                            dropped++;
                            drops = 1;
                        }
                        case DROP_OLDEST -> {
                            queue.poll();
                            queue.add(item);
                            dropped++;
                            drops = 1;
                        }
                        case BLOCK -> {
                            queue.add(item);
                            if (room == null) {
                                room = new CompletableFuture<>();
                            }
                            wait = room;
                        }
                    }
                } else {
                    queue.add(item);
                }
                size = queue.size();
                schedule = !scheduled && demand > 0 && !paused;
                if (schedule) {
                    scheduled = true;
                }
                wake = takeWaiter();
            }
        }
        if (wake != null) {
            LockSupport.unpark(wake);
        }
        if (drops > 0) {
            hooks.onDropped(this, drops);
        }
        if (schedule) {
            submit();
        }
        if (direct) {
            deliverInline(item);
        }
        return wait;
    }

    private void deliverInline(T item) {
        Thread previous = runner;
        runner = Thread.currentThread();
        try {
            deliver(item);
        } finally {
            runner = previous;
            inFlight = false;
            if (draining) {
                synchronized (lock) {
                    lock.notifyAll();
                }
            }
        }
    }

    private void deliver(T item) {
        delivered++;
        try {
            consumer.accept(item);
        } catch (Throwable e) {
            hooks.onConsumerError(this, e);
        }
    }

    private void submit() {
        try {
            executor.execute(this);
        } catch (RejectedExecutionException e) {
            synchronized (lock) {
                scheduled = false;
            }
        }
    }

    /** Caller holds the lock. @return the parked drain thread to unpark, if any */
    private Thread takeWaiter() {
        Thread w = waiter;
        waiter = null;
        return w;
    }

    /** Caller holds the lock. @return whether the drain task has something to do (deliver, complete or stop) */
    private boolean mustRun() {
        return cancelled || completing || (!queue.isEmpty() && demand > 0 && !paused) || (draining && queue.isEmpty());
    }

    /** Drains the buffer; runs on the executor, never concurrently with itself. */
    @Override
    public final void run() {
        runner = Thread.currentThread();
        try {
            drainLoop();
        } finally {
            runner = null;
        }
    }

    private void drainLoop() {
        int delivered = 0;
        while (true) {
            T item = null;
            CompletableFuture<Void> freed = null;
            boolean signalComplete = false;
            boolean drained = false;
            synchronized (lock) {
                if (completing && !completed && queue.isEmpty()) {
                    completed = true;
                    scheduled = false;
                    signalComplete = true;
                } else if (cancelled || completed) {
                    scheduled = false;
                    return;
                } else if (!queue.isEmpty() && demand > 0 && !paused) {
                    item = queue.poll();
                    size = queue.size();
                    inFlight = true;
                    if (demand != Long.MAX_VALUE) {
                        demand--;
                    }
                    if (room != null && queue.size() <= capacity / 2) {
                        freed = room;
                        room = null;
                    }
                } else if (draining && queue.isEmpty()) {
                    scheduled = false;
                    drained = true;
                }
            }
            if (drained) {
                cancel();
                return;
            }
            if (signalComplete) {
                safeComplete();
                return;
            }
            if (item == null) {
                if (idle()) {
                    continue;
                }
                return;
            }
            if (freed != null) {
                freed.complete(null);
            }
            deliver(item);
            inFlight = false;
            if (draining) {
                synchronized (lock) {
                    lock.notifyAll();
                }
            }
            if (idleParkNanos == 0 && ++delivered >= BATCH) {
                // Let other sinks sharing a bounded executor run; "scheduled" stays true.
                try {
                    executor.execute(this);
                } catch (RejectedExecutionException e) {
                    synchronized (lock) {
                        scheduled = false;
                    }
                }
                return;
            }
        }
    }

    /**
     * Nothing to deliver right now: wait for work (parked, on a dedicated thread) or give the thread back.
     *
     * @return {@code true} to look again, {@code false} if the task has ended ("scheduled" is then false)
     */
    private boolean idle() {
        if (idleParkNanos > 0) {
            long deadline = System.nanoTime() + idleParkNanos;
            while (true) {
                long left = deadline - System.nanoTime();
                synchronized (lock) {
                    if (mustRun()) {
                        waiter = null;
                        return true;
                    }
                    if (left <= 0) {
                        waiter = null;
                        scheduled = false;
                        return false;
                    }
                    waiter = Thread.currentThread();
                }
                LockSupport.parkNanos(this, left);
                boolean interrupted = Thread.interrupted();
                synchronized (lock) {
                    if (waiter == null) {
                        return true; // a producer took us off the wait list and unparked us
                    }
                    if (interrupted) {
                        // Our pool is shutting down: leave unless there is still work (then a later run ends).
                        waiter = null;
                        if (mustRun()) {
                            return true;
                        }
                        scheduled = false;
                        return false;
                    }
                }
            }
        }
        synchronized (lock) {
            if (mustRun()) {
                return true;
            }
            scheduled = false;
            return false;
        }
    }

    /** Called when the stream ends for good (client closed). Subclasses signal their subscriber. */
    void onComplete() {}

    private void safeComplete() {
        try {
            onComplete();
        } catch (Throwable e) {
            hooks.onConsumerError(this, e);
        }
    }

    /** Adds demand (Flow {@code request(n)}). */
    public void request(long n) {
        boolean schedule;
        Thread wake;
        synchronized (lock) {
            if (cancelled) {
                return;
            }
            long d = demand + n;
            demand = d < 0 ? Long.MAX_VALUE : d;
            schedule = !scheduled && (!queue.isEmpty() || (completing && !completed));
            if (schedule) {
                scheduled = true;
            }
            wake = takeWaiter();
        }
        if (wake != null) {
            LockSupport.unpark(wake);
        }
        if (schedule) {
            submit();
        }
    }

    /**
     * Ends the stream: optionally discards buffered items, frees a blocked producer and schedules
     * {@link #onComplete()} (after the remaining items if they are kept).
     *
     * @param discard {@code true} to drop buffered items
     */
    final void complete(boolean discard) {
        CompletableFuture<Void> freed;
        boolean schedule;
        Thread wake;
        synchronized (lock) {
            if (cancelled || completing) {
                return;
            }
            completing = true;
            if (discard) {
                queue.clear();
                size = 0;
            }
            freed = room;
            room = null;
            schedule = !scheduled;
            if (schedule) {
                scheduled = true;
            }
            wake = takeWaiter();
        }
        if (wake != null) {
            LockSupport.unpark(wake);
        }
        if (freed != null) {
            freed.complete(null);
        }
        if (schedule) {
            submit();
        }
    }

    /** Removes the consumer; buffered items are discarded. */
    public final void cancel() {
        CompletableFuture<Void> freed;
        Thread wake;
        synchronized (lock) {
            if (cancelled) {
                return;
            }
            cancelled = true;
            queue.clear();
            size = 0;
            freed = room;
            room = null;
            wake = takeWaiter();
            lock.notifyAll();
        }
        if (wake != null) {
            LockSupport.unpark(wake);
        }
        if (freed != null) {
            freed.complete(null);
        }
        hooks.onCancelled(this);
    }

    @Override
    public final void close() {
        cancel();
    }

    @Override
    public final boolean isClosed() {
        synchronized (lock) {
            return cancelled || completing || draining;
        }
    }

    @Override
    public final void pause() {
        synchronized (lock) {
            paused = true;
        }
    }

    @Override
    public final void resume() {
        boolean schedule;
        Thread wake;
        synchronized (lock) {
            if (!paused) {
                return;
            }
            paused = false;
            schedule = !scheduled && !queue.isEmpty() && demand > 0 && !cancelled;
            if (schedule) {
                scheduled = true;
            }
            wake = takeWaiter();
        }
        if (wake != null) {
            LockSupport.unpark(wake);
        }
        if (schedule) {
            submit();
        }
    }

    @Override
    public final boolean isPaused() {
        synchronized (lock) {
            return paused;
        }
    }

    @Override
    public final boolean drain(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean schedule;
        Thread wake;
        synchronized (lock) {
            if (cancelled || completing) {
                return queue.isEmpty() && !inFlight;
            }
            draining = true;
            paused = false;
            schedule = !scheduled;
            if (schedule) {
                scheduled = true;
            }
            wake = takeWaiter();
        }
        if (wake != null) {
            LockSupport.unpark(wake);
        }
        if (schedule) {
            submit();
        }
        if (runner == Thread.currentThread()) {
            return false; // from the listener itself: the drain task finishes after it returns
        }
        boolean done;
        synchronized (lock) {
            while (!(done = queue.isEmpty() && !inFlight) && !cancelled) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    lock.wait(Math.max(1, left / 1_000_000), 0);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            done = queue.isEmpty() && !inFlight;
        }
        cancel();
        return done;
    }

    @Override
    public final ListenerStats stats() {
        return new ListenerStats(delivered, dropped, size);
    }

    /** @return how many items were dropped for a full buffer */
    final long droppedCount() {
        return dropped;
    }

    /** @return how many items wait in the buffer */
    final int bufferedCount() {
        return size;
    }

    @Override
    public String toString() {
        return "Listener[" + name + ", policy=" + policy + ", capacity=" + capacity + ", buffered=" + size
                + ", dropped=" + dropped + ", delivered=" + delivered + (inline ? ", inline" : "") + "]";
    }
}
