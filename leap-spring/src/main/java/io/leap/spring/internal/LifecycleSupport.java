package io.leap.spring.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * What Leap's {@code SmartLifecycle} beans (the client lifecycle, the ApplicationEvent bridge and the
 * {@code @LeapListener} registry) share: daemon threads, a bounded parallel drain off the caller's thread whose
 * callback always runs, and a blocking {@code stop()} on top of {@code stop(Runnable)}.
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
     * Drain every item at once, each on its own daemon thread, within one shared deadline; then, on another daemon
     * thread, report the late ones, run {@code then}, and finally, whatever happened, the lifecycle callback.
     * @param <T> the item type
     * @param threadName name of the waiting thread (draining threads get the item's index appended)
     * @param items what to drain
     * @param timeout the shared deadline, from now
     * @param drain drains one item until the deadline ({@link System#nanoTime()}); {@code false} when late
     * @param late called for each item that did not drain in time
     * @param then called after the drain (e.g. to cancel subscriptions), before the callback
     * @param callback the {@code stop(Runnable)} callback
     */
    public static <T> void drainInParallel(
            String threadName,
            List<T> items,
            Duration timeout,
            Drain<T> drain,
            Consumer<T> late,
            Runnable then,
            Runnable callback) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<CompletableFuture<Boolean>> results = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            T item = items.get(i);
            CompletableFuture<Boolean> result = new CompletableFuture<>();
            results.add(result);
            startDaemon(threadName + "-" + (i + 1), () -> {
                try {
                    result.complete(drain.await(item, deadline));
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    result.complete(false);
                } catch (Throwable ex) {
                    result.completeExceptionally(ex);
                }
            });
        }
        startDaemon(threadName, () -> {
            try {
                for (int i = 0; i < items.size(); i++) {
                    if (!await(results.get(i), deadline)) {
                        late.accept(items.get(i));
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

    /** Wait for one drain, a little beyond the deadline (the drain itself gives up at it). */
    private static boolean await(CompletableFuture<Boolean> result, long deadlineNanos) throws InterruptedException {
        long left = Math.max(0, deadlineNanos - System.nanoTime()) + TimeUnit.MILLISECONDS.toNanos(200);
        try {
            return result.get(left, TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException ex) {
            return false;
        }
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
