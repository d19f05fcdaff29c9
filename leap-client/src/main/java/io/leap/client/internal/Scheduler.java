package io.leap.client.internal;

import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The client's clock and timer thread, injectable so that timing logic (heartbeats, timeouts, backoff) can be tested
 * with a fake clock. Tasks run one at a time, in deadline order.
 */
interface Scheduler {

    /** A scheduled task. */
    interface Timer {
        /** Cancels the task if it has not run yet. Idempotent. */
        void cancel();
    }

    /** A timer that does nothing when cancelled. */
    Timer NONE = () -> {};

    /** @return a monotonic time in nanoseconds, as {@link System#nanoTime()} */
    long nanoTime();

    /** @return the wall-clock time (for state-change timestamps) */
    Instant now();

    /**
     * @return a timer, or {@link #NONE} if the scheduler is shut down (the task never runs)
     */
    Timer schedule(Runnable task, long delayNanos);

    /**
     * @return a repeating timer, or {@link #NONE} if the scheduler is shut down
     */
    Timer scheduleWithFixedDelay(Runnable task, long initialDelayNanos, long delayNanos);

    /** Stops the scheduler; pending tasks never run. */
    void shutdown();

    /** The real scheduler: one daemon thread. */
    static Scheduler threaded(String threadName) {
        return new Threaded(threadName);
    }

    /**
     * A scheduler over an application's executor (not shut down by the client): tasks still run one at a time (a lock
     * serialises them if the executor has several threads); {@link #shutdown()} cancels this client's tasks only.
     */
    static Scheduler external(ScheduledExecutorService executor) {
        return new External(executor);
    }

    /** {@link Scheduler} over an application's {@link ScheduledExecutorService}. */
    final class External implements Scheduler {
        private final ScheduledExecutorService executor;
        private final Object serial = new Object();
        private final Set<ScheduledFuture<?>> pending = ConcurrentHashMap.newKeySet();
        private volatile boolean shutdown;

        External(ScheduledExecutorService executor) {
            this.executor = executor;
        }

        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public Instant now() {
            return Instant.now();
        }

        private Runnable serialised(Runnable task) {
            return () -> {
                if (shutdown) {
                    return;
                }
                synchronized (serial) {
                    if (!shutdown) {
                        task.run();
                    }
                }
            };
        }

        @Override
        public Timer schedule(Runnable task, long delayNanos) {
            if (shutdown) {
                return NONE;
            }
            Runnable serialisedTask = serialised(task);
            AtomicReference<ScheduledFuture<?>> self = new AtomicReference<>();
            ScheduledFuture<?> f;
            try {
                f = executor.schedule(
                        () -> {
                            try {
                                serialisedTask.run();
                            } finally {
                                ScheduledFuture<?> me = self.get();
                                if (me != null) {
                                    pending.remove(me);
                                }
                            }
                        },
                        delayNanos,
                        TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                return NONE;
            }
            self.set(f);
            pending.add(f);
            if (f.isDone() || shutdown) {
                f.cancel(false);
                pending.remove(f);
            }
            return () -> {
                f.cancel(false);
                pending.remove(f);
            };
        }

        @Override
        public Timer scheduleWithFixedDelay(Runnable task, long initialDelayNanos, long delayNanos) {
            if (shutdown) {
                return NONE;
            }
            ScheduledFuture<?> f;
            try {
                f = executor.scheduleWithFixedDelay(
                        serialised(task), initialDelayNanos, delayNanos, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                return NONE;
            }
            pending.add(f);
            if (shutdown) {
                f.cancel(false);
            }
            return () -> {
                f.cancel(false);
                pending.remove(f);
            };
        }

        @Override
        public void shutdown() {
            shutdown = true;
            for (ScheduledFuture<?> f : pending) {
                f.cancel(false);
            }
            pending.clear();
        }

        /** @return how many of this client's tasks are scheduled (for tests) */
        int pendingCount() {
            return pending.size();
        }
    }

    /** {@link Scheduler} over a single-thread {@link ScheduledThreadPoolExecutor}. */
    final class Threaded implements Scheduler {
        private final ScheduledThreadPoolExecutor executor;

        Threaded(String threadName) {
            executor = new ScheduledThreadPoolExecutor(1, new NamedThreadFactory(threadName));
            executor.setRemoveOnCancelPolicy(true);
            executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        }

        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public Instant now() {
            return Instant.now();
        }

        @Override
        public Timer schedule(Runnable task, long delayNanos) {
            try {
                ScheduledFuture<?> f = executor.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
                return () -> f.cancel(false);
            } catch (RejectedExecutionException e) {
                return NONE;
            }
        }

        @Override
        public Timer scheduleWithFixedDelay(Runnable task, long initialDelayNanos, long delayNanos) {
            try {
                ScheduledFuture<?> f =
                        executor.scheduleWithFixedDelay(task, initialDelayNanos, delayNanos, TimeUnit.NANOSECONDS);
                return () -> f.cancel(false);
            } catch (RejectedExecutionException e) {
                return NONE;
            }
        }

        @Override
        public void shutdown() {
            executor.shutdownNow();
        }

        /** Waits for the thread to end (best effort). */
        void awaitTermination(long millis) throws InterruptedException {
            executor.awaitTermination(millis, TimeUnit.MILLISECONDS);
        }
    }
}
