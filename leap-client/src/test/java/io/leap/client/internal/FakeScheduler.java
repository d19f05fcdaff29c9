package io.leap.client.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.PriorityQueue;

/** A {@link Scheduler} with a clock that moves only when a test calls {@link #advance(Duration)}. */
final class FakeScheduler implements Scheduler {

    private final PriorityQueue<Task> tasks = new PriorityQueue<>();
    private final Instant epoch = Instant.parse("2026-01-01T00:00:00Z");
    private final long start = 1_000_000_000L;
    private long now = start;
    private long seq;
    private boolean shutdown;

    private final class Task implements Comparable<Task>, Timer {
        final Runnable runnable;
        final long period;
        long due;
        final long order = seq++;
        boolean cancelled;

        Task(Runnable runnable, long due, long period) {
            this.runnable = runnable;
            this.due = due;
            this.period = period;
        }

        @Override
        public int compareTo(Task o) {
            int c = Long.compare(due, o.due);
            return c != 0 ? c : Long.compare(order, o.order);
        }

        @Override
        public void cancel() {
            cancelled = true;
            tasks.remove(this);
        }
    }

    @Override
    public long nanoTime() {
        return now;
    }

    @Override
    public Instant now() {
        return epoch.plusNanos(now - start);
    }

    @Override
    public Timer schedule(Runnable task, long delayNanos) {
        if (shutdown) {
            return NONE;
        }
        Task t = new Task(task, now + delayNanos, 0);
        tasks.add(t);
        return t;
    }

    @Override
    public Timer scheduleWithFixedDelay(Runnable task, long initialDelayNanos, long delayNanos) {
        if (shutdown) {
            return NONE;
        }
        Task t = new Task(task, now + initialDelayNanos, delayNanos);
        tasks.add(t);
        return t;
    }

    @Override
    public void shutdown() {
        shutdown = true;
        tasks.clear();
    }

    /** Runs what is due now. */
    void runDue() {
        advance(Duration.ZERO);
    }

    /** Moves the clock forward, running every task that falls due on the way, in deadline order. */
    void advance(Duration by) {
        long target = now + by.toNanos();
        while (!tasks.isEmpty() && tasks.peek().due <= target) {
            Task t = tasks.poll();
            now = Math.max(now, t.due);
            t.runnable.run();
            if (t.period > 0 && !t.cancelled && !shutdown) {
                t.due = now + t.period;
                tasks.add(t);
            }
        }
        now = target;
    }

    /** @return how many tasks are scheduled */
    int pending() {
        return tasks.size();
    }
}
