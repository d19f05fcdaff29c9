package io.leap.client.internal;

import io.leap.client.OverflowPolicy;
import io.leap.client.Subscription;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * One consumer's bounded buffer, drained in order on an executor, one item at a time (a "serial executor" per
 * consumer). The producer (the socket-reading thread) never runs consumer code. With {@link OverflowPolicy#BLOCK}, a
 * full buffer accepts the item and returns a future that completes when there is room again; the producer stops
 * reading until then. Also implements demand for {@link java.util.concurrent.Flow} subscribers.
 *
 * @param <T> the item type
 */
class DeliverySink<T> implements Runnable, Subscription {

    /** Callbacks of a sink: the consumer plus error/drop accounting. */
    interface Hooks {
        void onConsumerError(DeliverySink<?> sink, Throwable error);

        void onDropped(DeliverySink<?> sink, long count);

        void onCancelled(DeliverySink<?> sink);
    }

    private static final int BATCH = 512;
    private static final int SPINS = 64;

    final String name;
    private final int capacity;
    private final OverflowPolicy policy;
    private final Executor executor;
    private final Consumer<? super T> consumer;
    private final Hooks hooks;
    private final boolean unboundedDemand;

    private final Object lock = new Object();
    private final ArrayDeque<T> queue;
    private CompletableFuture<Void> room;
    private boolean scheduled;
    private long demand;
    private boolean cancelled;
    private boolean completing;
    private boolean completed;
    private volatile int size;
    private volatile long dropped;

    DeliverySink(String name, int capacity, OverflowPolicy policy, Executor executor, Consumer<? super T> consumer,
                 Hooks hooks, boolean unboundedDemand) {
        this.name = name;
        this.capacity = capacity;
        this.policy = policy;
        this.executor = executor;
        this.consumer = consumer;
        this.hooks = hooks;
        this.queue = new ArrayDeque<>(Math.min(capacity, 256));
        this.unboundedDemand = unboundedDemand;
        this.demand = unboundedDemand ? Long.MAX_VALUE : 0;
    }

    /**
     * Adds an item.
     *
     * @return {@code null}, or (BLOCK policy, buffer full) a future completing when there is room again
     */
    final CompletableFuture<Void> offer(T item) {
        CompletableFuture<Void> wait = null;
        long drops = 0;
        boolean schedule;
        synchronized (lock) {
            if (cancelled || completing) {
                return null;
            }
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
            schedule = !scheduled && demand > 0;
            if (schedule) {
                scheduled = true;
            }
        }
        if (drops > 0) {
            hooks.onDropped(this, drops);
        }
        if (schedule) {
            submit();
        }
        return wait;
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

    /** Drains the buffer; runs on the executor, never concurrently with itself. */
    @Override
    public final void run() {
        int delivered = 0;
        while (true) {
            T item = null;
            CompletableFuture<Void> freed = null;
            boolean signalComplete = false;
            boolean idle = false;
            synchronized (lock) {
                if (completing && !completed && queue.isEmpty()) {
                    completed = true;
                    scheduled = false;
                    signalComplete = true;
                } else if (cancelled || completed) {
                    scheduled = false;
                    return;
                } else if (queue.isEmpty() || demand == 0) {
                    idle = true;
                } else {
                    item = queue.poll();
                    size = queue.size();
                    if (demand != Long.MAX_VALUE) {
                        demand--;
                    }
                    if (room != null && queue.size() <= capacity / 2) {
                        freed = room;
                        room = null;
                    }
                }
            }
            if (signalComplete) {
                safeComplete();
                return;
            }
            if (idle) {
                if (spinForMore()) {
                    continue;
                }
                synchronized (lock) {
                    boolean more = !cancelled && ((!queue.isEmpty() && demand > 0) || (completing && !completed));
                    if (!more) {
                        scheduled = false;
                        return;
                    }
                }
                continue;
            }
            if (freed != null) {
                freed.complete(null);
            }
            try {
                consumer.accept(item);
            } catch (Throwable e) {
                hooks.onConsumerError(this, e);
            }
            if (++delivered >= BATCH) {
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
     * Nothing to deliver: briefly wait for the next item without the lock, which at high rates is cheaper than letting
     * the thread go idle and waking it up again for the next item.
     */
    private boolean spinForMore() {
        if (!unboundedDemand) {
            return false;
        }
        for (int i = 0; i < SPINS; i++) {
            if (size > 0) {
                return true;
            }
            Thread.onSpinWait();
        }
        return size > 0;
    }

    /** Called when the stream ends for good (client closed). Subclasses signal their subscriber. */
    void onComplete() {
    }

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
        }
        if (freed != null) {
            freed.complete(null);
        }
        if (schedule) {
            submit();
        }
    }

    @Override
    public final void cancel() {
        CompletableFuture<Void> freed;
        synchronized (lock) {
            if (cancelled) {
                return;
            }
            cancelled = true;
            queue.clear();
            size = 0;
            freed = room;
            room = null;
        }
        if (freed != null) {
            freed.complete(null);
        }
        hooks.onCancelled(this);
    }

    @Override
    public final boolean isCancelled() {
        synchronized (lock) {
            return cancelled || completing;
        }
    }

    @Override
    public final long droppedCount() {
        return dropped;
    }

    @Override
    public final int bufferedCount() {
        return size;
    }

    @Override
    public String toString() {
        return "Listener[" + name + ", policy=" + policy + ", capacity=" + capacity + ", buffered=" + size
                + ", dropped=" + dropped + "]";
    }
}
