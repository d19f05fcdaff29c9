package io.leap.spring.internal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * What Leap's {@code SmartLifecycle} beans (the client lifecycle, the ApplicationEvent bridge and the
 * {@code @LeapListener} registry) share: daemon threads, a bounded drain off the caller's thread whose callback always
 * runs, and a blocking {@code stop()} on top of {@code stop(Runnable)}.
 *
 * <p>Internal: not part of the public API, may change without notice.
 */
public final class LifecycleSupport {

    private LifecycleSupport() {}

    /**
     * Start a daemon thread.
     * @param name the thread name
     * @param task what it runs
     * @return the started thread
     */
    public static Thread startDaemon(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /**
     * A factory of daemon threads.
     * @param name the thread name, or with {@code numbered} the prefix of {@code name-1}, {@code name-2}, ...
     * @param numbered whether to number the threads
     * @return the factory
     */
    public static ThreadFactory daemonThreadFactory(String name, boolean numbered) {
        AtomicInteger count = new AtomicInteger();
        return (runnable) -> {
            Thread thread = new Thread(runnable, numbered ? name + "-" + count.incrementAndGet() : name);
            thread.setDaemon(true);
            return thread;
        };
    }

    /**
     * Implement {@code Lifecycle.stop()} with {@code SmartLifecycle.stop(Runnable)}: wait until the callback ran. An
     * interrupt ends the wait (the flag is restored).
     * @param stop the asynchronous stop
     */
    public static void stopAndWait(Consumer<Runnable> stop) {
        CountDownLatch done = new CountDownLatch(1);
        stop.accept(done::countDown);
        try {
            done.await();
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * On a new daemon thread, wait for each item to drain within one shared deadline, report the late ones, run
     * {@code then}, and finally, whatever happened, the lifecycle callback.
     * @param <T> the item type
     * @param threadName name of the draining thread
     * @param items what to drain, in order
     * @param timeout the shared deadline, from now
     * @param drain waits for one item until the deadline ({@link System#nanoTime()}); {@code false} when late
     * @param late called for each item that did not drain in time
     * @param then called after the drain (e.g. to cancel subscriptions), before the callback
     * @param callback the {@code stop(Runnable)} callback
     */
    public static <T> void drainInBackground(
            String threadName,
            List<T> items,
            Duration timeout,
            Drain<T> drain,
            Consumer<T> late,
            Runnable then,
            Runnable callback) {
        long deadline = System.nanoTime() + timeout.toNanos();
        startDaemon(threadName, () -> {
            try {
                for (T item : items) {
                    if (!drain.await(item, deadline)) {
                        late.accept(item);
                    }
                }
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            } finally {
                try {
                    then.run();
                } finally {
                    callback.run();
                }
            }
        });
    }

    /**
     * The cause behind {@link CompletionException} and {@link ExecutionException} wrappers.
     * @param error the error
     * @return the first cause that is not such a wrapper (or the last wrapper without a cause)
     */
    public static Throwable unwrap(Throwable error) {
        Throwable current = error;
        while ((current instanceof CompletionException || current instanceof ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

    /**
     * Waits for one item to drain.
     * @param <T> the item type
     */
    @FunctionalInterface
    public interface Drain<T> {

        /**
         * Wait until the item drained or the deadline passed.
         * @param item the item
         * @param deadlineNanos the {@link System#nanoTime()} deadline
         * @return whether it drained in time
         * @throws InterruptedException if interrupted
         */
        boolean await(T item, long deadlineNanos) throws InterruptedException;
    }
}
